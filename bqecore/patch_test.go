package bqecore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/gen/bqecoreapi"
)

func firstEmployee(t *testing.T, c *bqecore.Client) bqecoreapi.Employee {
	t.Helper()
	for e, err := range c.Employees(context.Background(), &bqecoreapi.ListEmployeesParams{OrderBy: ptr("lastName")}) {
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	t.Fatal("no employee")
	return bqecoreapi.Employee{}
}

func TestPatchWithVersion(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	e := firstEmployee(t, c)
	got, err := c.PatchEmployeeFields(ctx, *e.Id, *e.Version, bqecore.Replace("/billRate", 30))
	if err != nil {
		t.Fatal(err)
	}
	if *got.BillRate != 30 || *got.Version == *e.Version || *got.FirstName != *e.FirstName {
		t.Fatalf("patched = rate %v version %v name %v", *got.BillRate, *got.Version, *got.FirstName)
	}
	// The old version is stale now: a typed conflict.
	_, err = c.PatchEmployeeFields(ctx, *e.Id, *e.Version, bqecore.Replace("/billRate", 31))
	var ce *bqecore.Error
	if !errors.Is(err, bqecore.ErrVersionConflict) || !errors.Is(err, bqecore.ErrConflict) || !errors.As(err, &ce) || ce.StatusCode != 409 {
		t.Fatalf("stale version: %v", err)
	}
	// Retry with the latest version succeeds.
	if _, err := c.PatchEmployeeFields(ctx, *e.Id, *got.Version, bqecore.Replace("/billRate", 31)); err != nil {
		t.Fatal(err)
	}
}

func TestPatchRules(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	e := firstEmployee(t, c)
	// Nested objects cannot be patched.
	_, err := c.PatchEmployeeFields(ctx, *e.Id, *e.Version, bqecore.Replace("/address/city", "Reno"))
	if !errors.Is(err, bqecore.ErrBadRequest) {
		t.Fatalf("nested patch: %v", err)
	}
	if _, err := c.PatchEmployeeFields(ctx, *e.Id, "", bqecore.Replace("/billRate", 1)); err == nil {
		t.Fatal("patch without version accepted")
	}
	if _, err := c.PatchEmployeeFields(ctx, *e.Id, *e.Version); err == nil {
		t.Fatal("patch without operations accepted")
	}
	_, err = c.PatchEmployeeFields(ctx, "00000000-0000-4000-8000-000000000000", *e.Version, bqecore.Replace("/billRate", 1))
	if !errors.Is(err, bqecore.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	// customFields may be patched; projects too.
	var p bqecoreapi.Project
	for pr, err := range c.Projects(ctx, &bqecoreapi.ListProjectsParams{Where: ptr("code = 'HVE-01'")}) {
		if err != nil {
			t.Fatal(err)
		}
		p = pr
	}
	np, err := c.PatchProjectFields(ctx, *p.Id, *p.Version, bqecore.Replace("/status", 1),
		bqecoreapi.PatchOperation{Op: bqecoreapi.Add, Path: "/customFields", Value: []map[string]any{{"label": "Phase", "value": "SD"}}})
	if err != nil {
		t.Fatal(err)
	}
	if *np.Status != 1 || np.CustomFields == nil || len(*np.CustomFields) != 1 {
		t.Fatalf("patched project = %+v", np)
	}
	np2, err := c.PatchProjectFields(ctx, *p.Id, *np.Version, bqecore.Replace("/customFields/0/value", "DD"))
	if err != nil || (*np2.CustomFields)[0].Value != "DD" {
		t.Fatalf("customFields patch: %v", err)
	}
}
