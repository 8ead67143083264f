package fakekit

import (
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// ErrNotFound is returned by Collection.Update for an unknown id.
var ErrNotFound = errors.New("fakekit: not found")

// IDKind chooses how a Collection generates ids.
type IDKind int

const (
	// SequentialIDs generates "1", "2", … (with an optional prefix). It is the zero value.
	SequentialIDs IDKind = iota
	// UUIDs generates random RFC 9562 version-4 UUIDs (BQE ids).
	UUIDs
)

// Collection is an in-memory, insertion-ordered store of T keyed by string id, safe for
// concurrent use. Values are stored as given: a T holding maps or slices shares them with the
// caller, so store copies when that matters.
type Collection[T any] struct {
	kind   IDKind
	prefix string

	mu    sync.Mutex
	seq   int
	order []string
	items map[string]T
}

// NewCollection returns an empty collection generating ids of the given kind; prefix is put
// before sequential ids ("adv-1").
func NewCollection[T any](kind IDKind, prefix string) *Collection[T] {
	return &Collection[T]{kind: kind, prefix: prefix, items: map[string]T{}}
}

// NewID returns a fresh id without storing anything.
func (c *Collection[T]) NewID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.newIDLocked()
}

func (c *Collection[T]) newIDLocked() string {
	for {
		var id string
		if c.kind == UUIDs {
			id = newUUID()
		} else {
			c.seq++
			id = c.prefix + strconv.Itoa(c.seq)
		}
		if _, taken := c.items[id]; !taken {
			return id
		}
	}
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Insert stores v under a new id and returns the id.
func (c *Collection[T]) Insert(v T) string {
	id, _ := c.Create(func(string) T { return v })
	return id
}

// Create stores build(id) under a new id, for values that carry their own id, and returns both.
func (c *Collection[T]) Create(build func(id string) T) (string, T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := c.newIDLocked()
	v := build(id)
	c.items[id] = v
	c.order = append(c.order, id)
	return id, v
}

// Put stores v under id, replacing (in place, keeping its position) or appending; it reports
// whether the id was new. A numeric sequential id advances the sequence past it.
func (c *Collection[T]) Put(id string, v T) (created bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, exists := c.items[id]
	c.items[id] = v
	if !exists {
		c.order = append(c.order, id)
		if c.kind == SequentialIDs && strings.HasPrefix(id, c.prefix) {
			if n, err := strconv.Atoi(id[len(c.prefix):]); err == nil && n > c.seq {
				c.seq = n
			}
		}
	}
	return !exists
}

// Get returns the value stored under id.
func (c *Collection[T]) Get(id string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.items[id]
	return v, ok
}

// Update applies fn to the value under id atomically and stores the result; fn's error aborts
// the update and is returned. An unknown id returns ErrNotFound.
func (c *Collection[T]) Update(id string, fn func(v *T) error) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.items[id]
	if !ok {
		var zero T
		return zero, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err := fn(&v); err != nil {
		var zero T
		return zero, err
	}
	c.items[id] = v
	return v, nil
}

// Delete removes id and reports whether it was there.
func (c *Collection[T]) Delete(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[id]; !ok {
		return false
	}
	delete(c.items, id)
	c.order = slices.DeleteFunc(c.order, func(s string) bool { return s == id })
	return true
}

// List returns all values in insertion order.
func (c *Collection[T]) List() []T {
	return c.Filter(nil)
}

// Filter returns the values for which keep returns true (all when keep is nil), in insertion order.
func (c *Collection[T]) Filter(keep func(T) bool) []T {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]T, 0, len(c.order))
	for _, id := range c.order {
		v := c.items[id]
		if keep == nil || keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// Page returns at most limit values starting at offset (insertion order) and the total count.
// A limit ≤ 0 means no limit.
func (c *Collection[T]) Page(offset, limit int) ([]T, int) {
	all := c.List()
	total := len(all)
	if offset < 0 {
		offset = 0
	}
	if offset >= total {
		return []T{}, total
	}
	end := total
	if limit > 0 && offset+limit < end {
		end = offset + limit
	}
	return all[offset:end], total
}

// IDs returns the ids in insertion order.
func (c *Collection[T]) IDs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.order)
}

// Len returns the number of stored values.
func (c *Collection[T]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.order)
}
