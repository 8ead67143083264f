// Package bqecoreapi is the BQE CORE API client generated from specs/bqecore.yaml.
// Do not edit bqecoreapi.gen.go: change the spec and run go generate.
package bqecoreapi

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../specs/bqecore.yaml
