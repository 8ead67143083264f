package beproduct

import (
	"context"
	"errors"
	"fmt"

	"github.com/oasuite/sdk/gen/beproductapi"
)

// BatchResult reports a write of many records that was split into requests
// of at most MaxWriteRecords records.
type BatchResult struct {
	// Requests is the number of requests sent.
	Requests int
	// Succeeded is the number of records written.
	Succeeded int
	// Failed lists the records that were not written, in input order.
	Failed []RecordFailure
}

// RecordFailure is one record of a batch that was not written.
type RecordFailure struct {
	// Index is the record's position in the input slice.
	Index int
	// ID is the record's id ("" for a new record).
	ID string
	// Err says why: the error of the whole request (an *Error), or the
	// server's message for this record.
	Err error
}

// ErrRecordFailed is wrapped by the Err of a RecordFailure whose request
// the server answered with {"error": true, "message": …} (the SDKs' write
// answer, MessageResponse): the message says why. The SDKs report no
// per-record outcome, so every record of that request fails.
var ErrRecordFailed = errors.New("beproduct: record not written")

// ErrUnreadableAnswer is wrapped when a 2xx answer is not in the shape the
// spec gives it (not JSON, or JSON of another shape): no zero value is
// returned in its place.
var ErrUnreadableAnswer = errors.New("beproduct: answer not in the expected shape")

// Err returns nil when every record was written, else an error that names
// how many failed and wraps the first failure.
func (r *BatchResult) Err() error {
	if len(r.Failed) == 0 {
		return nil
	}
	f := r.Failed[0]
	return fmt.Errorf("beproduct: %d of %d records not written; first (index %d, id %q): %w",
		len(r.Failed), len(r.Failed)+r.Succeeded, f.Index, f.ID, f.Err)
}

// writeBatches sends records in chunks of MaxWriteRecords through send and
// collects the outcome. A failed request fails all its records and the next
// chunks are still sent, unless ctx is done.
func writeBatches[T any](ctx context.Context, records []T, id func(T) string,
	send func(ctx context.Context, chunk []T) (*beproductapi.MessageResponse, error)) (*BatchResult, error) {
	res := &BatchResult{}
	for start := 0; start < len(records); start += MaxWriteRecords {
		end := min(start+MaxWriteRecords, len(records))
		chunk := records[start:end]
		if err := ctx.Err(); err != nil {
			for i := start; i < len(records); i++ {
				res.Failed = append(res.Failed, RecordFailure{Index: i, ID: id(records[i]), Err: err})
			}
			break
		}
		res.Requests++
		mr, err := send(ctx, chunk)
		if err == nil && mr.Error {
			err = fmt.Errorf("%w: %s", ErrRecordFailed, mr.Message)
		}
		if err != nil {
			for i := start; i < end; i++ {
				res.Failed = append(res.Failed, RecordFailure{Index: i, ID: id(records[i]), Err: err})
			}
			continue
		}
		res.Succeeded += end - start
	}
	return res, res.Err()
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// UpdatePageGrid writes rows to a grid page of one of m's headers (POST
// {Master}/PageGrid), at most MaxWriteRecords rows per request. The result
// says which rows failed (all of a request the server refused); the error is
// non-nil when any did (BatchResult.Err).
func (c *Client) UpdatePageGrid(ctx context.Context, m Master, headerID, pageID string, rows []beproductapi.GridRow) (*BatchResult, error) {
	p := beproductapi.UpdateStylePageGridParams{HeaderId: headerID, PageId: pageID}
	send := func(ctx context.Context, chunk []beproductapi.GridRow) (*beproductapi.MessageResponse, error) {
		switch m {
		case Style:
			r, err := c.UpdateStylePageGridWithResponse(ctx, &p, chunk)
			return pick(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
		case Material:
			r, err := c.UpdateMaterialPageGridWithResponse(ctx, (*beproductapi.UpdateMaterialPageGridParams)(&p), chunk)
			return pick(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
		case Color:
			r, err := c.UpdateColorPageGridWithResponse(ctx, (*beproductapi.UpdateColorPageGridParams)(&p), chunk)
			return pick(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
		case Image:
			r, err := c.UpdateImagePageGridWithResponse(ctx, (*beproductapi.UpdateImagePageGridParams)(&p), chunk)
			return pick(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
		case Block:
			r, err := c.UpdateBlockPageGridWithResponse(ctx, (*beproductapi.UpdateBlockPageGridParams)(&p), chunk)
			return pick(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
		}
		return nil, fmt.Errorf("%w %q", ErrUnknownMaster, m)
	}
	if !m.valid() {
		return nil, fmt.Errorf("%w %q", ErrUnknownMaster, m)
	}
	return writeBatches(ctx, rows, func(r beproductapi.GridRow) string { return str(r.RowId) }, send)
}

// UpdatePageList writes items to a list page of one of m's headers (POST
// {Master}/PageList), at most MaxWriteRecords items per request. The result
// says which items failed; the error is non-nil when any did.
func (c *Client) UpdatePageList(ctx context.Context, m Master, headerID, pageID string, items []beproductapi.ListItem) (*BatchResult, error) {
	p := beproductapi.UpdateStylePageListParams{HeaderId: headerID, PageId: pageID}
	send := func(ctx context.Context, chunk []beproductapi.ListItem) (*beproductapi.MessageResponse, error) {
		switch m {
		case Style:
			r, err := c.UpdateStylePageListWithResponse(ctx, &p, chunk)
			return pick(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
		case Material:
			r, err := c.UpdateMaterialPageListWithResponse(ctx, (*beproductapi.UpdateMaterialPageListParams)(&p), chunk)
			return pick(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
		case Color:
			r, err := c.UpdateColorPageListWithResponse(ctx, (*beproductapi.UpdateColorPageListParams)(&p), chunk)
			return pick(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
		case Image:
			r, err := c.UpdateImagePageListWithResponse(ctx, (*beproductapi.UpdateImagePageListParams)(&p), chunk)
			return pick(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
		case Block:
			r, err := c.UpdateBlockPageListWithResponse(ctx, (*beproductapi.UpdateBlockPageListParams)(&p), chunk)
			return pick(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
		}
		return nil, fmt.Errorf("%w %q", ErrUnknownMaster, m)
	}
	if !m.valid() {
		return nil, fmt.Errorf("%w %q", ErrUnknownMaster, m)
	}
	return writeBatches(ctx, items, func(r beproductapi.ListItem) string { return str(r.ItemId) }, send)
}

// Timeline names the two kinds of tracking timelines.
type Timeline string

// The tracking timeline kinds.
const (
	StyleTimeline    Timeline = "Style"
	MaterialTimeline Timeline = "Material"
)

// UpdateTrackingTimelines edits timeline records of a plan (POST
// Tracking/Plan/{planId}/{Style|Material}/Timelines/Edit), at most
// MaxWriteRecords records per request. The result says which records failed;
// the error is non-nil when any did.
func (c *Client) UpdateTrackingTimelines(ctx context.Context, kind Timeline, planID string, edits []beproductapi.TimelineEdit) (*BatchResult, error) {
	var send func(ctx context.Context, chunk []beproductapi.TimelineEdit) (*beproductapi.MessageResponse, error)
	switch kind {
	case StyleTimeline:
		send = func(ctx context.Context, chunk []beproductapi.TimelineEdit) (*beproductapi.MessageResponse, error) {
			r, err := c.UpdateTrackingStyleTimelinesWithResponse(ctx, planID, chunk)
			return pick(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
		}
	case MaterialTimeline:
		send = func(ctx context.Context, chunk []beproductapi.TimelineEdit) (*beproductapi.MessageResponse, error) {
			r, err := c.UpdateTrackingMaterialTimelinesWithResponse(ctx, planID, chunk)
			return pick(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
		}
	default:
		return nil, fmt.Errorf("beproduct: unknown timeline kind %q (want Style or Material)", kind)
	}
	return writeBatches(ctx, edits, func(e beproductapi.TimelineEdit) string { return e.Id }, send)
}

func pick[R any](r *R, err error, get func() *beproductapi.MessageResponse) (*beproductapi.MessageResponse, error) {
	if err != nil {
		return nil, err
	}
	mr := get()
	if mr == nil {
		return nil, fmt.Errorf("%w: a write answer without a JSON {error, message} body", ErrUnreadableAnswer)
	}
	return mr, nil
}

func (m Master) valid() bool {
	switch m {
	case Style, Material, Color, Image, Block:
		return true
	}
	return false
}
