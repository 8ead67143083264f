package procurios

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/oasuite/sdk/gen/procuriosapi"
	"github.com/oasuite/sdk/internal/pipeline"
)

// RegistrationsPerPage is the page size of meeting registrations, as
// documented ("The api will provide 25 results per page").
const RegistrationsPerPage = 25

// maxPages bounds every iterator, so that a server whose links loop cannot
// keep one running forever.
const maxPages = 10000

// Relations iterates over every relation of a CRM collection, page by page,
// following the HAL link _links.next of each page
// (https://api.procurios.com/api_documentation/relation_list_api/relation).
// collectionID is the collection's UUID as text (a Collection's Id.String(),
// or one from your configuration); one that is not a UUID yields an error
// matching ErrInvalidID and sends nothing. The iteration stops at the first
// error, which it yields.
func (c *Client) Relations(ctx context.Context, collectionID string) iter.Seq2[procuriosapi.Relation, error] {
	return func(yield func(procuriosapi.Relation, error) bool) {
		var zero procuriosapi.Relation
		id, err := uuid.Parse(collectionID)
		if err != nil {
			yield(zero, fmt.Errorf("procurios: collection id %q: %w", collectionID, ErrInvalidID))
			return
		}
		rsp, err := c.GetCollectionWithResponse(ctx, openapi_types.UUID(id), nil)
		seen := map[string]bool{} // pages read, by resolved URL: a cycle of links ends the iteration
		if err == nil && rsp.HTTPResponse != nil && rsp.HTTPResponse.Request != nil {
			seen[rsp.HTTPResponse.Request.URL.String()] = true
		}
		for n := 0; ; n++ {
			if err != nil {
				yield(zero, err)
				return
			}
			page := rsp.ApplicationvndProcuriosRelationJSONVersion1200
			if page == nil {
				yield(zero, unexpected(rsp.HTTPResponse))
				return
			}
			for _, r := range page.UnderscoreEmbedded.Relations {
				if !yield(r, nil) {
					return
				}
			}
			next := nextHref(page.UnderscoreLinks)
			if next == "" || seen[c.pageKey(next)] || n >= maxPages {
				return
			}
			seen[c.pageKey(next)] = true
			var hr *http.Response
			hr, err = c.follow(ctx, next)
			if err == nil {
				rsp, err = procuriosapi.ParseGetCollectionResponse(hr)
			}
		}
	}
}

// MeetingRegistrations iterates over the registrations for any meeting
// (https://api.procurios.com/api_documentation/meeting2_api/registrations),
// 25 per page. It follows _links.next when the answer has one; the
// documented answer has none, so then it asks for the next page for as long
// as a page is full. params may be nil; its Page, if set, is the first page.
func (c *Client) MeetingRegistrations(ctx context.Context, params *procuriosapi.ListMeetingRegistrationsParams) iter.Seq2[procuriosapi.MeetingRegistration, error] {
	return func(yield func(procuriosapi.MeetingRegistration, error) bool) {
		var zero procuriosapi.MeetingRegistration
		p := procuriosapi.ListMeetingRegistrationsParams{}
		if params != nil {
			p = *params
		}
		pageNo := 1
		if p.Page != nil {
			pageNo = *p.Page
		}
		rsp, err := c.ListMeetingRegistrationsWithResponse(ctx, &p)
		seen := map[string]bool{}
		for n := 0; ; n++ {
			if err != nil {
				yield(zero, err)
				return
			}
			page := rsp.ApplicationvndProcuriosMeeting2JSONVersion1200
			if page == nil {
				yield(zero, unexpected(rsp.HTTPResponse))
				return
			}
			for _, r := range page.Registrations {
				if !yield(r, nil) {
					return
				}
			}
			if n >= maxPages {
				return
			}
			if hasLinks(page.UnderscoreLinks) {
				next := nextHref(page.UnderscoreLinks)
				if next == "" || seen[c.pageKey(next)] {
					return
				}
				seen[c.pageKey(next)] = true
				var hr *http.Response
				hr, err = c.follow(ctx, next)
				if err == nil {
					rsp, err = procuriosapi.ParseListMeetingRegistrationsResponse(hr)
				}
				continue
			}
			if len(page.Registrations) < RegistrationsPerPage {
				return
			}
			pageNo++
			np := pageNo
			p.Page = &np
			rsp, err = c.ListMeetingRegistrationsWithResponse(ctx, &p)
		}
	}
}

// pageKey is the absolute URL a next link leads to (as follow resolves it),
// so that two spellings of one page count as the same page.
func (c *Client) pageKey(href string) string {
	ref, err := url.Parse(href)
	if err != nil {
		return href
	}
	return c.base.ResolveReference(ref).String()
}

func nextHref(l procuriosapi.PageLinks) string {
	if l.Next == nil {
		return ""
	}
	return l.Next.Href
}

// hasLinks reports whether a page carries HAL _links. A page holds them as a
// value, so an absent _links reads as the zero PageLinks, and so does an
// empty _links object (which names no next page either).
func hasLinks(l procuriosapi.PageLinks) bool {
	return l.Self != nil || l.First != nil || l.Prev != nil || l.Next != nil || l.Last != nil ||
		len(l.AdditionalProperties) > 0
}

// follow GETs a HAL link. Links are host-relative paths such as
// /l/relation_list_api/collection/<id>?page=2; a link to another host is
// refused, so the token never leaves the customer's host.
func (c *Client) follow(ctx context.Context, href string) (*http.Response, error) {
	u, err := pipeline.CheckLink(c.base, nil, href)
	if err != nil {
		return nil, fmt.Errorf("procurios: _links.next not followed: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("procurios: %w", err)
	}
	return c.doer.Do(req)
}

// Collections returns the CRM collections available to the token.
func (c *Client) Collections(ctx context.Context) ([]procuriosapi.Collection, error) {
	rsp, err := c.ListCollectionsWithResponse(ctx)
	if err != nil {
		return nil, err
	}
	if rsp.ApplicationvndProcuriosRelationJSONVersion1200 == nil {
		return nil, unexpected(rsp.HTTPResponse)
	}
	return *rsp.ApplicationvndProcuriosRelationJSONVersion1200, nil
}

// Meetings returns the published, upcoming meetings matching search ("" for
// all).
func (c *Client) Meetings(ctx context.Context, search string) ([]procuriosapi.Meeting, error) {
	var p procuriosapi.ListMeetingsParams
	if search != "" {
		p.Search = &search
	}
	rsp, err := c.ListMeetingsWithResponse(ctx, &p)
	if err != nil {
		return nil, err
	}
	if rsp.ApplicationvndProcuriosMeeting2JSONVersion2200 == nil {
		return nil, unexpected(rsp.HTTPResponse)
	}
	return rsp.ApplicationvndProcuriosMeeting2JSONVersion2200.Meetings, nil
}

// HistoricalMeetings returns the published, past meetings matching search
// ("" for all).
func (c *Client) HistoricalMeetings(ctx context.Context, search string) ([]procuriosapi.Meeting, error) {
	var p procuriosapi.ListHistoricalMeetingsParams
	if search != "" {
		p.Search = &search
	}
	rsp, err := c.ListHistoricalMeetingsWithResponse(ctx, &p)
	if err != nil {
		return nil, err
	}
	if rsp.ApplicationvndProcuriosMeeting2JSONVersion2200 == nil {
		return nil, unexpected(rsp.HTTPResponse)
	}
	return rsp.ApplicationvndProcuriosMeeting2JSONVersion2200.Meetings, nil
}

// CreateMeeting creates a meeting and returns its id.
func (c *Client) CreateMeeting(ctx context.Context, m procuriosapi.MeetingInput) (int, error) {
	rsp, err := c.CreateMeetingWithResponse(ctx, m)
	if err != nil {
		return 0, err
	}
	if rsp.ApplicationvndProcuriosMeeting2JSONVersion2200 == nil {
		return 0, unexpected(rsp.HTTPResponse)
	}
	return rsp.ApplicationvndProcuriosMeeting2JSONVersion2200.MeetingId, nil
}

// Locations returns the meeting locations, limited to locationIDs and to the
// locations of meetingIDs when those are not empty.
func (c *Client) Locations(ctx context.Context, locationIDs, meetingIDs []int) ([]procuriosapi.Location, error) {
	var p procuriosapi.ListLocationsParams
	if len(locationIDs) > 0 {
		p.LocationIds = &locationIDs
	}
	if len(meetingIDs) > 0 {
		p.MeetingIds = &meetingIDs
	}
	rsp, err := c.ListLocationsWithResponse(ctx, &p)
	if err != nil {
		return nil, err
	}
	if rsp.ApplicationvndProcuriosMeeting2JSONVersion1200 == nil {
		return nil, unexpected(rsp.HTTPResponse)
	}
	return rsp.ApplicationvndProcuriosMeeting2JSONVersion1200.Locations, nil
}

// RegistrationSets returns the registration sets available to the token.
func (c *Client) RegistrationSets(ctx context.Context) ([]procuriosapi.RegistrationSet, error) {
	rsp, err := c.ListRegistrationSetsWithResponse(ctx)
	if err != nil {
		return nil, err
	}
	if rsp.ApplicationvndProcuriosProfileJSONVersion1200 == nil {
		return nil, unexpected(rsp.HTTPResponse)
	}
	return rsp.ApplicationvndProcuriosProfileJSONVersion1200.RegistrationSet, nil
}

// Since formats t for the registrations' since parameter
// (yyyy-mm-ddThh:mm:ss, the documented local time without zone); t keeps its
// own location, so pass it in the customer's time zone.
func Since(t time.Time) string { return t.Format("2006-01-02T15:04:05") }
