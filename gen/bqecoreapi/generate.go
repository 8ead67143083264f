// Package bqecoreapi is the BQE CORE API client generated from specs/bqecore.yaml.
// Do not edit bqecoreapi.gen.go or overlay.gen.yaml: change the spec and run go generate.
package bqecoreapi

//go:generate go run ../../internal/genoverlay -spec ../../specs/bqecore.yaml -out overlay.gen.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../specs/bqecore.yaml
