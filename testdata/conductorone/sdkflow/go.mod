module sdkflow

go 1.26

require github.com/conductorone/conductorone-sdk-go v0.0.0

require (
	github.com/go-jose/go-jose/v3 v3.0.0 // indirect
	github.com/golang/protobuf v1.5.3 // indirect
	github.com/grpc-ecosystem/go-grpc-middleware v1.4.0 // indirect
	github.com/pquerna/xjwt v0.2.0 // indirect
	github.com/spyzhov/ajson v0.9.6 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	go.uber.org/zap v1.26.0 // indirect
	golang.org/x/crypto v0.16.0 // indirect
	golang.org/x/net v0.19.0 // indirect
	golang.org/x/oauth2 v0.15.0 // indirect
	golang.org/x/sys v0.15.0 // indirect
	golang.org/x/text v0.14.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20230920204549-e6e6cdab5c13 // indirect
	google.golang.org/grpc v1.59.0 // indirect
	google.golang.org/protobuf v1.31.0 // indirect
	gopkg.in/square/go-jose.v2 v2.6.0 // indirect
)

// The SDK as checked (commit 2eb88f849f45), extracted beside this file:
//
//	git --git-dir=<a clone of conductorone-sdk-go>/.git archive 2eb88f84 | tar -x -C sdk
replace github.com/conductorone/conductorone-sdk-go => ./sdk
