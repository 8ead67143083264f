// Package beproductapi is the client generated from specs/beproduct.yaml for the BeProduct
// Public API (https://developers.beproduct.com). Do not edit beproductapi.gen.go or
// overlay.gen.yaml: change the spec and run go generate.
package beproductapi

//go:generate go -C ../../tools tool genoverlay -spec ../specs/beproduct.yaml -out ../gen/beproductapi/overlay.gen.yaml
//go:generate go -C ../../tools tool specjson -spec ../specs/beproduct.yaml -package beproductapi -dir ../gen/beproductapi
//go:generate go tool -modfile=../../tools/go.mod oapi-codegen -config config.yaml ../../specs/beproduct.yaml
