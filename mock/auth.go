package mock

import (
	"net/http"
	"strings"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// authenticator knows the server's principals by bearer token. It is built once and only read.
type authenticator struct {
	byToken map[string]vendorapi.Principal
}

func newAuthenticator(ps []vendorapi.Principal) *authenticator {
	a := &authenticator{byToken: make(map[string]vendorapi.Principal, len(ps))}
	for _, p := range ps {
		a.byToken[p.Token] = p
	}
	return a
}

// authenticate finds the principal of the request's bearer token and checks that it may do
// what the request's method does: 401 for a missing, malformed or unknown token, 403 for a
// read-only principal that writes. Without an Authorization header, the token may come in a
// cookie of one of the names the operation's security allows (apiKey schemes in a cookie);
// the header wins when both are sent.
func (a *authenticator) authenticate(r *http.Request, cookies ...string) (vendorapi.Principal, *vendorapi.Error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		for _, name := range cookies {
			if c, err := r.Cookie(name); err == nil && strings.TrimSpace(c.Value) != "" {
				h = "Bearer " + c.Value
				break
			}
		}
	}
	scheme, token, ok := strings.Cut(h, " ")
	switch {
	case h == "":
		return vendorapi.Principal{}, &vendorapi.Error{Kind: vendorapi.KindUnauthenticated, Message: "missing Authorization header"}
	case !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "":
		return vendorapi.Principal{}, &vendorapi.Error{Kind: vendorapi.KindUnauthenticated, Message: "Authorization header is not \"Bearer <token>\""}
	}
	p, known := a.byToken[strings.TrimSpace(token)]
	if !known {
		return vendorapi.Principal{}, &vendorapi.Error{Kind: vendorapi.KindUnauthenticated, Message: "unknown bearer token"}
	}
	if p.ReadOnly && !isRead(r.Method) {
		return p, &vendorapi.Error{Kind: vendorapi.KindForbidden, Message: "principal " + p.Name + " is read-only"}
	}
	return p, nil
}

func isRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}
