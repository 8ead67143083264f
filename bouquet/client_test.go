package bouquet_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bouquet/bouquettest"
	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/gen/bouquetapi"
)

// seen records the requests that reach the base transport.
type seen struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (s *seen) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.reqs = append(s.reqs, r.Clone(r.Context()))
	s.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (s *seen) last() *http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs[len(s.reqs)-1]
}

func TestTokenInHeaderByDefault(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	rec := &seen{}
	c := newClient(t, f, bouquet.WithHTTPClient(&http.Client{Transport: rec}))
	if _, err := c.ListProjectsWithResponse(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := rec.last()
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") || r.URL.Query().Has("access_token") {
		t.Errorf("token not (only) in the header: auth %v, query %q", r.Header.Get("Authorization") != "", r.URL.RawQuery)
	}
}

func TestTokenInQueryNeverPrinted(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	ctx := context.Background()
	src := oauthCfg(f).PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword)
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	rec := &seen{}
	c, err := bouquet.New(ctx, bouquet.WithBaseURL(f.BaseURL()), bouquet.WithTokenSource(src), bouquet.WithTokenInQuery(),
		bouquet.WithHTTPClient(&http.Client{Transport: rec}), bouquet.WithRetry(2, time.Millisecond),
		bouquet.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListProjectsWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	r := rec.last()
	if r.URL.Query().Get("access_token") != tok.AccessToken || r.Header.Get("Authorization") != "" {
		t.Fatalf("token not sent as access_token: query has it %v, header %q", r.URL.Query().Has("access_token"), r.Header.Get("Authorization"))
	}
	var msgs []string
	// 404 with the vendor body.
	_, err = c.GetProjectWithResponse(ctx, "missing", nil)
	msgs = append(msgs, err.Error())
	// 503 retried, then given up.
	f.AddFault(fakes.Fault{Path: "/release/v4.2/rs/projects", Status: 503, Times: 2})
	_, err = c.ListProjectsWithResponse(ctx)
	if !errors.Is(err, bouquet.ErrServer) {
		t.Errorf("503: %v", err)
	}
	msgs = append(msgs, err.Error())
	// A dropped connection: a transport error.
	f.AddFault(fakes.Fault{Path: "/release/v4.2/rs/user", Drop: true, Times: fakes.Forever})
	_, err = c.GetCurrentUserWithResponse(ctx)
	f.ClearFaults()
	if err == nil {
		t.Error("dropped connection: no error")
	} else {
		msgs = append(msgs, err.Error())
	}
	// 401 after the token is gone (the source logs in again: the new token too must not leak).
	f.ExpireTokens()
	if _, err := c.GetCustomerInfoWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	tok2, _ := src.Token()
	for _, m := range append(msgs, logs.String()) {
		for _, secret := range []string{tok.AccessToken, tok2.AccessToken} {
			if strings.Contains(m, secret) {
				t.Errorf("token printed in %q", m)
			}
		}
	}
	if !strings.Contains(logs.String(), "/rs/projects/missing") || !strings.Contains(msgs[0], "/rs/projects/missing") {
		t.Errorf("the request does not show in the log or the error:\n%s\n%s", logs.String(), msgs[0])
	}
}

func TestErrorFields(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	ctx := context.Background()
	c := newClient(t, f)
	_, err := c.GetProjectWithResponse(ctx, "nope", nil)
	var be *bouquet.Error
	if !errors.As(err, &be) {
		t.Fatalf("err = %v", err)
	}
	if be.StatusCode != 404 || be.Code != 404 || be.Type != bouquet.TypeObjectNotFound || be.Message == "" ||
		be.Method != "GET" || !strings.Contains(be.URL, "/rs/projects/nope") || be.Suppressed == nil {
		t.Errorf("error = %+v", be)
	}
	if !errors.Is(err, bouquet.ErrNotFound) || errors.Is(err, bouquet.ErrConflict) || errors.Is(err, bouquet.ErrComputingInProgress) {
		t.Error("errors.Is mismatch")
	}
	if !strings.Contains(err.Error(), "404 ObjectNotFoundAPIException") {
		t.Errorf("message = %s", err)
	}
	// 401 carries loginURL and selfLoginURL.
	anon, _ := bouquet.New(ctx, bouquet.WithBaseURL(f.BaseURL()), bouquet.WithoutCredentials())
	_, err = anon.ListProjectsWithResponse(ctx)
	if !errors.As(err, &be) || !errors.Is(err, bouquet.ErrUnauthorized) || be.LoginURL == "" || be.SelfLoginURL == "" {
		t.Errorf("401 = %+v", be)
	}
	// 400 from spec validation, with Bouquet's body.
	_, err = c.CreateAnalysisJobWithBodyWithResponse(ctx, "p1", nil, "application/json", strings.NewReader(`{"limit":"many"}`))
	if !errors.As(err, &be) || be.StatusCode != 400 || be.Type != bouquet.TypeBadRequest || !errors.Is(err, bouquet.ErrBadRequest) {
		t.Errorf("400 = %v", err)
	}
	// 429 with Retry-After is retried by the pipeline.
	patient := newClient(t, f, bouquet.WithRetry(3, 2*time.Second))
	f.AddFault(fakes.Fault{Path: "/release/v4.2/rs/status", Status: 429, RetryAfter: time.Second})
	if _, err := patient.GetStatusWithResponse(ctx); err != nil {
		t.Errorf("429 then 200: %v", err)
	}
	// 429 beyond the retries: the error says when to come back.
	f.AddFault(fakes.Fault{Path: "/release/v4.2/rs/status", Status: 429, RetryAfter: time.Hour, Times: 5})
	_, err = c.GetStatusWithResponse(ctx)
	if !errors.As(err, &be) || !errors.Is(err, bouquet.ErrTooManyRequests) || be.RetryAfter != time.Hour {
		t.Errorf("429: %v", err)
	}
	f.ClearFaults()
}

func TestServerURL(t *testing.T) {
	t.Parallel()
	if got := bouquet.ServerURL("bq.example.com", "/release/v4.3/"); got != "https://bq.example.com/release/v4.3" {
		t.Errorf("ServerURL = %s", got)
	}
	if _, err := bouquet.New(context.Background(), bouquet.WithServer("bq.example.com", "release/v4.3")); !errors.Is(err, bouquet.ErrNoCredentials) {
		t.Errorf("no token source: %v, want ErrNoCredentials", err)
	}
	c, err := bouquet.New(context.Background(), bouquet.WithServer("bq.example.com", "release/v4.3"), bouquet.WithoutCredentials())
	if err != nil || c.BaseURL() != "https://bq.example.com/release/v4.3" {
		t.Errorf("WithServer: %v %v", c, err)
	}
	c, _ = bouquet.New(context.Background(), bouquet.WithoutCredentials())
	if c.BaseURL() != bouquet.DefaultBaseURL || bouquet.DefaultBaseURL != "https://demo.openbouquet.io/release/v4.2" {
		t.Errorf("default = %s", c.BaseURL())
	}
}

// project creates a project with one domain, a dimension and a metric.
func project(t *testing.T, c *bouquet.Client) (pid, did string, job bouquetapi.ProjectAnalysisJob) {
	t.Helper()
	ctx := context.Background()
	p, err := c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr("Sales")})
	if err != nil {
		t.Fatal(err)
	}
	pid = p.JSON200.Id.ProjectId
	d, err := c.CreateDomainWithResponse(ctx, pid, bouquetapi.Domain{Name: ptr("Orders"), Subject: &bouquetapi.Expression{Value: ptr("'orders'")}})
	if err != nil {
		t.Fatal(err)
	}
	did = d.JSON200.Id.DomainId
	dim, err := c.CreateDimensionWithResponse(ctx, pid, did, bouquetapi.Dimension{Name: ptr("country"), Type: ptr(bouquetapi.DimensionTypeCATEGORICAL)})
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.CreateMetricWithResponse(ctx, pid, did, bouquetapi.Metric{Name: ptr("revenue"), Expression: &bouquetapi.Expression{Value: ptr("SUM('amount')")}})
	if err != nil {
		t.Fatal(err)
	}
	job = bouquetapi.ProjectAnalysisJob{
		Domains:    &[]bouquetapi.DomainPK{*d.JSON200.Id},
		Dimensions: &[]bouquetapi.DimensionPK{*dim.JSON200.Id},
		Metrics:    &[]bouquetapi.MetricPK{*m.JSON200.Id},
	}
	return pid, did, job
}

func TestRunAnalysisJobPollsUntilDone(t *testing.T) {
	t.Parallel()
	f := newFake(t, bouquettest.WithJobSteps(2))
	c := newClient(t, f)
	ctx := context.Background()
	pid, _, job := project(t, c)
	before := f.Requests("getAnalysisJobResults")
	done, err := c.RunAnalysisJob(ctx, pid, job)
	if err != nil {
		t.Fatal(err)
	}
	if *done.Status != bouquet.JobDone {
		t.Errorf("status = %s", *done.Status)
	}
	if polls := f.Requests("getAnalysisJobResults") - before; polls != 4 {
		t.Errorf("polls = %d, want 4 (2 reads PENDING, 2 RUNNING, the 4th DONE)", polls)
	}
	// Results of a fresh job: ComputingInProgress (200 + Retry-After) is waited out.
	created, err := c.CreateAnalysisJobWithResponse(ctx, pid, nil, job)
	if err != nil {
		t.Fatal(err)
	}
	jid := created.JSON200.Id.AnalysisJobId
	_, err = c.GetAnalysisJobResultsWithResponse(ctx, pid, jid, nil)
	var be *bouquet.Error
	if !errors.As(err, &be) || !errors.Is(err, bouquet.ErrComputingInProgress) || be.StatusCode != 200 || be.QueryID != jid {
		t.Fatalf("raw results of a running job: %v", err)
	}
	dt, err := c.AnalysisJobResults(ctx, pid, jid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(*dt.Cols) != 2 || len(*dt.Rows) != 25 || *dt.TotalSize != 25 {
		t.Errorf("results: %d cols, %d rows, total %d", len(*dt.Cols), len(*dt.Rows), *dt.TotalSize)
	}
}

func TestComputingInProgressHonoursDeadline(t *testing.T) {
	t.Parallel()
	f := newFake(t, bouquettest.WithRetryAfter(30*time.Second), bouquettest.WithJobSteps(100))
	c := newClient(t, f)
	pid, _, job := project(t, c)
	created, err := c.CreateAnalysisJobWithResponse(context.Background(), pid, nil, job)
	if err != nil {
		t.Fatal(err)
	}
	// Retry-After (30s) lies past the deadline (20s): no wait, an error at once.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = c.AnalysisJobResults(ctx, pid, created.JSON200.Id.AnalysisJobId, nil)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, bouquet.ErrComputingInProgress) {
		t.Fatalf("err = %v", err)
	}
	if ctx.Err() != nil {
		t.Error("waited until the deadline although Retry-After was past it")
	}
	// Cancellation ends the wait of WaitAnalysisJob.
	c2 := newClient(t, f, bouquet.WithPollInterval(time.Hour))
	ctx2, cancel2 := context.WithCancel(context.Background())
	// Cancel once the first "still computing" answer has been served, so the
	// cancellation lands in the wait, not in the request (on a loaded machine
	// a fixed 50 ms could fall inside the request).
	served := f.Requests("getAnalysisJobResults")
	go func() {
		for f.Requests("getAnalysisJobResults") == served {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // the client is then in its hour-long wait
		cancel2()
	}()
	if _, err := c2.WaitAnalysisJob(ctx2, pid, created.JSON200.Id.AnalysisJobId); !errors.Is(err, context.Canceled) || !errors.Is(err, bouquet.ErrComputingInProgress) {
		t.Errorf("cancelled wait: %v", err)
	}
}

func TestAnalysisJobRowsPages(t *testing.T) {
	t.Parallel()
	f := newFake(t, bouquettest.WithResultRows(23))
	c := newClient(t, f)
	ctx := context.Background()
	pid, _, job := project(t, c)
	done, err := c.RunAnalysisJob(ctx, pid, job)
	if err != nil {
		t.Fatal(err)
	}
	before := f.Requests("getAnalysisJobResults")
	var got []string
	for row, err := range c.AnalysisJobRows(ctx, pid, done.Id.AnalysisJobId, 10) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, (*row.V)[0].(string))
	}
	if len(got) != 23 || got[0] != "country-00" || got[22] != "country-22" {
		t.Errorf("rows = %v", got)
	}
	if pages := f.Requests("getAnalysisJobResults") - before; pages != 3 {
		t.Errorf("pages = %d, want 3", pages)
	}
	// Stopping early stops paging.
	before = f.Requests("getAnalysisJobResults")
	for range c.AnalysisJobRows(ctx, pid, done.Id.AnalysisJobId, 5) {
		break
	}
	if f.Requests("getAnalysisJobResults")-before != 1 {
		t.Error("iterator kept reading after break")
	}
	// An error ends the iteration with that error.
	for _, err := range c.AnalysisJobRows(ctx, pid, "no-such-job", 5) {
		if !errors.Is(err, bouquet.ErrNotFound) {
			t.Errorf("missing job: %v", err)
		}
	}
}

func TestJobError(t *testing.T) {
	t.Parallel()
	e := &bouquet.JobError{JobID: "j1", Type: "ComputingException", Message: "bad SQL"}
	if e.Error() != "bouquet: analysis job j1 failed: ComputingException: bad SQL" {
		t.Error(e.Error())
	}
}

func TestResultMentioningComputingInProgressIsNotAnError(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := newClient(t, f)
	ctx := context.Background()
	// 200 bodies that merely contain the marker in their first KiB (the fake sorts JSON keys:
	// "description" comes early) must come back whole, not as an error: a small one, and one
	// larger than the error-body limit.
	for _, size := range []int{10, 100 << 10} {
		desc := bouquet.TypeComputingInProgress + " " + strings.Repeat("x", size)
		p, err := c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr("P"), Description: &desc})
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.GetProjectWithResponse(ctx, p.JSON200.Id.ProjectId, nil)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if *got.JSON200.Description != desc {
			t.Errorf("size %d: description came back with %d bytes", size, len(*got.JSON200.Description))
		}
	}
}
