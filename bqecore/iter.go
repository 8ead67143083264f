package bqecore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oasuite/sdk/gen/bqecoreapi"
	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/validate"
)

// Page sizes of CORE lists (page=N,M): the server's maximum, which the
// iterators use unless told otherwise (https://api-explorer.bqecore.com/docs/rules).
const (
	DefaultPageSize = 1000
	MaxPageSize     = 1000
)

// PageFunc fetches one page of a list: page is CORE's "N,M" value (page number
// from 0, page size). It returns the records and the HTTP status (204 past the
// last page).
type PageFunc[T any] func(ctx context.Context, page string) (items []T, status int, err error)

// All iterates over every record of a CORE list, page by page, starting at
// page first with pageSize records a page. It stops after a 204 No Content, an
// empty page or a page shorter than pageSize, and yields an error (then stops)
// when a page fails. Breaking out of the loop stops fetching.
//
// The Client's per-resource methods (Activities, TimeEntries, …) are All over
// the generated list operations; use All directly for anything else.
func All[T any](ctx context.Context, first, pageSize int, fetch PageFunc[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if pageSize <= 0 || pageSize > MaxPageSize {
			yield(zero, fmt.Errorf("bqecore: page size %d outside 1..%d", pageSize, MaxPageSize))
			return
		}
		for n := first; ; n++ {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			items, status, err := fetch(ctx, FormatPage(n, pageSize))
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if status == http.StatusNoContent || len(items) < pageSize {
				return
			}
		}
	}
}

// FormatPage returns CORE's page parameter for page n (from 0) of size size.
func FormatPage(n, size int) string { return strconv.Itoa(n) + "," + strconv.Itoa(size) }

// ParsePage reads a "N,M" page parameter.
func ParsePage(p string) (n, size int, err error) {
	a, b, ok := strings.Cut(p, ",")
	if ok {
		n, err = strconv.Atoi(strings.TrimSpace(a))
		if err == nil {
			size, err = strconv.Atoi(strings.TrimSpace(b))
		}
	}
	if !ok || err != nil || n < 0 || size <= 0 {
		return 0, 0, fmt.Errorf("bqecore: invalid page %q (want N,M)", p)
	}
	return n, size, nil
}

// startPage returns where an iterator begins: params' page if set, else page 0
// of the client's page size.
func (c *Client) startPage(p *string) (int, int, error) {
	if p == nil || *p == "" {
		return 0, c.pageSize, nil
	}
	return ParsePage(*p)
}

// listAll runs All over a generated list operation. call gets a copy of the
// page parameter to send and returns the decoded page and the HTTP answer.
func listAll[T any](ctx context.Context, c *Client, page *string,
	call func(ctx context.Context, page *string) (*[]T, *http.Response, error)) iter.Seq2[T, error] {
	first, size, err := c.startPage(page)
	if err != nil {
		return func(yield func(T, error) bool) { var zero T; yield(zero, err) }
	}
	return All(ctx, first, size, func(ctx context.Context, p string) ([]T, int, error) {
		items, resp, err := call(ctx, &p)
		if err != nil {
			return nil, 0, err
		}
		if resp.StatusCode == http.StatusNoContent {
			return nil, resp.StatusCode, nil
		}
		if items == nil {
			return nil, resp.StatusCode, missingRecords(resp, errNoBody)
		}
		return *items, resp.StatusCode, nil
	})
}

// listDecoded is listAll for the Client's own iterators: call sends one
// page with the generated request and returns the raw answer, which is
// decoded through the pipeline's pooled buffer (pages are up to 1000
// records; see pipeline.DecodeJSON) instead of the generated parser's
// per-page io.ReadAll. A 204 is the end of the list.
func listDecoded[T any](ctx context.Context, c *Client, page *string,
	call func(ctx context.Context, page *string) (*http.Response, error)) iter.Seq2[T, error] {
	return listAll(ctx, c, page, func(ctx context.Context, p *string) (*[]T, *http.Response, error) {
		resp, err := call(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		if resp.StatusCode == http.StatusNoContent {
			resp.Body.Close()
			return nil, resp, nil
		}
		var items *[]T
		if err := pipeline.DecodeJSON(resp, &items); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field == "" {
				// Not an array at all (an object, a string): the records are missing.
				return nil, resp, missingRecords(resp, err)
			}
			return nil, resp, fmt.Errorf("bqecore: %s: %w", resp.Request.URL.Path, err)
		}
		if items == nil { // null
			return nil, resp, missingRecords(resp, nil)
		}
		return items, resp, nil
	})
}

// missingRecords is the error of a 2xx list page that holds no array of
// records: never an empty list.
func missingRecords(resp *http.Response, err error) error {
	return validate.MissingField("bqecore", resp, "", "a JSON array of records", err)
}

// Activities iterates over every activity matching p (fields, where, orderBy,
// expand; p.Page sets the first page and the page size). p may be nil.
// https://api-explorer.bqecore.com/docs/api/apis/activity
func (c *Client) Activities(ctx context.Context, p *bqecoreapi.ListActivitiesParams) iter.Seq2[bqecoreapi.Activity, error] {
	q := deref(p)
	return listDecoded[bqecoreapi.Activity](ctx, c, q.Page, func(ctx context.Context, page *string) (*http.Response, error) {
		q.Page = page
		return c.ListActivities(ctx, &q)
	})
}

// Clients iterates over every client matching p (see Activities).
// https://api-explorer.bqecore.com/docs/api/apis/client
func (c *Client) Clients(ctx context.Context, p *bqecoreapi.ListClientsParams) iter.Seq2[bqecoreapi.ClientEntity, error] {
	q := deref(p)
	return listDecoded[bqecoreapi.ClientEntity](ctx, c, q.Page, func(ctx context.Context, page *string) (*http.Response, error) {
		q.Page = page
		return c.ListClients(ctx, &q)
	})
}

// Projects iterates over every project matching p (see Activities).
// https://api-explorer.bqecore.com/docs/api/apis/project
func (c *Client) Projects(ctx context.Context, p *bqecoreapi.ListProjectsParams) iter.Seq2[bqecoreapi.Project, error] {
	q := deref(p)
	return listDecoded[bqecoreapi.Project](ctx, c, q.Page, func(ctx context.Context, page *string) (*http.Response, error) {
		q.Page = page
		return c.ListProjects(ctx, &q)
	})
}

// TimeEntries iterates over every time entry matching p (see Activities).
// https://api-explorer.bqecore.com/docs/api/apis/timeentry
func (c *Client) TimeEntries(ctx context.Context, p *bqecoreapi.ListTimeEntriesParams) iter.Seq2[bqecoreapi.TimeEntry, error] {
	q := deref(p)
	return listDecoded[bqecoreapi.TimeEntry](ctx, c, q.Page, func(ctx context.Context, page *string) (*http.Response, error) {
		q.Page = page
		return c.ListTimeEntries(ctx, &q)
	})
}

// Employees iterates over every employee matching p (see Activities).
// https://api-explorer.bqecore.com/docs/api/apis/employee
func (c *Client) Employees(ctx context.Context, p *bqecoreapi.ListEmployeesParams) iter.Seq2[bqecoreapi.Employee, error] {
	q := deref(p)
	return listDecoded[bqecoreapi.Employee](ctx, c, q.Page, func(ctx context.Context, page *string) (*http.Response, error) {
		q.Page = page
		return c.ListEmployees(ctx, &q)
	})
}

// Invoices iterates over every invoice matching p (see Activities).
// https://api-explorer.bqecore.com/docs/api/apis/invoice
func (c *Client) Invoices(ctx context.Context, p *bqecoreapi.ListInvoicesParams) iter.Seq2[bqecoreapi.Invoice, error] {
	q := deref(p)
	return listDecoded[bqecoreapi.Invoice](ctx, c, q.Page, func(ctx context.Context, page *string) (*http.Response, error) {
		q.Page = page
		return c.ListInvoices(ctx, &q)
	})
}

// ListPages adapts any generated list operation to All: call sends one page
// (the page parameter it receives) and returns the generated response's
// JSON200 and HTTPResponse. For example:
//
//	it := bqecore.ListPages(ctx, c, nil, func(ctx context.Context, page *string) (*[]bqecoreapi.Bill, *http.Response, error) {
//		r, err := c.ListBillsWithResponse(ctx, &bqecoreapi.ListBillsParams{Page: page})
//		if err != nil {
//			return nil, nil, err
//		}
//		return r.JSON200, r.HTTPResponse, nil
//	})
func ListPages[T any](ctx context.Context, c *Client, page *string,
	call func(ctx context.Context, page *string) (*[]T, *http.Response, error)) iter.Seq2[T, error] {
	return listAll(ctx, c, page, call)
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// ChangeKind says what happened to a record (see Change).
type ChangeKind int

// The kinds of Change.
const (
	// Upsert: the record was created or updated; Change.Record holds it.
	Upsert ChangeKind = iota + 1
	// Delete: the record was deleted; Change.Deleted holds the deletedhistory entry.
	Delete
)

func (k ChangeKind) String() string {
	switch k {
	case Upsert:
		return "upsert"
	case Delete:
		return "delete"
	}
	return "ChangeKind(" + strconv.Itoa(int(k)) + ")"
}

// Change is one change Client.Sync delivers.
type Change struct {
	Kind ChangeKind
	// ID is the changed record's id.
	ID string
	// Record is the record as CORE sent it (Upsert); decode it into the
	// resource's type, e.g. bqecoreapi.Activity.
	Record json.RawMessage
	// Deleted is the deletedhistory entry (Delete).
	Deleted *bqecoreapi.DeletedHistory
	// Cursor is where a later Sync resumes after this change: persist it
	// (it marshals to JSON) once the change is applied.
	Cursor SyncCursor
}

// SyncCursor is the resumable position of a Client.Sync: the high-water
// marks of lastUpdated (records) and deletedOn (deletedhistory), and the ids
// already delivered at exactly those marks (CORE's timestamps have whole
// seconds, so several records may share one). The zero cursor syncs
// everything.
type SyncCursor struct {
	LastUpdated string   `json:"lastUpdated,omitempty"`
	UpdatedIDs  []string `json:"updatedIds,omitempty"`
	DeletedOn   string   `json:"deletedOn,omitempty"`
	DeletedIDs  []string `json:"deletedIds,omitempty"`
}

func (s SyncCursor) clone() SyncCursor {
	s.UpdatedIDs = slices.Clone(s.UpdatedIDs)
	s.DeletedIDs = slices.Clone(s.DeletedIDs)
	return s
}

// SyncOptions tunes Client.Sync; nil means the defaults.
type SyncOptions struct {
	// DeletedEntity is the name deletedhistory gives the resource's records,
	// matched case-insensitively; default the last segment of the resource
	// path ("timeentry" for TimeEntry, "benefit" for hr/benefit).
	DeletedEntity string
	// Overlap queries from this long before the cursor's marks, for changes
	// committed late with an older time stamp (the third-party exporter uses
	// 5 minutes). Records inside the overlap are delivered again.
	Overlap time.Duration
	// PageSize is the page size of the queries (default the client's).
	PageSize int
	// SkipDeletes leaves deletedhistory out.
	SkipDeletes bool
}

// Sync iterates over the changes of one resource since from: first every
// record whose lastUpdated is at or after from.LastUpdated (as an Upsert,
// oldest first), then every deletedhistory entry of the resource at or after
// from.DeletedOn (as a Delete). entity is the resource path, as in the URL
// ("activity", "timeentry", "hr/benefit", "crm/prospect").
//
// Each Change carries the cursor to resume from after it: stop at any
// change, persist its Cursor, and a later Sync from it delivers the rest and
// what changed since. Delivery is at least once: a change is never skipped,
// but one may come again (inside SyncOptions.Overlap, or a record updated
// again while the sync runs), so apply changes idempotently. One exception:
// when more records than a page holds share one lastUpdated, they are paged
// by number, and a record of that group updated meanwhile can shift a page
// and hide another; the default page size (1000, CORE's maximum) makes that
// unlikely.
//
// Records are queried with where=lastUpdated >= '…' and orderby=lastUpdated
// asc, as the third-party exporter (abobneil/BQECore) does; a record without
// a readable lastUpdated, or a page that is not an array, ends the iteration
// with a *validate.MissingFieldError. Assumption: deletedhistory's entity is
// the resource's name (see SyncOptions.DeletedEntity) and deletedOn its
// high-water mark (the exporter's choice).
func (c *Client) Sync(ctx context.Context, entity string, from SyncCursor, opts *SyncOptions) iter.Seq2[Change, error] {
	o := deref(opts)
	entity = strings.Trim(entity, "/")
	if o.PageSize <= 0 {
		o.PageSize = c.pageSize
	}
	if o.DeletedEntity == "" {
		o.DeletedEntity = entity[strings.LastIndex(entity, "/")+1:]
	}
	return func(yield func(Change, error) bool) {
		cur := from.clone()
		if o.PageSize > MaxPageSize || entity == "" || strings.ContainsAny(entity, "?#") {
			yield(Change{}, fmt.Errorf("bqecore: sync %q: invalid resource or page size %d", entity, o.PageSize))
			return
		}
		ups := syncPhase{c: c, path: entity, field: "lastUpdated", size: o.PageSize, overlap: o.Overlap,
			mark: &cur.LastUpdated, seen: &cur.UpdatedIDs}
		if !ups.run(ctx, func(id string, raw json.RawMessage) bool {
			return yield(Change{Kind: Upsert, ID: id, Record: raw, Cursor: cur.clone()}, nil)
		}, func(err error) { yield(Change{}, err) }) || o.SkipDeletes {
			return
		}
		del := syncPhase{c: c, path: "deletedhistory", field: "deletedOn", size: o.PageSize, overlap: o.Overlap,
			mark: &cur.DeletedOn, seen: &cur.DeletedIDs, where: "entity = '" + strings.ReplaceAll(o.DeletedEntity, "'", "''") + "'"}
		del.run(ctx, func(_ string, raw json.RawMessage) bool {
			var h bqecoreapi.DeletedHistory
			if err := json.Unmarshal(raw, &h); err != nil || h.EntityId == "" {
				yield(Change{}, &validate.MissingFieldError{Vendor: "bqecore", Method: http.MethodGet, Path: "deletedhistory",
					Status: http.StatusOK, Field: "entityId", Want: "the deleted record's id", Err: err})
				return false
			}
			return yield(Change{Kind: Delete, ID: h.EntityId, Deleted: &h, Cursor: cur.clone()}, nil)
		}, func(err error) { yield(Change{}, err) })
	}
}

// syncPhase walks one list by a timestamp field, as keyset pages: each
// request asks for field >= mark, oldest first, and skips the ids already
// delivered at mark. When a whole page is made of those (more records share
// one timestamp than a page holds), it pages on by number until a page
// brings something new.
type syncPhase struct {
	c       *Client
	path    string
	field   string
	where   string // an extra condition
	size    int
	overlap time.Duration
	mark    *string
	seen    *[]string

	overlapOn bool
}

// run yields the phase's records; it returns false when the caller stopped
// or an error was reported.
func (p *syncPhase) run(ctx context.Context, yield func(id string, raw json.RawMessage) bool, fail func(error)) bool {
	page := 0
	// The overlap applies from the resume point until the mark moves on:
	// records before the mark are then delivered again, once.
	p.overlapOn = p.overlap > 0
	for {
		if err := ctx.Err(); err != nil {
			fail(err)
			return false
		}
		items, status, err := p.fetch(ctx, page)
		if err != nil {
			fail(err)
			return false
		}
		before := *p.mark
		for _, it := range items {
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(it, &fields); err != nil {
				fail(p.missing("", "a JSON object per record", err))
				return false
			}
			var id, stamp string
			_ = json.Unmarshal(fields["id"], &id)
			if err := json.Unmarshal(fields[p.field], &stamp); err != nil || id == "" {
				f := p.field
				if id == "" {
					f = "id"
				}
				fail(p.missing(f, "a record id and its "+p.field+" time stamp", err))
				return false
			}
			t, ok := parseStamp(stamp)
			if !ok {
				fail(p.missing(p.field, "a date-time such as 2026-11-20T10:00:00", nil))
				return false
			}
			if *p.mark != "" {
				m, _ := parseStamp(*p.mark)
				switch {
				case t.Before(m):
					if !p.overlapOn {
						continue // already delivered
					}
				case t.Equal(m):
					if slices.Contains(*p.seen, id) {
						continue
					}
					*p.seen = append(*p.seen, id)
				default:
					*p.mark, *p.seen = stamp, []string{id}
				}
			} else {
				*p.mark, *p.seen = stamp, []string{id}
			}
			if !yield(id, it) {
				return false
			}
		}
		if status == http.StatusNoContent || len(items) < p.size {
			return true
		}
		if *p.mark != before {
			page, p.overlapOn = 0, false // ask again from the new mark
		} else {
			page++ // the page ended at the mark: more records share its time stamp
		}
	}
}

func (p *syncPhase) fetch(ctx context.Context, page int) ([]json.RawMessage, int, error) {
	q := url.Values{}
	where := p.where
	if *p.mark != "" {
		from := *p.mark
		if p.overlapOn {
			if t, ok := parseStamp(from); ok {
				from = t.Add(-p.overlap).Format(stampLayout)
			}
		}
		cond := p.field + " >= '" + strings.ReplaceAll(from, "'", "''") + "'"
		if where != "" {
			where += " and " + cond
		} else {
			where = cond
		}
	}
	if where != "" {
		q.Set("where", where)
	}
	q.Set("orderby", p.field+" asc")
	q.Set("page", FormatPage(page, p.size))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, 0, fmt.Errorf("bqecore: sync: %w", err)
	}
	resp, err := p.c.Do(req)
	if err != nil {
		return nil, 0, err
	}
	if resp.StatusCode == http.StatusNoContent {
		resp.Body.Close()
		return nil, resp.StatusCode, nil
	}
	var items *[]json.RawMessage
	if err := pipeline.DecodeJSON(resp, &items); err != nil || items == nil {
		return nil, resp.StatusCode, missingRecords(resp, err)
	}
	return *items, resp.StatusCode, nil
}

func (p *syncPhase) missing(field, want string, err error) error {
	return &validate.MissingFieldError{Vendor: "bqecore", Method: http.MethodGet, Path: p.path, Status: http.StatusOK,
		Field: field, Want: want, Err: err}
}

// stampLayout is CORE's local date-time without a zone.
const stampLayout = "2006-01-02T15:04:05"

// parseStamp reads CORE's time stamps: local date-times without a zone
// (fractions allowed), or RFC 3339.
func parseStamp(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", time.RFC3339Nano} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
