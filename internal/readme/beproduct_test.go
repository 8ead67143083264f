package readme

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/gen/beproductapi"
)

// readme:begin beproduct-login
var beproductConfig = beproduct.OAuthConfig{
	ClientID:     os.Getenv("BEPRODUCT_CLIENT_ID"),
	ClientSecret: os.Getenv("BEPRODUCT_CLIENT_SECRET"),
	RedirectURL:  "https://myapp.example/callback",
	Store:        auth.FileStore("/var/lib/myapp/tokens"), // rotated refresh tokens are saved here
	StoreKey:     "acme",
}

// beproductStart begins a server app's login: authorization code with PKCE,
// state and nonce. Redirect the user to attempt.URL and keep attempt.
func beproductStart(ctx context.Context) (*beproduct.Identity, *auth.Attempt, error) {
	idp, err := beproduct.NewIdentity(ctx, beproductConfig) // OIDC discovery + JWKS
	if err != nil {
		return nil, nil, err
	}
	attempt, err := idp.StartLogin(nil)
	return idp, attempt, err
}

// beproductFinish serves the callback: state, code exchange, ID token and
// nonce verified.
func beproductFinish(ctx context.Context, idp *beproduct.Identity, attempt *auth.Attempt, callback url.Values) (*beproduct.Client, error) {
	sess, err := idp.FinishLogin(ctx, attempt, callback)
	if err != nil {
		return nil, err
	}
	ts := idp.TokenSource(sess) // refreshes 300 s early, keeps rotated refresh tokens
	info, err := idp.UserInfo(ctx, ts)
	if err != nil {
		return nil, err
	}
	fmt.Println("logged in as", info.PreferredUsername)
	return beproduct.New(ctx, beproduct.WithCompany("acme"), beproduct.WithTokenSource(ts))
}

// readme:end

// beproductOtherLogins is compiled only.
func beproductOtherLogins(ctx context.Context, idp *beproduct.Identity, attempt *auth.Attempt, fragment, janeUserID string) (oauth2.TokenSource, error) {
	// readme:begin beproduct-other-logins
	// Browser style, "id_token token" (the API overview's example): the tokens come in the
	// URL fragment, which your page hands over; at_hash is checked too.
	sess, err := idp.FinishBrowserLogin(ctx, attempt, fragment) // attempt from idp.StartBrowserLogin
	if err != nil {
		return nil, err
	}
	fromBrowser := idp.TokenSource(sess)

	// A refresh token obtained once (as the Python SDK's docs describe).
	fromRefresh := beproductConfig.RefreshSource(os.Getenv("BEPRODUCT_REFRESH_TOKEN"))

	// Impersonation: grant_type=actas with the caller's token, the user id and scope.
	asJane := beproductConfig.ActAs(fromRefresh, janeUserID)
	// readme:end
	_ = fromBrowser
	return asJane, nil
}

func beproductUse(ctx context.Context, c *beproduct.Client, folderID, headerID, pageID string, rows []beproductapi.GridRow) error {
	// readme:begin beproduct-use
	since := time.Now().AddDate(0, 0, -7)
	for h, err := range c.Headers(ctx, beproduct.Style, beproduct.ListOptions{
		FolderID: folderID,
		Filters:  beproduct.Where(beproduct.FieldModifiedAt).Gte(since).And("season").Eq("Spring 2026"),
	}) {
		if err != nil {
			return err
		}
		fmt.Println(h.HeaderNumber, h.HeaderName)
	}
	res, err := c.UpdatePageGrid(ctx, beproduct.Style, headerID, pageID, rows) // any number of rows
	if res != nil {
		for _, f := range res.Failed {
			log.Printf("row %d (%s): %v", f.Index, f.ID, f.Err)
		}
	}
	if err != nil {
		return err
	}
	if rl, ok := c.RateLimit(); ok { // X-RateLimit-* of the latest answer
		fmt.Println(rl.Remaining, "requests left until", rl.Reset.Format(time.Kitchen))
	}
	// readme:end
	return nil
}

func TestBeProductSnippets(t *testing.T) {
	ctx := context.Background()
	srv := beproducttest.NewServer()
	defer srv.Close()
	saved := beproductConfig
	defer func() { beproductConfig = saved }()
	beproductConfig.Issuer = srv.Issuer()
	beproductConfig.ClientID, beproductConfig.ClientSecret = beproducttest.TestClientID, beproducttest.TestClientSecret
	beproductConfig.RedirectURL = beproducttest.TestRedirectURL
	store := &auth.MemoryStore{}
	beproductConfig.Store = store

	idp, attempt, err := beproductStart(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nf := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := nf.Get(attempt.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	var c *beproduct.Client
	out := captureStdout(t, func() { c, err = beproductFinish(ctx, idp, attempt, back.Query()) })
	if err != nil || c == nil || !strings.HasPrefix(out, "logged in as ") {
		t.Fatalf("finish: %v, output %q", err, out)
	}
	if c.Company() != "acme" {
		t.Fatalf("company %q", c.Company())
	}
	tok, err := store.Load(ctx, "acme")
	if err != nil || tok == nil || tok.RefreshToken == "" {
		t.Fatalf("the login's token was not saved to the store: %v, %v", tok, err)
	}

	// The calls, on a client pointed at the fake.
	api, err := beproduct.New(ctx, beproduct.WithCompany(beproducttest.TestCompany), beproduct.WithBaseURL(srv.BaseURL()),
		beproduct.WithTokenSource(beproductConfig.TokenSource(tok)))
	if err != nil {
		t.Fatal(err)
	}
	ids := srv.SeedHeaders("Style", 3)
	rows := make([]beproductapi.GridRow, 150)
	for i := range rows {
		f := []beproductapi.FieldUpdate{{Id: "component", Value: fmt.Sprintf("Part %d", i+1)}}
		rows[i] = beproductapi.GridRow{RowFields: &f}
	}
	out = captureStdout(t, func() {
		err = beproductUse(ctx, api, beproducttest.FolderID("Style", 0), ids[0], beproducttest.PageBOM, rows)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "requests left until") {
		t.Fatalf("output:\n%s", out)
	}
	if n := srv.Requests("updateStylePageGrid"); n != 2 {
		t.Errorf("150 rows in %d requests, want 2", n)
	}
}
