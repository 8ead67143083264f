package bqecore_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/gen/bqecoreapi"
)

// TestProjectSubresourcesAndBatches covers /project/{id}/resources,
// /project/{id}/activities, /project/batch and /timeentry/batch.
func TestProjectSubresourcesAndBatches(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	var parent, phase bqecoreapi.Project
	for p, err := range c.Projects(ctx, &bqecoreapi.ListProjectsParams{OrderBy: ptr("code")}) {
		if err != nil {
			t.Fatal(err)
		}
		if p.ParentId == nil {
			parent = p
		} else {
			phase = p
		}
	}
	if phase.ParentId == nil || *phase.ParentId != *parent.Id {
		t.Fatal("seeded phase missing")
	}
	res, err := c.ListProjectResourcesWithResponse(ctx, *parent.Id)
	if err != nil || len(*res.JSON200) != 1 || (*res.JSON200)[0].Name != "Lee, Pat" {
		t.Fatalf("resources: %v %v", err, res)
	}
	acts, err := c.ListProjectActivitiesWithResponse(ctx, *parent.Id)
	if err != nil || len(*acts.JSON200) != 1 || *(*acts.JSON200)[0].Code != "DES" {
		t.Fatalf("activities: %v", err)
	}
	if _, err := c.ListProjectActivitiesWithResponse(ctx, "nope"); !errors.Is(err, bqecore.ErrNotFound) {
		t.Fatalf("unknown project: %v", err)
	}

	pb, err := c.CreateProjectBatchWithResponse(ctx, []bqecoreapi.Project{
		{Code: ptr("B-1"), Name: ptr("Batch one")}, {Code: ptr("B-2"), Name: ptr("Batch two"), ParentId: parent.Id},
	})
	if err != nil || len(*pb.JSON200) != 2 || *(*pb.JSON200)[1].Name != "Batch two" || (*pb.JSON200)[0].Id == nil {
		t.Fatalf("project batch: %v", err)
	}
	emp := firstEmployee(t, c)
	var design bqecoreapi.Activity
	for a, err := range c.Activities(ctx, &bqecoreapi.ListActivitiesParams{Where: ptr("code = 'DRA'")}) {
		if err != nil {
			t.Fatal(err)
		}
		design = a
	}
	tb, err := c.CreateTimeEntryBatchWithResponse(ctx, []bqecoreapi.TimeEntry{
		{ActivityId: design.Id, ProjectId: phase.Id, ResourceId: emp.Id, Date: ptr("2026-11-23T00:00:00"), ActualHours: ptr(2.0)},
		{ActivityId: design.Id, ProjectId: phase.Id, ResourceId: emp.Id, Date: ptr("2026-11-24T00:00:00"), ActualHours: ptr(1.0)},
	})
	if err != nil || len(*tb.JSON200) != 2 {
		t.Fatalf("time entry batch: %v", err)
	}
	acts, err = c.ListProjectActivitiesWithResponse(ctx, *parent.Id)
	if err != nil || len(*acts.JSON200) != 2 {
		t.Fatalf("activities after batch: %v", err)
	}
}

// TestReadOnlyAndServiceEndpoints covers company, resourceschedule, account,
// deletedhistory, health and version.
func TestReadOnlyAndServiceEndpoints(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	co, err := c.GetCompanyWithResponse(ctx, &bqecoreapi.GetCompanyParams{Fields: ptr("name")})
	if err != nil || co.JSON200.Name != "Lee & Partners Architects" || co.JSON200.Email != "" || bytes.Contains(co.Body, []byte(`"email"`)) {
		t.Fatalf("company (fields=name): %v %+v", err, co.JSON200)
	}
	rs, err := c.ListResourceSchedulesWithResponse(ctx, nil)
	if err != nil || len(*rs.JSON200) != 1 {
		t.Fatalf("resource schedules: %v", err)
	}
	one, err := c.GetResourceScheduleWithResponse(ctx, (*rs.JSON200)[0].Id)
	if err != nil || one.JSON200.Hours != 20 {
		t.Fatalf("resource schedule: %v", err)
	}
	acc, err := c.CreateAccountWithResponse(ctx, bqecoreapi.Account{Code: ptr("6100"), Name: ptr("Printing"), Type: ptr(int32(4))})
	if err != nil || acc.StatusCode() != 201 || acc.JSON201 == nil {
		t.Fatalf("create account: %v", err)
	}
	got, err := c.GetAccountWithResponse(ctx, *acc.JSON201.Id)
	if err != nil || *got.JSON200.Name != "Printing" {
		t.Fatalf("get account: %v", err)
	}
	accs, err := c.ListAccountsWithResponse(ctx, &bqecoreapi.ListAccountsParams{OrderBy: ptr("code")})
	if err != nil || len(*accs.JSON200) != 3 {
		t.Fatalf("list accounts: %v", err)
	}
	// Deleting records fills the deleted history.
	var first bqecoreapi.Check
	for ch, err := range bqecore.ListPages(ctx, c, nil, func(ctx context.Context, page *string) (*[]bqecoreapi.Check, *http.Response, error) {
		r, err := c.ListChecksWithResponse(ctx, &bqecoreapi.ListChecksParams{Page: page})
		if err != nil {
			return nil, nil, err
		}
		return r.JSON200, r.HTTPResponse, nil
	}) {
		if err != nil {
			t.Fatal(err)
		}
		first = ch
	}
	if _, err := c.DeleteCheckWithResponse(ctx, *first.Id); err != nil {
		t.Fatal(err)
	}
	dh, err := c.ListDeletedHistoryWithResponse(ctx, &bqecoreapi.ListDeletedHistoryParams{Where: ptr("entity = 'Check'")})
	if err != nil || len(*dh.JSON200) != 1 || (*dh.JSON200)[0].EntityId != *first.Id {
		t.Fatalf("deleted history: %v", err)
	}
	h, err := c.GetHealthWithResponse(ctx)
	if err != nil || h.JSON200.Status != "Healthy" {
		t.Fatalf("health: %v", err)
	}
	v, err := c.GetVersionWithResponse(ctx)
	if err != nil || v.JSON200.Version == "" {
		t.Fatalf("version: %v", err)
	}
}
