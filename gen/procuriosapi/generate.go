// Package procuriosapi is the client generated from specs/procurios.yaml by oapi-codegen.
// Do not edit procuriosapi.gen.go or overlay.gen.yaml by hand: change the spec and run `go generate`.
package procuriosapi

//go:generate go run ../../internal/genoverlay -spec ../../specs/procurios.yaml -out overlay.gen.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../specs/procurios.yaml
