// Package integration tests package auth against a real OAuth 2.0 / OpenID
// Connect server library, github.com/ory/fosite, started on loopback inside
// each test. It is a nested module so that fosite's heavy dependency tree
// never reaches the users of github.com/oasuite/sdk. Run it with
//
//	cd internal/integration && go test -race ./...
package integration
