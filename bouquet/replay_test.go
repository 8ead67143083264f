package bouquet_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bouquet/bouquettest"
	"github.com/oasuite/sdk/gen/bouquetapi"
	"github.com/oasuite/sdk/internal/replay"
)

// Replay tests run the public API against cassettes in testdata/cassettes.
// Record them with OASUITE_RECORD=1 go test ./bouquet/ -run Replay: against
// the real service when the credentials below are set (BOUQUET_URL must then
// be https://demo.openbouquet.io/release/v4.2, the URL the cassettes hold),
// else against bouquettest under the production host name.
var credentialsEnv = []string{"BOUQUET_URL", "BOUQUET_CUSTOMER_ID", "BOUQUET_CLIENT_ID", "BOUQUET_LOGIN", "BOUQUET_PASSWORD"}

const prodHost = "demo.openbouquet.io"

// replayEnv is one replay test's HTTP client and Bouquet settings.
type replayEnv struct {
	hc   *http.Client
	cfg  bouquet.OAuthConfig
	user string
	pw   string
}

// realRecording reports whether this run records against the real service.
func realRecording() bool {
	if os.Getenv(replay.EnvRecord) != "1" || os.Getenv(replay.EnvCI) != "" {
		return false
	}
	for _, n := range credentialsEnv {
		if os.Getenv(n) == "" {
			return false
		}
	}
	return true
}

// newReplay binds a cassette. withCreds=false records against the fake even
// when credentials are set (browser-dialog flows cannot be recorded unattended).
func newReplay(t *testing.T, name string, withCreds bool, opts ...bouquettest.Option) *replayEnv {
	t.Helper()
	// Tokens live long and the clock is pinned below, so a replayed token is never stale.
	fake := bouquettest.NewServer(append([]bouquettest.Option{bouquettest.WithCoverage(coverage),
		bouquettest.WithTokenTTL(24 * time.Hour), bouquettest.WithRetryAfter(0)}, opts...)...)
	t.Cleanup(fake.Close)
	ro := []replay.Option{replay.WithFake(fake.Origin(), prodHost), replay.WithScrubKeys("jwtkeyPrivate"), replay.WithSpec("bouquet", exceptionAnswer)}
	if withCreds {
		ro = append(ro, replay.WithCredentialsEnv(credentialsEnv...))
	}
	hc := replay.New(t, "testdata/cassettes/"+name, ro...)
	e := &replayEnv{hc: hc, user: bouquettest.TestLogin, pw: bouquettest.TestPassword, cfg: bouquet.OAuthConfig{
		BaseURL: bouquet.DefaultBaseURL, CustomerID: bouquettest.TestCustomerID, ClientID: bouquettest.TestClientID,
		ClientSecret: bouquettest.TestClientSecret, RedirectURI: bouquettest.TestRedirectURI, HTTPClient: hc,
	}}
	if withCreds && realRecording() {
		e.cfg.BaseURL = os.Getenv("BOUQUET_URL")
		e.cfg.CustomerID, e.cfg.ClientID = os.Getenv("BOUQUET_CUSTOMER_ID"), os.Getenv("BOUQUET_CLIENT_ID")
		e.cfg.ClientSecret, e.cfg.RedirectURI = os.Getenv("BOUQUET_CLIENT_SECRET"), os.Getenv("BOUQUET_REDIRECT_URI")
		e.user, e.pw = os.Getenv("BOUQUET_LOGIN"), os.Getenv("BOUQUET_PASSWORD")
	}
	return e
}

// pinned is the token sources' clock in replay tests: recorded expiries lie in the past.
func pinned() time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) }

func (e *replayEnv) client(t *testing.T, ts oauth2.TokenSource, opts ...bouquet.Option) *bouquet.Client {
	t.Helper()
	c, err := bouquet.New(context.Background(), append([]bouquet.Option{bouquet.WithBaseURL(e.cfg.BaseURL),
		bouquet.WithHTTPClient(e.hc), bouquet.WithTokenSource(ts), bouquet.WithRetry(1, 0),
		bouquet.WithPollInterval(time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *replayEnv) passwordClient(t *testing.T) *bouquet.Client {
	return e.client(t, e.cfg.PasswordLogin(e.user, e.pw, auth.WithClock(pinned)))
}

// dialog opens an OAuth dialog URL through the recorder and returns the
// redirect. The harness scrubs state (and secrets) from recorded Location
// headers, so a replayed redirect carries a placeholder state: it is put
// back here; the state check itself is tested against the fake in
// TestOAuthDialogCodeFlow.
func (e *replayEnv) dialog(t *testing.T, u, state string) *url.URL {
	t.Helper()
	hc := &http.Client{Transport: e.hc.Transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Host == "" {
		t.Fatalf("dialog answered %d without a redirect", resp.StatusCode)
	}
	for _, part := range []*string{&loc.RawQuery, &loc.Fragment} {
		v, _ := url.ParseQuery(*part)
		if replay.IsPlaceholder(v.Get("state")) {
			v.Set("state", state)
			*part = v.Encode()
		}
	}
	return loc
}

func TestReplayLoginPassword(t *testing.T) {
	e := newReplay(t, "login_password", true)
	c := e.passwordClient(t)
	me, err := c.GetCurrentUserWithResponse(context.Background())
	if err != nil || me.JSON200.Login == nil || *me.JSON200.Login != e.user {
		t.Fatalf("current user: %v", err)
	}
}

func TestReplayLoginAuthCode(t *testing.T) {
	e := newReplay(t, "login_auth_code", true)
	ctx := context.Background()
	src, err := e.cfg.CodeLogin(ctx, e.user, e.pw, false, auth.WithClock(pinned))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client(t, src).GetCustomerInfoWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestReplayLoginAuthCodeOfflineRefresh(t *testing.T) {
	e := newReplay(t, "login_auth_code_offline", false)
	ctx := context.Background()
	code, err := e.cfg.AuthCode(ctx, e.user, e.pw, true)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.cfg.Exchange(ctx, code)
	if err != nil || tok.RefreshToken == "" {
		t.Fatalf("exchange: refresh token %v, %v", tok != nil && tok.RefreshToken != "", err)
	}
	// Refresh once, as the source does at expiry.
	tok2, err := e.cfg.RefreshGrant().Fetch(ctx, tok)
	if err != nil || tok2.AccessToken == "" {
		t.Fatalf("refresh: %v", err)
	}
	if _, err := e.client(t, oauth2.StaticTokenSource(tok2)).GetCurrentUserWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestReplayLoginDialogCode(t *testing.T) {
	e := newReplay(t, "login_dialog_code", false)
	ctx := context.Background()
	flow := e.cfg.CodeFlow()
	att, err := flow.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	loc := e.dialog(t, att.URL, att.State)
	tok, err := flow.Exchange(ctx, att, loc.Query())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client(t, oauth2.StaticTokenSource(tok)).GetCurrentUserWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestReplayTokenInfoMatch(t *testing.T) {
	e := newReplay(t, "tokeninfo_match", false)
	ctx := context.Background()
	att, err := e.cfg.ImplicitFlow().Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	loc := e.dialog(t, att.URL, att.State)
	tok, err := e.cfg.ParseImplicit(ctx, loc.String(), att.State)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Extra("clientId") != e.cfg.ClientID {
		t.Errorf("clientId = %v", tok.Extra("clientId"))
	}
	// The token works with the access_token query parameter.
	if _, err := e.client(t, oauth2.StaticTokenSource(tok), bouquet.WithTokenInQuery()).GetCurrentUserWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestReplayTokenInfoMismatch(t *testing.T) {
	e := newReplay(t, "tokeninfo_mismatch", false)
	ctx := context.Background()
	other := e.cfg
	other.ClientID, other.RedirectURI = bouquettest.OtherClientID, "https://other.example.org/cb"
	tok, err := other.PasswordLogin(bouquettest.OtherLogin, bouquettest.OtherPassword, auth.WithClock(pinned)).Token()
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.cfg.Validate(ctx, tok.AccessToken)
	var mm *bouquet.ClientMismatchError
	if !errors.As(err, &mm) || mm.Got != bouquettest.OtherClientID {
		t.Fatalf("err = %v", err)
	}
}

func TestReplayProjectsCRUD(t *testing.T) {
	e := newReplay(t, "crud_projects", true)
	c := e.passwordClient(t)
	ctx := context.Background()
	p, err := c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr("oasuite replay"), DbUrl: ptr("jdbc:postgresql://db.example.com/sales"),
		DbUser: ptr("reader"), DbSchemas: &[]string{"public"}})
	if err != nil {
		t.Fatal(err)
	}
	pid := p.JSON200.Id.ProjectId
	if _, err := c.GetProjectWithResponse(ctx, pid, nil); err != nil {
		t.Fatal(err)
	}
	if u, err := c.UpdateProjectWithResponse(ctx, pid, bouquetapi.Project{Name: ptr("oasuite replay 2")}); err != nil || *u.JSON200.Name != "oasuite replay 2" {
		t.Fatalf("update: %v", err)
	}
	l, err := c.ListProjectsWithResponse(ctx)
	if err != nil || len(*l.JSON200) == 0 {
		t.Fatalf("list: %v", err)
	}
	if _, err := c.DeleteProjectWithResponse(ctx, pid); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetProjectWithResponse(ctx, pid, nil); !errors.Is(err, bouquet.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

// replayProject creates the project (and domain) the child CRUD cassettes work in.
func replayProject(t *testing.T, c *bouquet.Client) (pid, did string) {
	t.Helper()
	ctx := context.Background()
	p, err := c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr("oasuite replay")})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.CreateDomainWithResponse(ctx, p.JSON200.Id.ProjectId, bouquetapi.Domain{Name: ptr("Orders"), Subject: &bouquetapi.Expression{Value: ptr("'orders'")}})
	if err != nil {
		t.Fatal(err)
	}
	return p.JSON200.Id.ProjectId, d.JSON200.Id.DomainId
}

func TestReplayDomainsCRUD(t *testing.T) {
	e := newReplay(t, "crud_domains", true)
	c := e.passwordClient(t)
	ctx := context.Background()
	pid, did := replayProject(t, c)
	if _, err := c.GetDomainWithResponse(ctx, pid, did, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateDomainWithResponse(ctx, pid, did, bouquetapi.Domain{Name: ptr("Orders 2"), Subject: &bouquetapi.Expression{Value: ptr("'orders'")}}); err != nil {
		t.Fatal(err)
	}
	if l, err := c.ListDomainsWithResponse(ctx, pid); err != nil || len(*l.JSON200) != 1 {
		t.Fatalf("list: %v", err)
	}
	if _, err := c.DeleteDomainWithResponse(ctx, pid, did); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteProjectWithResponse(ctx, pid); err != nil {
		t.Fatal(err)
	}
}

func TestReplayDimensionsCRUD(t *testing.T) {
	e := newReplay(t, "crud_dimensions", true)
	c := e.passwordClient(t)
	ctx := context.Background()
	pid, did := replayProject(t, c)
	d, err := c.CreateDimensionWithResponse(ctx, pid, did, bouquetapi.Dimension{Name: ptr("country"), Type: ptr(bouquetapi.DimensionTypeCATEGORICAL),
		Expression: &bouquetapi.Expression{Value: ptr("'country'")}})
	if err != nil {
		t.Fatal(err)
	}
	id := d.JSON200.Id.DimensionId
	if _, err := c.GetDimensionWithResponse(ctx, pid, did, id, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateDimensionWithResponse(ctx, pid, did, id, bouquetapi.Dimension{Name: ptr("Country"), Type: ptr(bouquetapi.DimensionTypeCATEGORICAL),
		Expression: &bouquetapi.Expression{Value: ptr("'country'")}}); err != nil {
		t.Fatal(err)
	}
	if l, err := c.ListDimensionsWithResponse(ctx, pid, did); err != nil || len(*l.JSON200) != 1 {
		t.Fatalf("list: %v", err)
	}
	if _, err := c.DeleteDimensionWithResponse(ctx, pid, did, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteProjectWithResponse(ctx, pid); err != nil {
		t.Fatal(err)
	}
}

func TestReplayMetricsCRUD(t *testing.T) {
	e := newReplay(t, "crud_metrics", true)
	c := e.passwordClient(t)
	ctx := context.Background()
	pid, did := replayProject(t, c)
	m, err := c.CreateMetricWithResponse(ctx, pid, did, bouquetapi.Metric{Name: ptr("revenue"), Expression: &bouquetapi.Expression{Value: ptr("SUM('amount')")}})
	if err != nil {
		t.Fatal(err)
	}
	id := m.JSON200.Id.MetricId
	if _, err := c.GetMetricWithResponse(ctx, pid, did, id, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateMetricWithResponse(ctx, pid, did, id, bouquetapi.Metric{Name: ptr("Revenue"), Expression: &bouquetapi.Expression{Value: ptr("SUM('amount')")}}); err != nil {
		t.Fatal(err)
	}
	if l, err := c.ListMetricsWithResponse(ctx, pid, did); err != nil || len(*l.JSON200) != 1 {
		t.Fatalf("list: %v", err)
	}
	if _, err := c.DeleteMetricWithResponse(ctx, pid, did, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteProjectWithResponse(ctx, pid); err != nil {
		t.Fatal(err)
	}
}

func TestReplayRelationsCRUD(t *testing.T) {
	e := newReplay(t, "crud_relations", true)
	c := e.passwordClient(t)
	ctx := context.Background()
	pid, did := replayProject(t, c)
	d2, err := c.CreateDomainWithResponse(ctx, pid, bouquetapi.Domain{Name: ptr("Customers"), Subject: &bouquetapi.Expression{Value: ptr("'customers'")}})
	if err != nil {
		t.Fatal(err)
	}
	left := bouquetapi.DomainPK{ProjectId: &pid, DomainId: did}
	rel := bouquetapi.Relation{LeftId: &left, RightId: d2.JSON200.Id, LeftCardinality: ptr(bouquetapi.RelationLeftCardinalityMANY),
		RightCardinality: ptr(bouquetapi.RelationRightCardinalityONE), LeftName: ptr("orders"), RightName: ptr("customer"),
		JoinExpression: &bouquetapi.Expression{Value: ptr("'left'.'customer_id'='right'.'id'")}}
	r, err := c.CreateRelationWithResponse(ctx, pid, rel)
	if err != nil {
		t.Fatal(err)
	}
	id := r.JSON200.Id.RelationId
	if _, err := c.GetRelationWithResponse(ctx, pid, id); err != nil {
		t.Fatal(err)
	}
	rel.RightName = ptr("buyer")
	if _, err := c.UpdateRelationWithResponse(ctx, pid, id, rel); err != nil {
		t.Fatal(err)
	}
	if l, err := c.ListRelationsWithResponse(ctx, pid); err != nil || len(*l.JSON200) != 1 {
		t.Fatalf("list: %v", err)
	}
	if _, err := c.DeleteRelationWithResponse(ctx, pid, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteProjectWithResponse(ctx, pid); err != nil {
		t.Fatal(err)
	}
}

func TestReplayBookmarksCRUD(t *testing.T) {
	e := newReplay(t, "crud_bookmarks", true)
	c := e.passwordClient(t)
	ctx := context.Background()
	pid, did := replayProject(t, c)
	b, err := c.CreateBookmarkWithResponse(ctx, pid, bouquetapi.Bookmark{Name: ptr("Sales by country"), Path: ptr("/SHARED/oasuite"),
		Config: &map[string]interface{}{"domain": did, "chosenDimensions": []any{"country"}}})
	if err != nil {
		t.Fatal(err)
	}
	id := b.JSON200.Id.BookmarkId
	if _, err := c.GetBookmarkWithResponse(ctx, pid, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateBookmarkWithResponse(ctx, pid, id, bouquetapi.Bookmark{Name: ptr("Sales by country (2)"), Path: ptr("/SHARED/oasuite")}); err != nil {
		t.Fatal(err)
	}
	if l, err := c.ListBookmarksWithResponse(ctx, pid, nil); err != nil || len(*l.JSON200) != 1 {
		t.Fatalf("list: %v", err)
	}
	if _, err := c.DeleteBookmarkWithResponse(ctx, pid, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteProjectWithResponse(ctx, pid); err != nil {
		t.Fatal(err)
	}
}

func TestReplayAnalysisJob(t *testing.T) {
	e := newReplay(t, "analysis_job", true, bouquettest.WithResultRows(12))
	c := e.passwordClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pid, did := replayProject(t, c)
	dim, err := c.CreateDimensionWithResponse(ctx, pid, did, bouquetapi.Dimension{Name: ptr("country"), Type: ptr(bouquetapi.DimensionTypeCATEGORICAL),
		Expression: &bouquetapi.Expression{Value: ptr("'country'")}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.CreateMetricWithResponse(ctx, pid, did, bouquetapi.Metric{Name: ptr("revenue"), Expression: &bouquetapi.Expression{Value: ptr("SUM('amount')")}})
	if err != nil {
		t.Fatal(err)
	}
	job, err := c.RunAnalysisJob(ctx, pid, bouquetapi.ProjectAnalysisJob{
		Domains:    &[]bouquetapi.DomainPK{{ProjectId: &pid, DomainId: did}},
		Dimensions: &[]bouquetapi.DimensionPK{*dim.JSON200.Id},
		Metrics:    &[]bouquetapi.MetricPK{*m.JSON200.Id},
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range c.AnalysisJobRows(ctx, pid, job.Id.AnalysisJobId, 5) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 12 {
		t.Errorf("rows = %d, want 12", n)
	}
	if _, err := c.DeleteAnalysisJobWithResponse(ctx, pid, job.Id.AnalysisJobId); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteProjectWithResponse(ctx, pid); err != nil {
		t.Fatal(err)
	}
}

// exceptionAnswer is an APIException sent as 2xx (ComputingInProgress, or
// errors under no_error), which the client turns into an *Error: the spec
// check of the cassettes leaves it alone.
func exceptionAnswer(resp *http.Response, body []byte) bool {
	return resp.StatusCode < 300 && bytes.Contains(body, []byte(`Exception"`))
}
