package beproduct_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/gen/beproductapi"
)

// browser plays the user on the fake's authorize page: it consents and
// returns the redirect back to the app.
func browser(authorizeURL string) *url.URL {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authorizeURL)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	u, _ := url.Parse(resp.Header.Get("Location"))
	return u
}

// exampleLogin logs in on the fake with the code flow and returns a
// refreshing token source.
func exampleLogin(ctx context.Context, srv *beproducttest.Server) oauth2.TokenSource {
	id, err := beproduct.NewIdentity(ctx, beproduct.OAuthConfig{
		Issuer: srv.Issuer(), ClientID: beproducttest.TestClientID, ClientSecret: beproducttest.TestClientSecret,
		RedirectURL: beproducttest.TestRedirectURL,
	})
	if err != nil {
		panic(err)
	}
	at, _ := id.StartLogin(nil)
	sess, err := id.FinishLogin(ctx, at, browser(at.URL).Query())
	if err != nil {
		panic(err)
	}
	return id.TokenSource(sess)
}

// A server app logs its user in with the authorization code flow (PKCE,
// state and nonce), then calls the API with a token source that refreshes
// itself and keeps the rotated refresh tokens.
func ExampleIdentity_FinishLogin() {
	ctx := context.Background()
	srv := beproducttest.NewServer()
	defer srv.Close()

	id, err := beproduct.NewIdentity(ctx, beproduct.OAuthConfig{
		Issuer:       srv.Issuer(), // omit for https://id.winks.io/ids
		ClientID:     beproducttest.TestClientID,
		ClientSecret: beproducttest.TestClientSecret,
		RedirectURL:  beproducttest.TestRedirectURL,
	})
	if err != nil {
		panic(err)
	}
	attempt, _ := id.StartLogin(nil) // keep attempt in the user's session
	// … redirect the user to attempt.URL; BeProduct redirects back:
	callback := browser(attempt.URL)
	sess, err := id.FinishLogin(ctx, attempt, callback.Query())
	if err != nil {
		panic(err)
	}
	fmt.Println("subject:", sess.IDToken.Subject)

	c, err := beproduct.New(ctx, beproduct.WithCompany(beproducttest.TestCompany),
		beproduct.WithBaseURL(srv.BaseURL()), beproduct.WithTokenSource(id.TokenSource(sess)))
	if err != nil {
		panic(err)
	}
	folders, err := c.ListStyleFoldersWithResponse(ctx)
	if err != nil {
		panic(err)
	}
	for _, f := range *folders.JSON200 {
		fmt.Println("folder:", f.Name)
	}
	// Output:
	// subject: 248289761001
	// folder: Spring 2026
	// folder: Fall 2026
}

// Headers pages through a filtered header list; the page size is capped at
// BeProduct's 200 records per read.
func ExampleClient_Headers() {
	ctx := context.Background()
	srv := beproducttest.NewServer()
	defer srv.Close()
	c, _ := beproduct.New(ctx, beproduct.WithCompany(beproducttest.TestCompany),
		beproduct.WithBaseURL(srv.BaseURL()), beproduct.WithTokenSource(exampleLogin(ctx, srv)))

	filters := beproduct.Where(beproduct.FieldModifiedAt).Gte(time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC)).
		And("price").Lte(40)
	for h, err := range c.Headers(ctx, beproduct.Style, beproduct.ListOptions{Filters: filters, PageSize: 50}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(h.HeaderNumber, h.HeaderName)
	}
	_, err := c.ListHeaders(ctx, beproduct.Style, beproduct.ListOptions{PageSize: 500}, 0)
	fmt.Println(errors.Is(err, beproduct.ErrPageSize))
	// Output:
	// S1003 Silk Scarf 3
	// S1004 Wool Coat 4
	// true
}

// Where builds the filters of a header list; they are ANDed.
func ExampleWhere() {
	f := beproduct.Where(beproduct.FieldModifiedAt).Gte(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).
		And(beproduct.FieldHeaderNumber).In("S1001", "S1002")
	b, _ := json.Marshal(f)
	fmt.Println(string(b))
	// Output:
	// [{"field":"ModifiedAt","operator":"Gte","value":"2026-01-01T00:00:00Z"},{"field":"header_number","operator":"In","value":"S1001■S1002"}]
}

// UpdatePageGrid splits a large write into requests of at most 100 records
// and reports which records failed.
func ExampleClient_UpdatePageGrid() {
	ctx := context.Background()
	srv := beproducttest.NewServer()
	defer srv.Close()
	c, _ := beproduct.New(ctx, beproduct.WithCompany(beproducttest.TestCompany),
		beproduct.WithBaseURL(srv.BaseURL()), beproduct.WithTokenSource(exampleLogin(ctx, srv)))

	rows := make([]beproductapi.GridRow, 230)
	for i := range rows {
		rows[i] = beproductapi.GridRow{RowFields: &[]beproductapi.FieldUpdate{{Id: "component", Value: fmt.Sprint("Part ", i)}}}
	}
	missing := "no-such-row"
	rows[120].RowId = &missing
	res, err := c.UpdatePageGrid(ctx, beproduct.Style, srv.HeaderIDs("Style")[0], beproducttest.PageBOM, rows)
	fmt.Println("requests:", res.Requests, "written:", res.Succeeded)
	// The server refuses the whole request that carried the unknown row.
	fmt.Println("failed:", len(res.Failed), "from index", res.Failed[0].Index, errors.Is(err, beproduct.ErrRecordFailed))
	// Output:
	// requests: 3 written: 130
	// failed: 100 from index 100 true
}

// RateLimit reads the X-RateLimit-* headers of the latest answer; a spent
// quota comes back as an *Error matching ErrTooManyRequests.
func ExampleClient_RateLimit() {
	ctx := context.Background()
	srv := beproducttest.NewServer(beproducttest.WithRateLimits(0, 0, 2))
	defer srv.Close()
	c, _ := beproduct.New(ctx, beproduct.WithCompany(beproducttest.TestCompany),
		beproduct.WithBaseURL(srv.BaseURL()), beproduct.WithTokenSource(exampleLogin(ctx, srv)))

	for range 3 {
		_, err := c.ListUsersWithResponse(ctx)
		rl, _ := c.RateLimit()
		var be *beproduct.Error
		if errors.As(err, &be) {
			fmt.Println("error:", be.StatusCode, be.Window, errors.Is(err, beproduct.ErrTooManyRequests))
			continue
		}
		fmt.Printf("ok: %d of %d left\n", rl.Remaining, rl.Limit)
	}
	// Output:
	// ok: 1 of 2 left
	// ok: 0 of 2 left
	// error: 429 per_day true
}

// New refuses to start without the company slug, and without credentials
// unless told to send none.
func ExampleWithCompany() {
	_, err := beproduct.New(context.Background())
	fmt.Println(errors.Is(err, beproduct.ErrNoCompany))
	_, err = beproduct.New(context.Background(), beproduct.WithCompany("acme"))
	fmt.Println(errors.Is(err, beproduct.ErrNoCredentials))
	c, _ := beproduct.New(context.Background(), beproduct.WithCompany("acme"), beproduct.WithoutCredentials())
	fmt.Println(c.ServerURL())
	// Output:
	// true
	// true
	// https://developers.beproduct.com/api/acme
}

// Uploads stream: a File from a path, bytes, a reader or a URL goes out as
// one multipart part, and WaitImageProcessing polls until BeProduct has
// processed it.
func ExampleClient_UploadHeaderImage() {
	ctx := context.Background()
	srv := beproducttest.NewServer()
	defer srv.Close()
	c, _ := beproduct.New(ctx, beproduct.WithCompany(beproducttest.TestCompany),
		beproduct.WithBaseURL(srv.BaseURL()), beproduct.WithTokenSource(exampleLogin(ctx, srv)))

	style := srv.HeaderIDs("Style")[0]
	id, err := c.UploadHeaderImage(ctx, beproduct.Style, style, beproduct.PositionFront,
		beproduct.FileFromBytes("front.png", []byte("\x89PNG…")))
	if err != nil {
		panic(err)
	}
	st, err := c.WaitImageProcessing(ctx, beproduct.Style, id, beproduct.WaitOptions{Interval: time.Millisecond})
	fmt.Println(st.Finished, err)
	// Any upload operation takes the same streamed body through Multipart:
	ct, body, edit := c.Multipart(beproduct.FileFromBytes("turntable.zip", []byte("PK…")))
	r, err := c.UploadStyleTurntableWithBodyWithResponse(ctx, style, &beproductapi.UploadStyleTurntableParams{}, ct, body, edit)
	fmt.Println(err == nil && r.JSON200.ImageId != "")
	// Output:
	// true <nil>
	// true
}

// The Automation API (autonumbers, locks) lives on its own host; the
// client sends its token in X-Authorization there.
func ExampleAutomation_NextAutonumber() {
	ctx := context.Background()
	srv := beproducttest.NewServer()
	defer srv.Close()
	c, _ := beproduct.New(ctx, beproduct.WithCompany(beproducttest.TestCompany),
		beproduct.WithBaseURL(srv.BaseURL()), beproduct.WithAutomationURL(srv.AutomationRoot()),
		beproduct.WithTokenSource(exampleLogin(ctx, srv)))

	n, err := c.Automation().NextAutonumber(ctx, beproducttest.AutonumberSeedID)
	fmt.Println(n, err)
	lock, _ := c.Automation().AcquireLock(ctx, "nightly-sync", time.Minute)
	fmt.Println(lock.Acquired)
	// Output:
	// ST00001 <nil>
	// true
}
