// Package readme holds every Go snippet of README.md and docs/*.md as code
// that `go test` compiles and, where a fake can play the vendor, runs.
//
// A snippet lives in a _test.go file of this package between two comment
// lines:
//
//	// readme:begin <name>
//	...the code, exactly as the documents show it (indentation aside)...
//	// readme:end
//
// TestDocumentsShowCompiledCode fails when a ```go block of a document is
// not, verbatim, one of these regions (so a block edited in the document
// alone, or code changed here alone, fails loudly), and when a region is
// shown by no document. To change a snippet: change the code here until
// `go test ./internal/readme/` passes, then paste the region into the
// document.
package readme
