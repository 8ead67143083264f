package bouquet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
)

// Answer is what every generated response of an object offers
// (bouquetapi.UpdateProjectResponse and the like).
type Answer[T any] interface {
	GetJSON200() *T
	StatusCode() int
}

// ErrNoObject matches the error of [Object] and [Update] when a 2xx answer
// holds no object the client can read.
var ErrNoObject = errors.New("bouquet: answer holds no object")

// Object returns the typed object of a generated answer: err when set, else
// JSON200, else an error matching [ErrNoObject] (never a nil object without
// an error).
func Object[T any, R Answer[T]](r R, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	if v := reflect.ValueOf(r); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, ErrNoObject
	}
	if o := r.GetJSON200(); o != nil {
		return o, nil
	}
	return nil, fmt.Errorf("%w (status %d)", ErrNoObject, r.StatusCode())
}

// ErrNoVersion is returned by [Update] for an object without _vctrl: the
// server would skip its version check and overwrite a concurrent change.
var ErrNoVersion = errors.New("bouquet: object has no _vctrl version (read it first)")

// ErrConcurrentModification matches a [*ConflictError].
var ErrConcurrentModification = errors.New("bouquet: concurrent modification")

// ConflictError says an update was refused because the object changed since
// it was read: Bouquet's 409 ConcurrentModificationAPIException
// (VersionControlDataStoreDecorator.update). Read the object again, reapply
// the change, and update again.
type ConflictError struct {
	// Sent is the _vctrl the update carried.
	Sent int32
	// Err is Bouquet's error answer.
	Err *Error
}

// Error names the version sent and Bouquet's message.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("bouquet: update with _vctrl %d refused, the object changed since it was read: %v", e.Sent, e.Err)
}

// Unwrap gives the [*Error] (errors.Is(err, ErrConflict) holds).
func (e *ConflictError) Unwrap() error { return e.Err }

// Is matches [ErrConcurrentModification].
func (e *ConflictError) Is(target error) bool { return target == ErrConcurrentModification }

// Update writes back obj, an object read earlier, through put (a generated
// Update…WithResponse bound to the object's ids) and returns the stored
// object. Everything read travels back: the _vctrl version, the ids and the
// fields the spec does not know (kept in AdditionalProperties), so the
// server checks the version and a newer server's fields survive. An object
// without _vctrl is refused with [ErrNoVersion]; a 409 is a [*ConflictError].
//
//	p, err := bouquet.Update(ctx, proj, func(ctx context.Context, p bouquetapi.Project) (*bouquetapi.UpdateProjectResponse, error) {
//		return c.UpdateProjectWithResponse(ctx, pid, p)
//	})
func Update[T any, R Answer[T]](ctx context.Context, obj *T, put func(context.Context, T) (R, error)) (*T, error) {
	if obj == nil {
		return nil, ErrNoObject
	}
	sent, ok := versionOf(obj)
	if !ok {
		return nil, ErrNoVersion
	}
	out, err := Object[T](put(ctx, *obj))
	var be *Error
	if errors.As(err, &be) && be.StatusCode == http.StatusConflict {
		return nil, &ConflictError{Sent: sent, Err: be}
	}
	return out, err
}

// versionOf reads the generated UnderscoreVctrl field (*int32) of a model.
func versionOf(obj any) (int32, bool) {
	v := reflect.ValueOf(obj)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return 0, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0, false
	}
	f := v.FieldByName("UnderscoreVctrl")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return 0, false
	}
	n, ok := f.Elem().Interface().(int32)
	return n, ok
}
