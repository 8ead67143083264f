//go:build tools

// Package depspin keeps the suite's dependencies in go.mod while the packages that use them are written.
package depspin

import (
	_ "github.com/coreos/go-oidc/v3/oidc"
	_ "github.com/dnaeon/go-vcr/v2/cassette"
	_ "github.com/dnaeon/go-vcr/v2/recorder"
	_ "github.com/getkin/kin-openapi/openapi3"
	_ "github.com/getkin/kin-openapi/openapi3filter"
	_ "github.com/getkin/kin-openapi/routers/gorillamux"
	_ "github.com/getkin/kin-openapi/routers/legacy"
	_ "github.com/go-jose/go-jose/v4"
	_ "github.com/go-jose/go-jose/v4/jwt"
	_ "github.com/oapi-codegen/runtime"
	_ "github.com/oapi-codegen/runtime/types"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "go.uber.org/goleak"
	_ "golang.org/x/oauth2"
	_ "golang.org/x/oauth2/clientcredentials"
	_ "golang.org/x/sync/singleflight"
	_ "gopkg.in/yaml.v3"
)
