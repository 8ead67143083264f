// Package bouquetapi is the typed client for the Bouquet API, generated from
// specs/bouquet.yaml by oapi-codegen. Do not edit bouquetapi.gen.go or overlay.gen.yaml by hand:
// change the spec and run `go generate ./gen/bouquetapi/`.
package bouquetapi

//go:generate go -C ../../tools tool genoverlay -spec ../specs/bouquet.yaml -out ../gen/bouquetapi/overlay.gen.yaml
//go:generate go -C ../../tools tool specjson -spec ../specs/bouquet.yaml -package bouquetapi -dir ../gen/bouquetapi
//go:generate go tool -modfile=../../tools/go.mod oapi-codegen -config config.yaml ../../specs/bouquet.yaml
