package bqecore_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/gen/bqecoreapi"
	"github.com/oasuite/sdk/validate"
)

// syncAll runs a Sync to its end and returns its changes as "kind:id" and the last cursor.
func syncAll(t *testing.T, c *bqecore.Client, entity string, from bqecore.SyncCursor, opts *bqecore.SyncOptions) ([]string, bqecore.SyncCursor) {
	t.Helper()
	var out []string
	last := from
	for ch, err := range c.Sync(context.Background(), entity, from, opts) {
		if err != nil {
			t.Fatalf("sync %s: %v", entity, err)
		}
		out = append(out, ch.Kind.String()+":"+ch.ID)
		last = ch.Cursor
	}
	return out, last
}

func sorted(s []string) []string { s = slices.Clone(s); sort.Strings(s); return s }

// TestSyncIncremental: a first sync delivers every record, a second only
// what changed since (updates, creations, deletions from deletedhistory),
// and a stopped sync resumes from a change's cursor without repeating it.
func TestSyncIncremental(t *testing.T) {
	clock := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	fake := newFake(t, bqecoretest.WithClock(func() time.Time { return clock }))
	c, _ := newClient(t, fake)
	ctx := context.Background()

	// Five seeded activities share one lastUpdated; a page of 2 must still deliver each once.
	first, cur := syncAll(t, c, "activity", bqecore.SyncCursor{}, &bqecore.SyncOptions{PageSize: 2})
	if len(first) != 5 || len(sorted(slices.Compact(sorted(first)))) != 5 {
		t.Fatalf("first sync: %v", first)
	}
	if cur.LastUpdated != "2026-11-20T09:00:00" || len(cur.UpdatedIDs) != 5 {
		t.Fatalf("cursor after the first sync: %+v", cur)
	}
	// Nothing changed: nothing to deliver.
	if again, _ := syncAll(t, c, "activity", cur, nil); len(again) != 0 {
		t.Fatalf("no change, got %v", again)
	}

	// An hour later: one update, one creation, one deletion.
	clock = clock.Add(time.Hour)
	acts, err := c.ListActivitiesWithResponse(ctx, &bqecoreapi.ListActivitiesParams{OrderBy: ptr("code")})
	if err != nil {
		t.Fatal(err)
	}
	upd, del := (*acts.JSON200)[0], (*acts.JSON200)[1]
	upd.Description = ptr("Administration (edited)")
	if _, err := c.UpdateActivityWithResponse(ctx, *upd.Id, upd); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Second)
	created, err := c.CreateActivityWithResponse(ctx, bqecoreapi.Activity{Code: ptr("NEW"), Name: ptr("New work")})
	if err != nil {
		t.Fatal(err)
	}
	newID := *created.JSON201.Id
	if _, err := c.DeleteActivityWithResponse(ctx, *del.Id); err != nil {
		t.Fatal(err)
	}
	// A deletion of another resource is not this one's.
	chk, _ := c.ListChecksWithResponse(ctx, nil)
	if _, err := c.DeleteCheckWithResponse(ctx, *(*chk.JSON200)[0].Id); err != nil {
		t.Fatal(err)
	}

	// Stop after the first change, resume from its cursor.
	var got []string
	var resume bqecore.SyncCursor
	for ch, err := range c.Sync(ctx, "activity", cur, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if ch.Kind != bqecore.Upsert || ch.ID != *upd.Id {
			t.Fatalf("first change: %v %s", ch.Kind, ch.ID)
		}
		var a bqecoreapi.Activity
		if err := json.Unmarshal(ch.Record, &a); err != nil || *a.Description != "Administration (edited)" {
			t.Fatalf("upsert record: %v %s", err, ch.Record)
		}
		got = append(got, ch.Kind.String()+":"+ch.ID)
		resume = ch.Cursor
		break
	}
	// The cursor survives a store (JSON).
	b, _ := json.Marshal(resume)
	var stored bqecore.SyncCursor
	if err := json.Unmarshal(b, &stored); err != nil {
		t.Fatal(err)
	}
	rest, end := syncAll(t, c, "activity", stored, nil)
	got = append(got, rest...)
	want := []string{"upsert:" + *upd.Id, "upsert:" + newID, "delete:" + *del.Id}
	if !slices.Equal(got, want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	if end.DeletedOn != "2026-11-20T10:00:01" || end.LastUpdated != "2026-11-20T10:00:01" {
		t.Fatalf("end cursor %+v", end)
	}
	// From the end cursor: nothing; from the old cursor again: the same changes.
	if none, _ := syncAll(t, c, "activity", end, nil); len(none) != 0 {
		t.Fatalf("after the end: %v", none)
	}
	if again, _ := syncAll(t, c, "activity", cur, nil); !slices.Equal(again, want) {
		t.Fatalf("replayed from the old cursor: %v", again)
	}
	// SkipDeletes, and an overlap that delivers the update again.
	if ups, _ := syncAll(t, c, "activity", end, &bqecore.SyncOptions{SkipDeletes: true, Overlap: time.Minute}); !slices.Equal(ups, want[:1]) {
		t.Fatalf("overlap, no deletes: %v", ups)
	}
}

// TestSyncFailsLoudly: a page that is not an array, or records without
// lastUpdated (CRM pick lists have none), end the sync with a typed error.
func TestSyncFailsLoudly(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	var mf *validate.MissingFieldError
	n := 0
	for _, err := range c.Sync(context.Background(), "crm/lists/region", bqecore.SyncCursor{}, nil) {
		n++
		if !errors.As(err, &mf) || mf.Field != "lastUpdated" {
			t.Fatalf("pick list: %v", err)
		}
	}
	if n != 1 {
		t.Fatalf("%d results", n)
	}
	fake.AddFault(fakes.Fault{OperationID: "listProjects", Status: 200, JSON: map[string]any{"items": []any{}}})
	for _, err := range c.Sync(context.Background(), "project", bqecore.SyncCursor{}, nil) {
		if !errors.As(err, &mf) {
			t.Fatalf("object page: %v", err)
		}
	}
	for _, err := range c.Sync(context.Background(), "project", bqecore.SyncCursor{}, &bqecore.SyncOptions{PageSize: 5000}) {
		if err == nil {
			t.Fatal("page size above the maximum accepted")
		}
	}
}
