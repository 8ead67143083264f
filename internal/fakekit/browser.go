package fakekit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Browse plays the user's browser for a fake's Authorize: it opens
// authURL with its scheme and host replaced by origin's (so production
// authorize URLs work against the fake), follows no redirect, and returns
// the parameters of the redirect back to the app: the query (code, state,
// error) or, for an implicit grant, the fragment. name prefixes errors. It
// fails when the fake answers without a redirect.
func Browse(ctx context.Context, hc *http.Client, origin, authURL, name string) (url.Values, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return nil, fmt.Errorf("%s: authorize URL: %w", name, err)
	}
	base, err := url.Parse(origin)
	if err != nil {
		return nil, fmt.Errorf("%s: origin: %w", name, err)
	}
	u.Scheme, u.Host = base.Scheme, base.Host
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: authorize: %w", name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther || loc == "" {
		return nil, fmt.Errorf("%s: authorize answered %d without a redirect: %s", name, resp.StatusCode, bytes.TrimSpace(body))
	}
	cb, err := url.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("%s: callback URL: %w", name, err)
	}
	if cb.RawQuery == "" && cb.Fragment != "" {
		return url.ParseQuery(cb.Fragment)
	}
	return cb.Query(), nil
}
