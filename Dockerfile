# syntax=docker/dockerfile:1
# connectormock: a static binary on a minimal base, run as a non-root user.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, in their own layer: source edits do not refetch them.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/connectormock ./cmd/connectormock
# Smoke run at build time: the binary starts and lists its flags.
RUN /out/connectormock -h

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/connectormock /connectormock
USER 65532:65532
# The address is a default, not part of the command line: move it with -e CONNECTORMOCK_ADDR,
# which the health check below reads too (it runs as a process of its own and cannot see the
# server's command line, so an -addr on the command line would leave it asking 8080).
ENV CONNECTORMOCK_ADDR=0.0.0.0:8080
EXPOSE 8080
# /__health needs no token and is served with the admin API off: the check passes with
# -admin-token and with -no-admin. A path alone is asked of CONNECTORMOCK_ADDR.
HEALTHCHECK --interval=10s --timeout=2s --start-period=2s --retries=3 \
  CMD ["/connectormock", "-healthcheck", "/__health"]
ENTRYPOINT ["/connectormock"]
