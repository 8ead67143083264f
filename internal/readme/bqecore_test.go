package readme

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
	"github.com/oasuite/sdk/gen/bqecoreapi"
	"github.com/oasuite/sdk/ptr"
)

// readme:begin bqecore-web-login
var bqeConfig = bqecore.OAuthConfig{
	ClientID:     os.Getenv("BQECORE_CLIENT_ID"),
	ClientSecret: os.Getenv("BQECORE_CLIENT_SECRET"), // "" for a public app: PKCE S256 is used
	RedirectURL:  "https://app.example.com/bqe/callback",
	Scopes:       []string{bqecore.ScopeReadWrite, bqecore.ScopeOfflineAccess, bqecore.ScopeOpenID, bqecore.ScopeProfile},
}

// bqeLogin sends the user to CORE's consent screen.
func bqeLogin(w http.ResponseWriter, r *http.Request) {
	attempt, err := bqeConfig.Start(map[string]string{"returnTo": "/timesheet"}) // the payload travels in state
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	saveAttempt(w, r, attempt) // your session; an *auth.Attempt is JSON
	http.Redirect(w, r, attempt.URL, http.StatusFound)
}

// bqeCallback serves the RedirectURL.
func bqeCallback(w http.ResponseWriter, r *http.Request) {
	// Exchange checks state and turns error=access_denied into an error.
	tok, err := bqeConfig.Exchange(r.Context(), loadAttempt(r), r.URL.Query())
	if err != nil {
		http.Error(w, "login failed", http.StatusForbidden)
		return
	}
	company := bqecore.CompanyID(r.URL.Query()) // the company picked on the consent screen
	saveToken(company, tok)
	http.Redirect(w, r, "/timesheet", http.StatusFound)
}

// readme:end

// The session of the web-login snippet: one user, in memory.
var bqeSession struct {
	sync.Mutex
	attempt *auth.Attempt
	company string
	tok     *oauth2.Token
}

func saveAttempt(_ http.ResponseWriter, _ *http.Request, a *auth.Attempt) {
	bqeSession.Lock()
	defer bqeSession.Unlock()
	bqeSession.attempt = a
}

func loadAttempt(*http.Request) *auth.Attempt {
	bqeSession.Lock()
	defer bqeSession.Unlock()
	return bqeSession.attempt
}

func saveToken(company string, tok *oauth2.Token) {
	bqeSession.Lock()
	defer bqeSession.Unlock()
	bqeSession.company, bqeSession.tok = company, tok
}

// bqeClient is run with a token from the fake; its calls would go to the
// token's endpoint, so the test only builds it.
func bqeClient(ctx context.Context, tok *oauth2.Token, dir string) (*bqecore.Client, error) {
	// readme:begin bqecore-client
	src := bqeConfig.TokenSource(tok, auth.WithStore(auth.FileStore(dir), "pat")) // refresh + persistence
	c, err := bqecore.New(ctx, bqecore.WithTokenSource(src), bqecore.WithUTCOffset(-480))
	// readme:end
	return c, err
}

func bqeUse(ctx context.Context, c *bqecore.Client, projectID, activityID, employeeID, version string) error {
	// readme:begin bqecore-use
	for a, err := range c.Activities(ctx, &bqecoreapi.ListActivitiesParams{OrderBy: ptr.To("name")}) {
		if err != nil {
			return err
		}
		fmt.Println(ptr.Value(a.Name))
	}
	// Created reads the new record from JSON201 or JSON200, whichever CORE sent.
	entry, err := bqecore.Created(c.CreateTimeEntryWithResponse(ctx, bqecoreapi.TimeEntry{
		ProjectId: &projectID, ActivityId: &activityID, ResourceId: &employeeID,
		Date: ptr.To("2026-11-23T00:00:00"), ActualHours: ptr.To(2.5),
	}))
	if err != nil {
		return err
	}
	fmt.Println("time entry", ptr.Value(entry.Id))
	emp, err := c.PatchEmployeeFields(ctx, employeeID, version, bqecore.Replace("/billRate", 30))
	if errors.Is(err, bqecore.ErrVersionConflict) {
		return fmt.Errorf("the employee changed meanwhile: read it again and retry: %w", err)
	}
	if err != nil {
		return err
	}
	fmt.Println("bill rate", ptr.Value(emp.BillRate))
	// readme:end
	return nil
}

func TestBQECoreSnippets(t *testing.T) {
	ctx := context.Background()
	fake := bqecoretest.NewServer()
	defer fake.Close()

	// The web login, with the fake playing CORE and the browser.
	saved := bqeConfig
	defer func() { bqeConfig = saved }()
	bqeConfig.ClientID, bqeConfig.ClientSecret = bqecoretest.TestClientID, bqecoretest.TestClientSecret
	bqeConfig.RedirectURL, bqeConfig.IdentityURL = bqecoretest.TestRedirectURL, fake.IdentityURL()
	rec := httptest.NewRecorder()
	bqeLogin(rec, httptest.NewRequest(http.MethodGet, "/login", nil))
	if rec.Code != http.StatusFound {
		t.Fatalf("login answered %d: %s", rec.Code, rec.Body)
	}
	q, err := fake.Authorize(ctx, rec.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	rec = httptest.NewRecorder()
	bqeCallback(rec, httptest.NewRequest(http.MethodGet, "/bqe/callback?"+q.Encode(), nil))
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/timesheet" {
		t.Fatalf("callback answered %d: %s", rec.Code, rec.Body)
	}
	tok := bqeSession.tok
	if tok == nil || tok.AccessToken == "" {
		t.Fatal("no token saved")
	}
	var returnTo map[string]string
	if err := bqecore.ReadState(loadAttempt(nil).State, &returnTo); err != nil || returnTo["returnTo"] != "/timesheet" {
		t.Fatalf("state payload = %v, %v", returnTo, err)
	}
	// A forged callback is refused.
	forged := url.Values{"code": {"x"}, "state": {"forged"}}
	rec = httptest.NewRecorder()
	bqeCallback(rec, httptest.NewRequest(http.MethodGet, "/bqe/callback?"+forged.Encode(), nil))
	if rec.Code != http.StatusForbidden {
		t.Fatalf("forged callback answered %d", rec.Code)
	}

	if _, err := bqeClient(ctx, tok, t.TempDir()); err != nil {
		t.Fatalf("the documented client: %v", err)
	}

	// The calls, on a client that trusts the fake's endpoint host.
	c, err := bqecore.New(ctx, bqecore.WithTokenSource(bqeConfig.TokenSource(tok)), bqecore.WithEndpointHosts(fake.EndpointHost()))
	if err != nil {
		t.Fatal(err)
	}
	var project, activity, employee, version string
	for p, err := range c.Projects(ctx, &bqecoreapi.ListProjectsParams{Where: ptr.To("code = 'HVE-01.1'")}) {
		if err != nil {
			t.Fatal(err)
		}
		project = ptr.Value(p.Id)
		break
	}
	for a, err := range c.Activities(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		activity = ptr.Value(a.Id)
		break
	}
	for e, err := range c.Employees(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		employee, version = ptr.Value(e.Id), ptr.Value(e.Version)
		break
	}
	if project == "" || activity == "" || employee == "" || version == "" {
		t.Fatalf("the fake's seed lacks a record: %q %q %q %q", project, activity, employee, version)
	}
	out := captureStdout(t, func() {
		if err := bqeUse(ctx, c, project, activity, employee, version); err != nil {
			t.Fatal(err)
		}
	})
	if !strings.Contains(out, "time entry ") || !strings.HasSuffix(out, "bill rate 30\n") {
		t.Fatalf("output:\n%s", out)
	}
	// Run again with the now stale version: the documented conflict.
	_ = captureStdout(t, func() {
		err = bqeUse(ctx, c, project, activity, employee, version)
	})
	if !errors.Is(err, bqecore.ErrVersionConflict) {
		t.Fatalf("stale version: %v, want ErrVersionConflict", err)
	}
}
