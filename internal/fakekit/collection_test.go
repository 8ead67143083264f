package fakekit

import (
	"errors"
	"regexp"
	"slices"
	"sync"
	"testing"
)

func TestCollectionSequential(t *testing.T) {
	c := NewCollection[string](SequentialIDs, "")
	a, b := c.Insert("a"), c.Insert("b")
	if a != "1" || b != "2" {
		t.Fatalf("ids %q %q", a, b)
	}
	if created := c.Put("10", "ten"); !created {
		t.Fatal("Put of a new id reported a replacement")
	}
	if id := c.Insert("eleven"); id != "11" {
		t.Fatalf("sequence did not move past a put id: %q", id)
	}
	if created := c.Put("1", "A"); created {
		t.Fatal("Put of an existing id reported creation")
	}
	if got := c.List(); !slices.Equal(got, []string{"A", "b", "ten", "eleven"}) {
		t.Fatalf("List = %q", got)
	}
	if !c.Delete("2") || c.Delete("2") {
		t.Fatal("Delete")
	}
	if got := c.IDs(); !slices.Equal(got, []string{"1", "10", "11"}) {
		t.Fatalf("IDs = %q", got)
	}
	if v, ok := c.Get("10"); !ok || v != "ten" {
		t.Fatalf("Get = %q %t", v, ok)
	}
	page, total := c.Page(1, 1)
	if total != 3 || !slices.Equal(page, []string{"ten"}) {
		t.Fatalf("Page = %q %d", page, total)
	}
	if page, _ := c.Page(5, 1); len(page) != 0 {
		t.Fatalf("Page past the end = %q", page)
	}
	if got := c.Filter(func(s string) bool { return len(s) > 3 }); !slices.Equal(got, []string{"eleven"}) {
		t.Fatalf("Filter = %q", got)
	}
}

func TestCollectionCreateUpdateAndUUIDs(t *testing.T) {
	type item struct{ ID, Name string }
	c := NewCollection[item](UUIDs, "")
	id, it := c.Create(func(id string) item { return item{ID: id, Name: "x"} })
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) || it.ID != id {
		t.Fatalf("uuid %q, item %+v", id, it)
	}
	got, err := c.Update(id, func(v *item) error { v.Name = "y"; return nil })
	if err != nil || got.Name != "y" {
		t.Fatalf("Update = %+v %v", got, err)
	}
	boom := errors.New("boom")
	if _, err := c.Update(id, func(v *item) error { v.Name = "z"; return boom }); !errors.Is(err, boom) {
		t.Fatalf("Update error = %v", err)
	}
	if v, _ := c.Get(id); v.Name != "y" {
		t.Fatal("failed Update changed the value")
	}
	if _, err := c.Update("nope", func(*item) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Update unknown = %v", err)
	}
	prefixed := NewCollection[int](SequentialIDs, "adv-")
	if id := prefixed.Insert(1); id != "adv-1" {
		t.Fatalf("prefixed id %q", id)
	}
}

func TestCollectionConcurrent(t *testing.T) {
	c := NewCollection[int](SequentialIDs, "")
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := c.Insert(i)
			_, _ = c.Update(id, func(v *int) error { *v++; return nil })
			_ = c.List()
		}()
	}
	wg.Wait()
	ids := c.IDs()
	slices.Sort(ids)
	if c.Len() != 50 || len(slices.Compact(ids)) != 50 {
		t.Fatalf("Len %d, distinct ids %d", c.Len(), len(slices.Compact(ids)))
	}
}
