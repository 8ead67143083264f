// Package beproductapi is the client generated from specs/beproduct.yaml for the BeProduct
// Public API (https://developers.beproduct.com). Do not edit beproductapi.gen.go or
// overlay.gen.yaml: change the spec and run go generate.
package beproductapi

//go:generate go run ../../internal/genoverlay -spec ../../specs/beproduct.yaml -out overlay.gen.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../specs/beproduct.yaml
