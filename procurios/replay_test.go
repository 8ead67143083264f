package procurios_test

import (
	"errors"
	"net/http"
	"os"
	"testing"

	openapi_types "github.com/oapi-codegen/runtime/types"
	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/gen/procuriosapi"
	"github.com/oasuite/sdk/internal/replay"
	"github.com/oasuite/sdk/procurios"
	"github.com/oasuite/sdk/procurios/procuriostest"
)

// prodHost is the customer host the cassettes are recorded under:
// api.procurios.com, the host of Procurios' own API documentation (every
// customer has its own host; the documentation's example paths sit on it).
const prodHost = "api.procurios.com"

// Environment variables for recording against a real Procurios host.
const (
	envHost   = "PROCURIOS_HOST"
	envID     = "PROCURIOS_CLIENT_ID"
	envSecret = "PROCURIOS_CLIENT_SECRET"
)

// replayClient returns the cassette's HTTP client, routed to srv when
// recording without credentials.
func replayClient(t *testing.T, name string, srv *procuriostest.Server) *http.Client {
	t.Helper()
	return replay.New(t, "testdata/cassettes/"+name,
		replay.WithFake(srv.Origin(), prodHost),
		replay.WithCredentialsEnv(envHost, envID, envSecret), replay.WithSpec("procurios", nil))
}

// prodConfig is the OAuth config under the production host: the fake's
// credentials, or the real ones when recording against Procurios.
func prodConfig(hc *http.Client, scopes []string) procurios.OAuthConfig {
	cfg := procurios.OAuthConfig{
		Host: prodHost, ClientID: procuriostest.TestClientID, ClientSecret: procuriostest.TestClientSecret,
		RedirectURL: procuriostest.TestRedirectURL, Scopes: scopes, HTTPClient: hc,
	}
	if os.Getenv(replay.EnvRecord) != "" && os.Getenv(envID) != "" && os.Getenv(envSecret) != "" && os.Getenv(envHost) != "" {
		cfg.Host, cfg.ClientID, cfg.ClientSecret = os.Getenv(envHost), os.Getenv(envID), os.Getenv(envSecret)
	}
	return cfg
}

func prodClient(t *testing.T, hc *http.Client, cfg procurios.OAuthConfig, ts oauth2.TokenSource) *procurios.Client {
	t.Helper()
	c, err := procurios.New(ctx, procurios.WithHost(cfg.Host), procurios.WithHTTPClient(hc),
		procurios.WithTokenSource(ts), procurios.WithRetry(1, 0), procurios.WithLanguage("nl-NL"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ccClient(t *testing.T, hc *http.Client, scopes []string) *procurios.Client {
	t.Helper()
	cfg := prodConfig(hc, scopes)
	ts, err := cfg.ClientCredentials()
	if err != nil {
		t.Fatal(err)
	}
	return prodClient(t, hc, cfg, ts)
}

// TestReplayRelations: client credentials; CRM list, paging, schema, error.
func TestReplayRelations(t *testing.T) {
	srv := newFake(t)
	hc := replayClient(t, "relations", srv)
	c := ccClient(t, hc, []string{"relation_list_api/relation"})
	cols, err := c.Collections(ctx)
	if err != nil || len(cols) != 2 {
		t.Fatalf("collections: %+v, %v", cols, err)
	}
	var n int
	for _, err := range c.Relations(ctx, cols[0].Id.String()) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != procuriostest.CollectionSize {
		t.Fatalf("%d relations", n)
	}
	sch, err := c.GetCollectionSchemaWithResponse(ctx, cols[0].Id)
	if err != nil || sch.ApplicationvndProcuriosRelationJSONVersion1200 == nil {
		t.Fatalf("schema: %v", err)
	}
	_, err = c.GetCollectionWithResponse(ctx, openapi_types.UUID(mustUUID(t, "00000000-0000-4000-8000-000000000000")), nil)
	if !errors.Is(err, procurios.ErrNotFound) {
		t.Fatalf("unknown collection: %v", err)
	}
}

// TestReplayProfile: registration sets list, schema, validated registration,
// server-side validate, and errors.
func TestReplayProfile(t *testing.T) {
	srv := newFake(t)
	hc := replayClient(t, "profile", srv)
	c := ccClient(t, hc, []string{"profile/registration"})
	sets, err := c.RegistrationSets(ctx)
	if err != nil || len(sets) != 2 {
		t.Fatalf("sets: %+v, %v", sets, err)
	}
	reg := map[string]any{"first_name": "Ada", "name": "Lovelace", "email": "ada@example.nl", "birth_date": "1815-12-10"}
	res, err := c.Register(ctx, procuriostest.RegistrationSetID, reg)
	if err != nil || res.RelationId == 0 {
		t.Fatalf("register: %+v, %v", res, err)
	}
	var ve *procurios.ValidationError
	if _, err := c.Register(ctx, procuriostest.RegistrationSetID, map[string]any{"first_name": "Ada"}); !errors.As(err, &ve) {
		t.Fatalf("invalid registration: %v", err)
	}
	v, err := c.ValidateRegistrationWithResponse(ctx, procuriostest.RegistrationSetID, procuriosapi.Registration{"first_name": "Ada"})
	if err != nil || v.ApplicationvndProcuriosProfileJSONVersion1200 == nil || v.ApplicationvndProcuriosProfileJSONVersion1200.Valid {
		t.Fatalf("validate: %v", err)
	}
	if _, err := c.GetRegistrationSetSchemaWithResponse(ctx, 999); !errors.Is(err, procurios.ErrNotFound) {
		t.Fatalf("unknown set: %v", err)
	}
}

// TestReplayMeetings: meetings list/create/schema, registrations paging,
// registration schema, locations, and an error.
func TestReplayMeetings(t *testing.T) {
	srv := newFake(t)
	hc := replayClient(t, "meetings", srv)
	c := ccClient(t, hc, []string{"meeting2/read", "meeting2/write", "meeting2/register", "meeting2/location/read"})
	if ms, err := c.Meetings(ctx, "webinar"); err != nil || len(ms) != 1 {
		t.Fatalf("meetings: %+v, %v", ms, err)
	}
	id, err := c.CreateMeeting(ctx, procuriosapi.MeetingInput{Title: "Excursie", Start: "2027-03-01T10:00:00+01:00", End: "2027-03-01T16:00:00+01:00"})
	if err != nil || id == 0 {
		t.Fatalf("create: %v", err)
	}
	if past, err := c.HistoricalMeetings(ctx, ""); err != nil || len(past) != 2 {
		t.Fatalf("historical: %+v, %v", past, err)
	}
	if _, err := c.GetMeetingSchemaWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	for _, err := range c.MeetingRegistrations(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != procuriostest.MeetingRegistrationCount {
		t.Fatalf("%d registrations", n)
	}
	if _, err := c.GetMeetingRegistrationSchemaWithResponse(ctx, procuriostest.DemoMeetingID); err != nil {
		t.Fatal(err)
	}
	if locs, err := c.Locations(ctx, []int{1, 2}, nil); err != nil || len(locs) != 2 {
		t.Fatalf("locations: %+v, %v", locs, err)
	}
	if _, err := c.GetMeetingRegistrationSchemaWithResponse(ctx, 999); !errors.Is(err, procurios.ErrNotFound) {
		t.Fatalf("unknown meeting: %v", err)
	}
}

// TestReplayModuleObject: the getting-started example's GET and POST, and a
// 403 for a module the token has no scope for.
func TestReplayModuleObject(t *testing.T) {
	srv := newFake(t)
	hc := replayClient(t, "module_object", srv)
	c := ccClient(t, hc, []string{"meeting2/read"})
	if _, err := c.CreateModuleObjectWithResponse(ctx, procuriosapi.ModuleObject{"key": "value", "otherKey": 2}); err != nil {
		t.Fatal(err)
	}
	rsp, err := c.GetModuleObjectWithResponse(ctx)
	if err != nil || rsp.ApplicationvndProcuriosApplicationJSONVersion1200 == nil {
		t.Fatalf("get: %v", err)
	}
	if _, err := c.Collections(ctx); !errors.Is(err, procurios.ErrForbidden) {
		t.Fatalf("collections without scope: %v", err)
	}
}

// TestReplayReauthWithoutExpiresIn: a token answer without expires_in, a
// 401, one new client-credentials token and the replayed call.
func TestReplayReauthWithoutExpiresIn(t *testing.T) {
	srv := newFake(t, procuriostest.WithoutExpiresIn())
	hc := replayClient(t, "reauth_on_401", srv)
	c := ccClient(t, hc, []string{"meeting2/read"})
	if _, err := c.Meetings(ctx, ""); err != nil {
		t.Fatal(err)
	}
	srv.ExpireTokens()
	if _, err := c.Meetings(ctx, ""); err != nil {
		t.Fatalf("after 401: %v", err)
	}
}

// codeReplay runs the authorization-code grant: the browser step goes to the
// fake directly (state and PKCE are random each run), the token call and the
// API calls through the cassette.
func codeReplay(t *testing.T, name string, legacy bool) {
	var fopts []procuriostest.Option
	var oopts []procurios.OAuthOption
	if legacy {
		fopts = append(fopts, procuriostest.WithLegacyOAuth())
		oopts = append(oopts, procurios.WithLegacyOAuthParams())
	}
	if os.Getenv(replay.EnvRecord) != "" && os.Getenv(envID) != "" {
		t.Skip("the authorization-code cassettes are recorded against the fake only (a user must consent)")
	}
	srv := newFake(t, fopts...)
	hc := replayClient(t, name, srv)
	cfg := prodConfig(hc, []string{"meeting2/read"})
	flow, err := cfg.CodeFlow(oopts...)
	if err != nil {
		t.Fatal(err)
	}
	flow.DisablePKCE = true // the browser step is not in the cassette
	att, err := flow.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	fakeFlow := flow
	if fakeFlow.Endpoint, err = (procurios.OAuthConfig{BaseURL: srv.BaseURL()}).Endpoint(); err != nil {
		t.Fatal(err)
	}
	fatt, err := fakeFlow.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := srv.Authorize(ctx, fatt.URL)
	if err != nil {
		t.Fatal(err)
	}
	cb.Set("state", att.State)
	tok, err := flow.Exchange(ctx, att, cb)
	if err != nil {
		t.Fatal(err)
	}
	c := prodClient(t, hc, cfg, procurios.CodeTokenSource(flow, tok))
	if ms, err := c.Meetings(ctx, ""); err != nil || len(ms) == 0 {
		t.Fatalf("meetings: %v", err)
	}
}

func TestReplayCodeStandard(t *testing.T) { codeReplay(t, "code_standard", false) }
func TestReplayCodeLegacy(t *testing.T)   { codeReplay(t, "code_legacy", true) }
