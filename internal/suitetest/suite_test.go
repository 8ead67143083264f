// Package suitetest proves the foundation's three shared pieces together on
// the suite's own small API (testdata/notes.yaml): a fake assembled from
// internal/fakekit, a client made of auth + internal/pipeline, and the
// internal/replay harness recording and replaying their exchanges.
package suitetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/internal/fakekit"
	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/internal/replay"
)

const (
	prodAPI   = "https://api.notes.example/v1"
	prodToken = "https://auth.notes.example/token"
	user      = "ann"
	password  = "Pa55-notes-SECRET"
)

type note struct {
	ID    string  `json:"id,omitempty"`
	Title string  `json:"title"`
	Score float64 `json:"score,omitempty"`
}

// fake is the Notes API: password grant, three operations, faults.
type fake struct {
	*httptest.Server
	oauth  *fakekit.OAuth
	faults *fakekit.Faults
	cov    *fakekit.OpCoverage
}

func newFake(t *testing.T) *fake {
	t.Helper()
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := &fake{faults: &fakekit.Faults{}, cov: fakekit.NewOpCoverage()}
	f.oauth = fakekit.NewOAuth(fakekit.OAuthConfig{
		Paths:           fakekit.OAuthPaths{Token: "/token"},
		Users:           []fakekit.User{{Login: user, Password: password}},
		AnonymousClient: "notes-cli",
		Clients:         []fakekit.Client{{ID: "notes-cli"}},
		AccessTokenTTL:  time.Hour,
	})
	v, err := fakekit.NewValidator(spec, fakekit.WithBasePath("/v1"), fakekit.WithCoverage(f.cov))
	if err != nil {
		t.Fatal(err)
	}
	notes := fakekit.NewCollection[note](fakekit.SequentialIDs, "n")
	v.HandleFunc("listNotes", func(w http.ResponseWriter, r *http.Request) {
		fakekit.WriteJSON(w, 200, map[string]any{"results": notes.List(), "next": nil})
	})
	v.HandleFunc("createNote", func(w http.ResponseWriter, r *http.Request) {
		var n note
		if err := fakekit.ReadJSON(r, 1<<20, &n); err != nil {
			fakekit.WriteJSON(w, 400, map[string]string{"detail": err.Error()})
			return
		}
		_, n = notes.Create(func(id string) note { n.ID = id; return n })
		fakekit.WriteJSON(w, 201, n)
	})
	v.HandleFunc("getNote", func(w http.ResponseWriter, r *http.Request) {
		n, ok := notes.Get(r.PathValue("id"))
		if !ok {
			fakekit.WriteJSON(w, 404, map[string]string{"detail": "Not found."})
			return
		}
		fakekit.WriteJSON(w, 200, n)
	})
	mux := http.NewServeMux()
	f.oauth.Mount(mux)
	mux.Handle("/v1/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := f.oauth.Authenticate(r); !ok {
			fakekit.WriteJSON(w, 401, map[string]string{"detail": "Invalid token."})
			return
		}
		v.ServeHTTP(w, r)
	}))
	f.Server = httptest.NewServer(f.faults.Wrap(mux, v.OperationOf))
	t.Cleanup(f.Close)
	return f
}

// apiError is what a vendor package's Error looks like, in miniature.
type apiError struct {
	pipeline.HTTPError
	Detail string
}

func (e *apiError) Error() string { return e.HTTPError.Error() + ": " + e.Detail }

// client is a vendor client in miniature: auth.Source over the password
// grant, the pipeline, and a Doer that maps errors.
type client struct {
	base   string
	doer   *pipeline.Doer
	tokens *auth.Source
}

func newClient(hc *http.Client, apiBase, tokenURL string, clock func() time.Time) *client {
	grant := auth.PasswordGrant{
		Endpoint:   oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
		Username:   user,
		Password:   password,
		Scopes:     []string{"notes"},
		HTTPClient: hc,
	}
	opts := []auth.SourceOption{}
	if clock != nil {
		opts = append(opts, auth.WithClock(clock))
	}
	src := auth.NewSource(grant, opts...)
	pc := pipeline.NewClient(pipeline.Config{
		Base:      hc.Transport,
		Tokens:    src,
		UserAgent: "oasuite-suitetest",
		Retry:     pipeline.Retry{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxWait: 2 * time.Second},
	})
	return &client{base: apiBase, tokens: src, doer: &pipeline.Doer{Client: pc, MapError: func(r *pipeline.ErrorResponse) error {
		e := &apiError{HTTPError: pipeline.NewHTTPError(r)}
		var body struct {
			Detail string `json:"detail"`
		}
		if json.Unmarshal(r.Body, &body) == nil {
			e.Detail = body.Detail
		}
		return e
	}}}
}

func (c *client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.doer.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

// session runs the same calls in every mode; it returns what a user sees.
func session(t *testing.T, c *client) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	var n note
	if err := c.do(ctx, "POST", "/notes", note{Title: "first", Score: 1.5}, &n); err != nil {
		t.Fatalf("create: %v", err)
	}
	out = append(out, "created "+n.ID+" "+n.Title)
	var got note
	if err := c.do(ctx, "GET", "/notes/"+n.ID, nil, &got); err != nil {
		t.Fatalf("get: %v", err)
	}
	out = append(out, fmt.Sprintf("got %s %.1f", got.Title, got.Score))
	err := c.do(ctx, "GET", "/notes/n999", nil, &got)
	var ae *apiError
	if !errors.As(err, &ae) || !errors.Is(err, pipeline.ErrNotFound) || ae.Detail != "Not found." {
		t.Fatalf("missing note: err = %v, want a typed 404 with the vendor's detail", err)
	}
	out = append(out, "missing: "+ae.Detail)
	err = c.do(ctx, "POST", "/notes", map[string]any{"score": 2}, &n)
	if !errors.Is(err, pipeline.ErrBadRequest) {
		t.Fatalf("invalid body: err = %v, want the fake's spec validation to answer 400", err)
	}
	out = append(out, "invalid body refused")
	var list struct {
		Results []note `json:"results"`
	}
	if err := c.do(ctx, "GET", "/notes", nil, &list); err != nil || len(list.Results) != 1 {
		t.Fatalf("list: %v (%d results)", err, len(list.Results))
	}
	out = append(out, fmt.Sprintf("listed %d", len(list.Results)))
	return out
}

func TestFoundationAgainstFake(t *testing.T) {
	f := newFake(t)
	c := newClient(f.Client(), f.URL+"/v1", f.URL+"/token", nil)
	got := session(t, c)
	if len(got) != 5 {
		t.Fatalf("session = %q", got)
	}

	// A 429 with Retry-After, then a 503 on GET: both retried by the pipeline.
	f.faults.Add(fakekit.Fault{Method: "GET", Path: "/v1/notes", Status: 429, RetryAfter: time.Second})
	f.faults.Add(fakekit.Fault{Method: "GET", Path: "/v1/notes", Status: 503})
	var list struct{ Results []note }
	if err := c.do(context.Background(), "GET", "/notes", nil, &list); err != nil {
		t.Fatalf("list through 429 and 503: %v", err)
	}
	if f.faults.Fired() != 2 {
		t.Fatalf("faults fired %d, want 2", f.faults.Fired())
	}

	// A 503 on POST is not retried: the caller gets the typed error.
	f.faults.Add(fakekit.Fault{Method: "POST", Path: "/v1/notes", Status: 503})
	err := c.do(context.Background(), "POST", "/notes", note{Title: "x"}, &note{})
	if !errors.Is(err, pipeline.ErrServer) {
		t.Fatalf("POST on 503: %v, want ErrServer without a retry", err)
	}

	// The server expires every token: the next call gets 401, the source logs
	// in again once, and the call is replayed.
	before := f.oauth.Issued(fakekit.GrantPassword)
	f.oauth.ExpireAccessTokens()
	if err := c.do(context.Background(), "GET", "/notes", nil, &list); err != nil {
		t.Fatalf("call after server-side expiry: %v", err)
	}
	if after := f.oauth.Issued(fakekit.GrantPassword); after != before+1 {
		t.Fatalf("password logins %d → %d, want exactly one more", before, after)
	}
	if missing := f.cov.Missing(mustRead(t, "testdata/notes.yaml")); len(missing) != 0 {
		t.Fatalf("operations never served: %v", missing)
	}
}

func TestFoundationReplay(t *testing.T) {
	f := newFake(t)
	hc := replay.New(t, "testdata/cassettes/notes_session",
		replay.WithFake(f.URL, "api.notes.example", "auth.notes.example"))
	c := newClient(hc, prodAPI, prodToken, nil)
	got := session(t, c)
	want := []string{"created n1 first", "got first 1.5", "missing: Not found.", "invalid body refused", "listed 1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("replayed session = %q, want %q", got, want)
	}
}

func TestCassetteHoldsProductionURLsAndNoSecrets(t *testing.T) {
	b, err := os.ReadFile("testdata/cassettes/notes_session.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, prodToken) || !strings.Contains(s, prodAPI+"/notes") {
		t.Fatal("cassette does not hold the production URLs")
	}
	if strings.Contains(s, "127.0.0.1") {
		t.Fatal("cassette holds the fake's loopback address")
	}
	if strings.Contains(s, password) || strings.Contains(s, url.QueryEscape(password)) {
		t.Fatal("cassette holds the password")
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
