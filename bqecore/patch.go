package bqecore

import (
	"context"
	"fmt"

	"github.com/oasuite/sdk/gen/bqecoreapi"
)

// Replace returns the JSON-Patch operation that sets the field at path (a JSON
// pointer such as "/billRate") to value. Nested objects cannot be patched,
// except customFields (https://corehelpcenter.bqe.com, PATCH article).
func Replace(path string, value any) bqecoreapi.PatchOperation {
	return bqecoreapi.PatchOperation{Op: bqecoreapi.Replace, Path: path, Value: value}
}

// NewPatch builds a PATCH body: the operations and the record's version, which
// must be the latest the server holds (optimistic concurrency).
func NewPatch(version string, ops ...bqecoreapi.PatchOperation) (bqecoreapi.PatchRequest, error) {
	if version == "" {
		return bqecoreapi.PatchRequest{}, fmt.Errorf("bqecore: a PATCH needs the record's version")
	}
	if len(ops) == 0 {
		return bqecoreapi.PatchRequest{}, fmt.Errorf("bqecore: a PATCH needs at least one operation")
	}
	return bqecoreapi.PatchRequest{Document: ops, Version: version}, nil
}

// PatchEmployeeFields applies ops to employee id at version (the record's
// "version" field as last read) and returns the whole updated employee. A
// stale version fails with an *Error matching ErrVersionConflict (and
// ErrConflict). https://api-explorer.bqecore.com/docs/api/apis/employee
func (c *Client) PatchEmployeeFields(ctx context.Context, id, version string, ops ...bqecoreapi.PatchOperation) (*bqecoreapi.Employee, error) {
	body, err := NewPatch(version, ops...)
	if err != nil {
		return nil, err
	}
	r, err := c.PatchEmployeeWithResponse(ctx, id, body)
	if err != nil {
		return nil, err
	}
	if r.JSON200 == nil {
		return nil, fmt.Errorf("%w (PATCH employee %d)", errNoBody, r.StatusCode())
	}
	return r.JSON200, nil
}

// PatchProjectFields applies ops to project id at version and returns the
// whole updated project; see PatchEmployeeFields.
// https://api-explorer.bqecore.com/docs/api/apis/project
func (c *Client) PatchProjectFields(ctx context.Context, id, version string, ops ...bqecoreapi.PatchOperation) (*bqecoreapi.Project, error) {
	body, err := NewPatch(version, ops...)
	if err != nil {
		return nil, err
	}
	r, err := c.PatchProjectWithResponse(ctx, id, body)
	if err != nil {
		return nil, err
	}
	if r.JSON200 == nil {
		return nil, fmt.Errorf("%w (PATCH project %d)", errNoBody, r.StatusCode())
	}
	return r.JSON200, nil
}
