package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/gen/beproductapi"
)

// demoBeProduct runs the BeProduct client against the in-process fake: an
// OpenID Connect code-flow login (PKCE, state, nonce, verified ID token),
// a filtered header list through the page iterator, a get, a create, a
// 250-row grid write split into requests of at most 100 records, a 404, and
// the rate-limit state.
func demoBeProduct(ctx context.Context, w io.Writer) error {
	srv := beproducttest.NewServer()
	defer srv.Close()
	hc := &http.Client{Timeout: 10 * time.Second}
	id, err := beproduct.NewIdentity(ctx, beproduct.OAuthConfig{
		Issuer: srv.Issuer(), ClientID: beproducttest.TestClientID, ClientSecret: beproducttest.TestClientSecret,
		RedirectURL: beproducttest.TestRedirectURL, HTTPClient: hc,
	})
	if err != nil {
		return err
	}
	attempt, err := id.StartLogin(nil)
	if err != nil {
		return err
	}
	callback, err := bpBrowser(ctx, hc, attempt.URL)
	if err != nil {
		return err
	}
	sess, err := id.FinishLogin(ctx, attempt, callback)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "beproduct: logged in with the code flow (PKCE, state, nonce); ID token verified for subject %s\n", sess.IDToken.Subject)

	c, err := beproduct.New(ctx, beproduct.WithCompany(beproducttest.TestCompany), beproduct.WithBaseURL(srv.BaseURL()),
		beproduct.WithTokenSource(id.TokenSource(sess)), beproduct.WithHTTPClient(hc))
	if err != nil {
		return err
	}
	srv.SeedHeaders("Style", 420)
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	var first beproductapi.Header
	for h, err := range c.Headers(ctx, beproduct.Style, beproduct.ListOptions{Filters: beproduct.Where(beproduct.FieldModifiedAt).Gte(since)}) {
		if err != nil {
			return fmt.Errorf("list styles: %w", err)
		}
		if n == 0 {
			first = h
		}
		n++
	}
	fmt.Fprintf(w, "beproduct: %d styles modified since %s, read in %d requests of at most %d\n",
		n, since.Format(time.DateOnly), srv.Requests("listStyleHeaders"), beproduct.MaxReadRecords)

	got, err := c.GetStyleHeaderWithResponse(ctx, first.Id)
	if err != nil {
		return fmt.Errorf("get style: %w", err)
	}
	fmt.Fprintf(w, "beproduct: style %s is %q\n", got.JSON200.HeaderNumber, got.JSON200.HeaderName)

	fields := []beproductapi.FieldUpdate{{Id: "header_number", Value: "S-DEMO-1"}, {Id: "header_name", Value: "Demo Trench"}}
	created, err := c.CreateStyleHeaderWithResponse(ctx, &beproductapi.CreateStyleHeaderParams{FolderId: beproducttest.FolderID("Style", 0)},
		beproductapi.HeaderWrite{Fields: &fields})
	if err != nil {
		return fmt.Errorf("create style: %w", err)
	}
	fmt.Fprintf(w, "beproduct: created style %s (id %s)\n", created.JSON200.HeaderNumber, created.JSON200.Id)

	rows := make([]beproductapi.GridRow, 250)
	for i := range rows {
		f := []beproductapi.FieldUpdate{{Id: "component", Value: fmt.Sprintf("Part %d", i+1)}}
		rows[i] = beproductapi.GridRow{RowFields: &f}
	}
	res, err := c.UpdatePageGrid(ctx, beproduct.Style, created.JSON200.Id, beproducttest.PageBOM, rows)
	if err != nil {
		return fmt.Errorf("grid write: %w", err)
	}
	fmt.Fprintf(w, "beproduct: wrote %d BOM rows in %d requests of at most %d records\n", res.Succeeded, res.Requests, beproduct.MaxWriteRecords)

	_, err = c.GetStyleHeaderWithResponse(ctx, "no-such-style")
	var be *beproduct.Error
	if !errors.Is(err, beproduct.ErrNotFound) || !errors.As(err, &be) {
		return fmt.Errorf("a missing style did not answer 404: %v", err)
	}
	fmt.Fprintf(w, "beproduct: missing style answered %d %q\n", be.StatusCode, be.Message)

	rl, ok := c.RateLimit()
	if !ok {
		return errors.New("no rate-limit headers seen")
	}
	fmt.Fprintf(w, "beproduct: rate limit: %d of %d requests left, window resets %s\n", rl.Remaining, rl.Limit, rl.Reset.Format(time.RFC3339))
	return nil
}

// bpBrowser plays the user's browser on the fake's authorize endpoint and
// returns the query of the redirect back to the app.
func bpBrowser(ctx context.Context, hc *http.Client, authorizeURL string) (url.Values, error) {
	nf := *hc
	nf.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authorizeURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := nf.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		return nil, fmt.Errorf("authorize answered %d", resp.StatusCode)
	}
	return loc.Query(), nil
}
