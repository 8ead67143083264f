package bqecore

import "fmt"

// CreateResponse is what the generated Create…WithResponse methods return:
// CORE's create operations are documented to answer 200 or 201, so the spec
// declares both and the generated response has a JSON200 and a JSON201 field.
type CreateResponse[T any] interface {
	GetJSON200() *T
	GetJSON201() *T
	StatusCode() int
}

// Created returns the record a create operation answered, from whichever of
// JSON200 and JSON201 holds it, so callers test one value instead of two:
//
//	entry, err := bqecore.Created(c.CreateTimeEntryWithResponse(ctx, body))
//
// It passes err on (an *Error for a non-2xx answer); a 2xx answer without
// the record is an error too (never a nil record with a nil error).
func Created[T any, R CreateResponse[T]](r R, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	if v := r.GetJSON201(); v != nil {
		return v, nil
	}
	if v := r.GetJSON200(); v != nil {
		return v, nil
	}
	return nil, fmt.Errorf("%w (create answered %d)", errNoBody, r.StatusCode())
}
