// Package procuriosapi is the client generated from specs/procurios.yaml by oapi-codegen.
// Do not edit procuriosapi.gen.go or overlay.gen.yaml by hand: change the spec and run `go generate`.
package procuriosapi

//go:generate go -C ../../tools tool genoverlay -spec ../specs/procurios.yaml -out ../gen/procuriosapi/overlay.gen.yaml
//go:generate go -C ../../tools tool specjson -spec ../specs/procurios.yaml -package procuriosapi -dir ../gen/procuriosapi
//go:generate go tool -modfile=../../tools/go.mod oapi-codegen -config config.yaml ../../specs/procurios.yaml
