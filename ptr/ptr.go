// Package ptr makes pointers to values, for the optional fields of the
// generated request types (oapi-codegen makes every optional property a
// pointer, so that false, 0 and "" stay sendable):
//
//	bqecoreapi.ListActivitiesParams{OrderBy: ptr.To("name")}
//	bouquetapi.Project{Name: ptr.To("Sales")}
package ptr

// To returns a pointer to a copy of v.
func To[T any](v T) *T { return &v }

// Value returns *p, or the zero value of T when p is nil: for reading an
// optional field of a generated type without a nil check.
func Value[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
