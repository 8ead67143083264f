// Package bouquetapi is the typed client for the Bouquet API, generated from
// specs/bouquet.yaml by oapi-codegen. Do not edit bouquetapi.gen.go or overlay.gen.yaml by hand:
// change the spec and run `go generate ./gen/bouquetapi/`.
package bouquetapi

//go:generate go run ../../internal/genoverlay -spec ../../specs/bouquet.yaml -out overlay.gen.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../specs/bouquet.yaml
