package procurios_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"
	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/gen/procuriosapi"
	"github.com/oasuite/sdk/procurios"
	"github.com/oasuite/sdk/procurios/procuriostest"
)

var ctx = context.Background()

func TestNewNeedsHostAndTokenSource(t *testing.T) {
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"})
	if _, err := procurios.New(ctx, procurios.WithTokenSource(ts)); !errors.Is(err, procurios.ErrHostRequired) {
		t.Fatalf("without host: %v, want ErrHostRequired", err)
	}
	if _, err := procurios.New(ctx, procurios.WithHost("leden.example.nl")); !errors.Is(err, procurios.ErrTokenSourceRequired) {
		t.Fatalf("without token source: %v", err)
	}
	if _, err := procurios.New(ctx, procurios.WithHost("https://leden.example.nl/l"), procurios.WithTokenSource(ts)); err == nil {
		t.Fatal("a URL given as host was accepted")
	}
	c, err := procurios.New(ctx, procurios.WithHost("leden.example.nl"), procurios.WithTokenSource(ts))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.BaseURL(); got != "https://leden.example.nl/l" {
		t.Fatalf("BaseURL = %q", got)
	}
	if _, err := (procurios.OAuthConfig{ClientID: "x"}).ClientCredentials(); !errors.Is(err, procurios.ErrHostRequired) {
		t.Fatalf("OAuthConfig without host: %v", err)
	}
	if ep := procurios.Endpoint("leden.example.nl"); ep.AuthURL != "https://leden.example.nl/l/oauth2/authorize" || ep.TokenURL != "https://leden.example.nl/l/oauth2/token" {
		t.Fatalf("Endpoint = %+v", ep)
	}
}

// Every operation is called once with the media type and version the spec
// gives its module, and the fake (which answers 406 otherwise) sees it.
func TestAcceptHeaderPerOperation(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, nil, procurios.WithLanguage("nl-NL"))
	coll := openapi_types.UUID(mustUUID(t, procuriostest.CollectionID))
	calls := map[string]func() error{
		"getModuleObject": func() error { _, err := c.GetModuleObjectWithResponse(ctx); return err },
		"createModuleObject": func() error {
			_, err := c.CreateModuleObjectWithResponse(ctx, procuriosapi.ModuleObject{"key": "v"})
			return err
		},
		"listCollections":      func() error { _, err := c.Collections(ctx); return err },
		"getCollection":        func() error { _, err := c.GetCollectionWithResponse(ctx, coll, nil); return err },
		"getCollectionSchema":  func() error { _, err := c.GetCollectionSchemaWithResponse(ctx, coll); return err },
		"listRegistrationSets": func() error { _, err := c.RegistrationSets(ctx); return err },
		"getRegistrationSetSchema": func() error {
			_, err := c.GetRegistrationSetSchemaWithResponse(ctx, procuriostest.RegistrationSetID)
			return err
		},
		"createRegistration": func() error {
			_, err := c.Register(ctx, procuriostest.NewsletterSetID, map[string]any{"email": "a@example.nl"})
			return err
		},
		"validateRegistration": func() error {
			_, err := c.ValidateRegistrationWithResponse(ctx, procuriostest.NewsletterSetID, procuriosapi.Registration{"email": "a@example.nl"})
			return err
		},
		"listMeetings": func() error { _, err := c.Meetings(ctx, ""); return err },
		"createMeeting": func() error {
			_, err := c.CreateMeeting(ctx, procuriosapi.MeetingInput{Title: "x", Start: "2027-01-01T10:00:00+01:00", End: "2027-01-01T11:00:00+01:00"})
			return err
		},
		"getMeetingSchema": func() error { _, err := c.GetMeetingSchemaWithResponse(ctx); return err },
		"listMeetingRegistrations": func() error {
			_, err := c.ListMeetingRegistrationsWithResponse(ctx, nil)
			return err
		},
		"getMeetingRegistrationSchema": func() error {
			_, err := c.GetMeetingRegistrationSchemaWithResponse(ctx, procuriostest.DemoMeetingID)
			return err
		},
		"listLocations": func() error { _, err := c.Locations(ctx, nil, nil); return err },
	}
	for op, call := range calls {
		if err := call(); err != nil {
			t.Errorf("%s: %v", op, err)
			continue
		}
		want := c.MediaType(op)
		if want == "" || !strings.HasPrefix(want, "application/vnd.procurios.") || !strings.Contains(want, "version=") {
			t.Errorf("%s: spec media type %q", op, want)
		}
		if got := srv.LastHeader(op, "Accept"); got != want {
			t.Errorf("%s: Accept = %q, want %q", op, got, want)
		}
		if got := srv.LastHeader(op, "Accept-Language"); got != "nl-NL" {
			t.Errorf("%s: Accept-Language = %q", op, got)
		}
	}
	// The per-module versions the documentation gives.
	for op, want := range map[string]string{
		"getModuleObject":          "application/vnd.procurios.application+json; version=1",
		"getCollection":            "application/vnd.procurios.relation+json; version=1",
		"createRegistration":       "application/vnd.procurios.profile+json; version=1",
		"listMeetings":             "application/vnd.procurios.meeting2+json; version=2",
		"listMeetingRegistrations": "application/vnd.procurios.meeting2+json; version=1",
		"listLocations":            "application/vnd.procurios.meeting2+json; version=1",
	} {
		if got := c.MediaType(op); got != want {
			t.Errorf("MediaType(%s) = %q, want %q", op, got, want)
		}
	}
}

func TestWrongAcceptIs406(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, nil)
	_, err := c.ListMeetingsWithResponse(ctx, nil, func(_ context.Context, r *http.Request) error {
		r.Header.Set("Accept", "application/vnd.procurios.meeting2+json; version=1")
		return nil
	})
	var pe *procurios.Error
	if !errors.Is(err, procurios.ErrNotAcceptable) || !errors.As(err, &pe) || pe.StatusCode != 406 {
		t.Fatalf("err = %v, want a 406 *Error", err)
	}
}

func TestScopesPerModule(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, []string{"meeting2/read"})
	if _, err := c.Meetings(ctx, ""); err != nil {
		t.Fatalf("meetings with meeting2/read: %v", err)
	}
	_, err := c.Collections(ctx)
	var pe *procurios.Error
	if !errors.Is(err, procurios.ErrForbidden) || !errors.As(err, &pe) || pe.Code != "insufficient_scope" {
		t.Fatalf("collections without relation scope: %v", err)
	}
	if _, err := c.Locations(ctx, nil, nil); !errors.Is(err, procurios.ErrForbidden) {
		t.Fatalf("locations without meeting2/location/read: %v", err)
	}

	// profile/registration/3 reaches set 3 only.
	c3 := newClient(t, srv, []string{"profile/registration/3"})
	sets, err := c3.RegistrationSets(ctx)
	if err != nil || len(sets) != 1 || sets[0].Id != procuriostest.NewsletterSetID {
		t.Fatalf("sets with profile/registration/3: %+v, %v", sets, err)
	}
	if _, err := c3.GetRegistrationSetSchemaWithResponse(ctx, procuriostest.RegistrationSetID); !errors.Is(err, procurios.ErrForbidden) {
		t.Fatalf("set 42 with profile/registration/3: %v", err)
	}
}

// tokenRecorder keeps the form bodies of token requests.
type tokenRecorder struct {
	mu    sync.Mutex
	forms []url.Values
}

func (r *tokenRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		f, _ := url.ParseQuery(string(b))
		r.mu.Lock()
		r.forms = append(r.forms, f)
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

func TestClientCredentialsSpaceSeparatedScopes(t *testing.T) {
	srv := newFake(t)
	rec := &tokenRecorder{}
	ts, err := procurios.OAuthConfig{
		BaseURL: srv.BaseURL(), ClientID: procuriostest.TestClientID, ClientSecret: procuriostest.TestClientSecret,
		Scopes: []string{"meeting2/read", "relation_list_api/relation"}, HTTPClient: &http.Client{Transport: rec},
	}.ClientCredentials()
	if err != nil {
		t.Fatal(err)
	}
	c, err := procurios.New(ctx, procurios.WithBaseURL(srv.BaseURL()), procurios.WithTokenSource(ts))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Collections(ctx); err != nil {
		t.Fatal(err)
	}
	if len(rec.forms) != 1 {
		t.Fatalf("%d token requests", len(rec.forms))
	}
	f := rec.forms[0]
	if f.Get("grant_type") != "client_credentials" || f.Get("scope") != "meeting2/read relation_list_api/relation" ||
		f.Get("client_id") != procuriostest.TestClientID || f.Get("client_secret") == "" {
		t.Fatalf("token form = %v", f.Encode())
	}
}

func TestClientCredentialsBadSecretHidesIt(t *testing.T) {
	srv := newFake(t)
	const secret = "wrong-secret-value-1234"
	ts, _ := procurios.OAuthConfig{BaseURL: srv.BaseURL(), ClientID: procuriostest.TestClientID, ClientSecret: secret}.ClientCredentials()
	c, _ := procurios.New(ctx, procurios.WithBaseURL(srv.BaseURL()), procurios.WithTokenSource(ts))
	_, err := c.Meetings(ctx, "")
	if err == nil {
		t.Fatal("a wrong secret was accepted")
	}
	if strings.Contains(err.Error(), secret) {
		t.Fatalf("error shows the secret: %v", err)
	}
}

func TestTokenWithoutExpiresInRenewedOn401(t *testing.T) {
	srv := newFake(t, procuriostest.WithoutExpiresIn())
	c := newClient(t, srv, nil)
	if _, err := c.Meetings(ctx, ""); err != nil {
		t.Fatal(err)
	}
	srv.ExpireTokens()
	if _, err := c.Meetings(ctx, ""); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := srv.TokensIssued("client_credentials"); n != 2 {
		t.Fatalf("%d tokens issued, want 2 (one re-authentication)", n)
	}
	if n := srv.Requests("listMeetings"); n != 3 {
		t.Fatalf("listMeetings reached the fake %d times, want 3 (one 401 replayed)", n)
	}
}

func codeLogin(t *testing.T, srv *procuriostest.Server, opts ...procurios.OAuthOption) (*auth.Attempt, *oauth2.Token, error) {
	t.Helper()
	flow, err := procurios.OAuthConfig{
		BaseURL: srv.BaseURL(), ClientID: procuriostest.TestClientID, ClientSecret: procuriostest.TestClientSecret,
		RedirectURL: procuriostest.TestRedirectURL, Scopes: []string{"meeting2/read", "profile/registration"},
	}.CodeFlow(opts...)
	if err != nil {
		t.Fatal(err)
	}
	att, err := flow.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := srv.Authorize(ctx, att.URL)
	if err != nil {
		return att, nil, err
	}
	tok, err := flow.Exchange(ctx, att, cb)
	if err == nil {
		c, nerr := procurios.New(ctx, procurios.WithBaseURL(srv.BaseURL()), procurios.WithTokenSource(procurios.CodeTokenSource(flow, tok)))
		if nerr != nil {
			t.Fatal(nerr)
		}
		if _, err := c.Meetings(ctx, ""); err != nil {
			t.Fatalf("call with the code token: %v", err)
		}
	}
	return att, tok, err
}

func TestAuthorizationCodeStandard(t *testing.T) {
	srv := newFake(t)
	att, tok, err := codeLogin(t, srv)
	if err != nil {
		t.Fatal(err)
	}
	q := mustQuery(t, att.URL)
	if q.Get("response_type") != "code" || q.Get("redirect_uri") != procuriostest.TestRedirectURL || q.Has("redirect_url") ||
		q.Get("scope") != "meeting2/read profile/registration" || q.Get("code_challenge") == "" {
		t.Fatalf("authorize URL = %s", att.URL)
	}
	if tok.AccessToken == "" || srv.TokensIssued("authorization_code") != 1 {
		t.Fatal("no token")
	}
	// The standard client is refused by a host that speaks the legacy spelling.
	legacy := newFake(t, procuriostest.WithLegacyOAuth())
	if _, _, err := codeLogin(t, legacy); err == nil {
		t.Fatal("standard spelling accepted by a legacy host")
	}
}

func TestAuthorizationCodeLegacy(t *testing.T) {
	srv := newFake(t, procuriostest.WithLegacyOAuth())
	att, tok, err := codeLogin(t, srv, procurios.WithLegacyOAuthParams())
	if err != nil {
		t.Fatal(err)
	}
	q := mustQuery(t, att.URL)
	if q.Get("grant_type") != "code" || q.Get("redirect_url") != procuriostest.TestRedirectURL || q.Has("redirect_uri") || q.Has("response_type") {
		t.Fatalf("authorize URL = %s", att.URL)
	}
	if tok.AccessToken == "" || srv.TokensIssued("authorization_code") != 1 {
		t.Fatal("no token")
	}
	// The legacy spelling is refused by a standard host.
	std := newFake(t)
	if _, _, err := codeLogin(t, std, procurios.WithLegacyOAuthParams()); err == nil {
		t.Fatal("legacy spelling accepted by a standard host")
	}
}

func TestCodeTokenWithoutRefreshTokenGives401(t *testing.T) {
	srv := newFake(t)
	flow, _ := procurios.OAuthConfig{
		BaseURL: srv.BaseURL(), ClientID: procuriostest.TestClientID, ClientSecret: procuriostest.TestClientSecret,
		RedirectURL: procuriostest.TestRedirectURL, Scopes: []string{"meeting2/read"},
	}.CodeFlow()
	att, _ := flow.Start(nil)
	cb, err := srv.Authorize(ctx, att.URL)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := flow.Exchange(ctx, att, cb)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := procurios.New(ctx, procurios.WithBaseURL(srv.BaseURL()), procurios.WithTokenSource(procurios.CodeTokenSource(flow, tok)))
	srv.ExpireTokens()
	if _, err := c.Meetings(ctx, ""); !errors.Is(err, procurios.ErrUnauthorized) || !errors.Is(err, auth.ErrNoRefreshToken) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
}

func TestRelationsFollowsNextLinks(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, nil)
	id := procuriostest.CollectionID
	var ids []int
	for r, err := range c.Relations(ctx, id) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, *r.Id)
		if r.AdditionalProperties["email"] == nil {
			t.Fatalf("relation %d lost its configured fields: %+v", *r.Id, r)
		}
	}
	if len(ids) != procuriostest.CollectionSize || ids[0] != 1 || ids[len(ids)-1] != procuriostest.CollectionSize {
		t.Fatalf("got %d relations: %v", len(ids), ids)
	}
	if n := srv.Requests("getCollection"); n != 3 {
		t.Fatalf("%d page requests, want 3", n)
	}
	// Stopping early stops fetching.
	for range c.Relations(ctx, id) {
		break
	}
	if n := srv.Requests("getCollection"); n != 4 {
		t.Fatalf("%d page requests after an early break, want 4", n)
	}
	// An error is yielded.
	for _, err := range c.Relations(ctx, "00000000-0000-4000-8000-000000000000") {
		if !errors.Is(err, procurios.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	}
	// An id that is no UUID is refused before anything is sent.
	before := srv.Requests("getCollection")
	var n int
	for _, err := range c.Relations(ctx, "not-a-uuid") {
		n++
		if !errors.Is(err, procurios.ErrInvalidID) || !strings.Contains(err.Error(), `"not-a-uuid"`) {
			t.Fatalf("err = %v, want ErrInvalidID naming the id", err)
		}
	}
	if n != 1 || srv.Requests("getCollection") != before {
		t.Fatalf("%d yields, %d requests sent for an invalid id", n, srv.Requests("getCollection")-before)
	}
}

func TestFollowRefusesOtherHosts(t *testing.T) {
	var hits int
	other := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Content-Type", "application/vnd.procurios.relation+json; version=1")
		_, _ = io.WriteString(w, `{"_links":{"next":{"href":"https://elsewhere.example/l/relation_list_api/collection/x?page=2"}},"_embedded":{"relations":[{"id":1}]}}`)
	})
	srv := newHTTPServer(t, other)
	c, err := procurios.New(ctx, procurios.WithBaseURL(srv+"/l"), procurios.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var last error
	for _, err := range c.Relations(ctx, procuriostest.CollectionID) {
		n++
		last = err
	}
	if n != 2 || !errors.Is(last, procurios.ErrForeignHost) || hits != 1 {
		t.Fatalf("n=%d hits=%d err=%v", n, hits, last)
	}
}

func TestMeetingRegistrationsPages(t *testing.T) {
	for _, links := range []bool{false, true} {
		var opts []procuriostest.Option
		if links {
			opts = append(opts, procuriostest.WithRegistrationLinks())
		}
		srv := newFake(t, opts...)
		c := newClient(t, srv, nil)
		var n int
		for _, err := range c.MeetingRegistrations(ctx, nil) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != procuriostest.MeetingRegistrationCount || srv.Requests("listMeetingRegistrations") != 2 {
			t.Fatalf("links=%v: %d registrations in %d requests", links, n, srv.Requests("listMeetingRegistrations"))
		}
	}
	srv := newFake(t)
	c := newClient(t, srv, nil)
	since := procurios.Since(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	rel := []int{91, 92}
	for r, err := range c.MeetingRegistrations(ctx, &procuriosapi.ListMeetingRegistrationsParams{Since: &since, RelationIds: &rel}) {
		if err != nil {
			t.Fatal(err)
		}
		if (r.RelationId != 91 && r.RelationId != 92) || r.RegistrationDate == "" || r.RegistrationDate < since {
			t.Fatalf("filter not applied: %+v", r)
		}
	}
	if q := srv.LastHeader("listMeetingRegistrations", "Accept"); q == "" {
		t.Fatal("no Accept")
	}
}

func TestRegistrationValidatedBeforeSending(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, nil)
	bad := map[string]any{
		"first_name": "Ada",
		"birth_date": "yesterday",
		"address":    map[string]any{"number": "seven", "postcode": "12345"},
	}
	_, err := c.Register(ctx, procuriostest.RegistrationSetID, bad)
	var ve *procurios.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *ValidationError", err)
	}
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
	}
	for _, want := range []string{"address/number", "address/postcode", "birth_date", "email", "name"} {
		if !slices.Contains(fields, want) {
			t.Errorf("failing fields %v lack %s", fields, want)
		}
	}
	if !errors.Is(err, procurios.ErrBadRequest) {
		t.Error("ValidationError does not match ErrBadRequest")
	}
	if srv.Requests("createRegistration") != 0 {
		t.Fatal("an invalid registration was sent")
	}
	// The generated method is checked too.
	if _, err := c.CreateRegistrationWithResponse(ctx, procuriostest.RegistrationSetID, procuriosapi.Registration{"first_name": "Ada"}); !errors.As(err, &ve) {
		t.Fatalf("generated method: %v", err)
	}
	good := map[string]any{"first_name": "Ada", "name": "Lovelace", "email": "ada@example.nl", "birth_date": "1815-12-10",
		"address": map[string]any{"number": 7, "postcode": "1234 AB"}}
	res, err := c.Register(ctx, procuriostest.RegistrationSetID, good)
	if err != nil {
		t.Fatal(err)
	}
	if res.RelationId == 0 {
		t.Fatalf("result %+v", res)
	}
	if err := c.CheckRegistration(ctx, procuriostest.RegistrationSetID, good); err != nil {
		t.Fatal(err)
	}
	if n := srv.Requests("getRegistrationSetSchema"); n != 1 {
		t.Fatalf("schema fetched %d times, want once", n)
	}
}

func TestServerSideValidation(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, nil, procurios.WithoutRegistrationValidation())
	_, err := c.Register(ctx, procuriostest.RegistrationSetID, map[string]any{"first_name": "Ada"})
	var pe *procurios.Error
	if !errors.As(err, &pe) || pe.StatusCode != 400 || len(pe.Fields) != 2 || !errors.Is(err, procurios.ErrBadRequest) {
		t.Fatalf("err = %v", err)
	}
	rsp, err := c.ValidateRegistrationWithResponse(ctx, procuriostest.RegistrationSetID, procuriosapi.Registration{"first_name": "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	v := rsp.ApplicationvndProcuriosProfileJSONVersion1200
	if v == nil || v.Valid || len(v.Fields) != 2 {
		t.Fatalf("validate = %+v", v)
	}
}

func TestErrorsAndRetries(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, nil)
	_, err := c.GetCollectionSchemaWithResponse(ctx, openapi_types.UUID(mustUUID(t, "00000000-0000-4000-8000-000000000000")))
	var pe *procurios.Error
	if !errors.Is(err, procurios.ErrNotFound) || !errors.As(err, &pe) || pe.Code != "not_found" || pe.Method != "GET" {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.GetMeetingRegistrationSchemaWithResponse(ctx, 999); !errors.Is(err, procurios.ErrNotFound) {
		t.Fatalf("unknown meeting: %v", err)
	}

	srv.FailNext("listMeetings", http.StatusTooManyRequests, 2*time.Second, 0)
	_, err = c.Meetings(ctx, "")
	if !errors.Is(err, procurios.ErrTooManyRequests) || !errors.As(err, &pe) || pe.RetryAfter != 2*time.Second {
		t.Fatalf("429: %v", err)
	}

	retrying := newClient(t, srv, nil, procurios.WithRetry(3, time.Second))
	srv.FailNext("listLocations", http.StatusServiceUnavailable, 0, 0)
	if _, err := retrying.Locations(ctx, nil, nil); err != nil {
		t.Fatalf("503 was not retried: %v", err)
	}
}

func TestMeetingsLocationsAndModuleObject(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, nil)
	ms, err := c.Meetings(ctx, "webinar")
	if err != nil || len(ms) != 1 || ms[0].Title != "Release webinar" {
		t.Fatalf("search: %+v, %v", ms, err)
	}
	id, err := c.CreateMeeting(ctx, procuriosapi.MeetingInput{Title: "Excursie", Start: "2027-03-01T10:00:00+01:00", End: "2027-03-01T16:00:00+01:00"})
	if err != nil || id == 0 {
		t.Fatalf("create: %d, %v", id, err)
	}
	ms, _ = c.Meetings(ctx, "excursie")
	if len(ms) != 1 || ms[0].Id != id {
		t.Fatalf("created meeting not listed: %+v", ms)
	}
	locs, err := c.Locations(ctx, nil, []int{procuriostest.DemoMeetingID})
	if err != nil || len(locs) != 1 || locs[0].Id != 1 {
		t.Fatalf("locations of meeting: %+v, %v", locs, err)
	}
	locs, err = c.Locations(ctx, []int{2, 3}, nil)
	if err != nil || len(locs) != 2 {
		t.Fatalf("locations by id: %+v, %v", locs, err)
	}
	past, err := c.HistoricalMeetings(ctx, "congres")
	if err != nil || len(past) != 1 || past[0].Id != 5 {
		t.Fatalf("historical meetings: %+v, %v", past, err)
	}
	if all, _ := c.Meetings(ctx, ""); slices.ContainsFunc(all, func(m procuriosapi.Meeting) bool { return m.Id == 5 }) {
		t.Fatal("a past meeting is listed as upcoming")
	}
	if q := srv.LastHeader("listLocations", "Accept"); q != c.MediaType("listLocations") {
		t.Fatalf("Accept %q", q)
	}
	if _, err := c.CreateModuleObjectWithResponse(ctx, procuriosapi.ModuleObject{"key": "value", "otherKey": 2}); err != nil {
		t.Fatal(err)
	}
	rsp, err := c.GetModuleObjectWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	obj := rsp.ApplicationvndProcuriosApplicationJSONVersion1200
	if obj == nil || (*obj)["key"] != "value" {
		t.Fatalf("module object = %v", obj)
	}
	sch, err := c.GetMeetingSchemaWithResponse(ctx)
	if err != nil || sch.ApplicationvndProcuriosMeeting2JSONVersion2200 == nil {
		t.Fatalf("meeting schema: %v", err)
	}
}

// Accept-Language picks the translation of multilingual fields.
func TestLanguage(t *testing.T) {
	srv := newFake(t)
	for lang, want := range map[string]string{"en-US,en;q=0.5": "Association building", "nl-NL": "Verenigingsgebouw"} {
		c := newClient(t, srv, nil, procurios.WithLanguage(lang))
		locs, err := c.Locations(ctx, []int{1}, nil)
		if err != nil || len(locs) != 1 || locs[0].Title != want {
			t.Fatalf("%s: %+v, %v", lang, locs, err)
		}
		if got := srv.LastHeader("listLocations", "Accept-Language"); got != lang {
			t.Fatalf("Accept-Language = %q", got)
		}
	}
}

func TestSince(t *testing.T) {
	loc := time.FixedZone("CET", 3600)
	if got := procurios.Since(time.Date(2026, 1, 2, 3, 4, 5, 0, loc)); got != "2026-01-02T03:04:05" {
		t.Fatalf("Since = %q", got)
	}
}

func TestConcurrentRegistrationsFetchSchemaOnce(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Register(ctx, procuriostest.RegistrationSetID, map[string]any{
				"first_name": "Lid", "name": strings.Repeat("x", i+1), "email": "lid@example.nl"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Requests("getRegistrationSetSchema"); n != 1 {
		t.Fatalf("schema fetched %d times", n)
	}
	if n := srv.Requests("createRegistration"); n != 8 {
		t.Fatalf("%d registrations sent", n)
	}
}

// POST /profile_api/registrationset without a set id: the host's default
// set checks and stores it; only the every-set scope reaches it.
func TestRegisterDefault(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, nil)
	res, err := c.RegisterDefault(ctx, map[string]any{"first_name": "Ada", "name": "Lovelace", "email": "ada@example.nl"})
	if err != nil || res.RelationId < 1001 {
		t.Fatalf("RegisterDefault = %+v, %v", res, err)
	}
	if got, want := srv.LastHeader("createDefaultRegistration", "Accept"), c.MediaType("createDefaultRegistration"); got != want || want != "application/vnd.procurios.profile+json; version=1" {
		t.Fatalf("Accept %q, want %q", got, want)
	}
	res2, err := c.RegisterDefault(ctx, map[string]any{"first_name": "Bram", "name": "B", "email": "b@example.nl"})
	if err != nil || res2.RelationId != res.RelationId+1 {
		t.Fatalf("second RegisterDefault = %+v, %v", res2, err)
	}
	// Nothing is checked before sending (the set is not known): the host's 400 names the fields.
	_, err = c.RegisterDefault(ctx, map[string]any{"first_name": "Ada"})
	var pe *procurios.Error
	if !errors.As(err, &pe) || !errors.Is(err, procurios.ErrBadRequest) || len(pe.Fields) != 2 || srv.Requests("createDefaultRegistration") != 3 {
		t.Fatalf("invalid default registration: %v (calls %d)", err, srv.Requests("createDefaultRegistration"))
	}
	if _, err := c.RegisterDefault(ctx, func() {}); err == nil || srv.Requests("createDefaultRegistration") != 3 {
		t.Fatalf("unencodable registration: %v", err)
	}
	c3 := newClient(t, srv, []string{"profile/registration/3"})
	if _, err := c3.RegisterDefault(ctx, map[string]any{"first_name": "Ada", "name": "L", "email": "a@example.nl"}); !errors.Is(err, procurios.ErrForbidden) {
		t.Fatalf("default set with profile/registration/3: %v", err)
	}
}
