// Package gentemplates holds the oapi-codegen user templates every
// gen/<vendor>api/config.yaml points at (output-options.user-templates),
// and the tests that pin what the generated code does with them.
//
// client.tmpl is oapi-codegen v2's client template with its request
// builders rewritten (issue 20): NewClient parses the server URL once and
// keeps it as a prefix ending in "/"; each call appends its path, with
// every parameter escaped into its own segment, and its query to that
// prefix in a stack buffer, and hands the one string to
// http.NewRequestWithContext. Before, each call parsed the server,
// formatted the path, resolved it against the server, printed the result
// and http.NewRequest parsed it again. Primitive path and form query
// parameters (string without a format, integer, boolean) are written
// without reflection; others still go through
// runtime.StyleParamWithOptions. A path parameter that is exactly "." or
// ".." is sent as "%2E" or "%2E%2E", never resolved as a dot segment.
//
// The public New<Op>Request(server, ...) functions keep their signatures.
package gentemplates
