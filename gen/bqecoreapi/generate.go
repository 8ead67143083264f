// Package bqecoreapi is the BQE CORE API client generated from specs/bqecore.yaml.
// Do not edit bqecoreapi.gen.go or overlay.gen.yaml: change the spec and run go generate.
package bqecoreapi

//go:generate go -C ../../tools tool genoverlay -spec ../specs/bqecore.yaml -out ../gen/bqecoreapi/overlay.gen.yaml
//go:generate go -C ../../tools tool specjson -spec ../specs/bqecore.yaml -package bqecoreapi -dir ../gen/bqecoreapi
//go:generate go tool -modfile=../../tools/go.mod oapi-codegen -config config.yaml ../../specs/bqecore.yaml
