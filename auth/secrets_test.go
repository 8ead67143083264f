package auth

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// Recognisable secret values: none may show up in any error string.
const (
	secClient   = "SECRET-client-7f3a"
	secPassword = "SECRET-password-91bc"
	secRefresh  = "SECRET-refresh-55de"
	secCode     = "SECRET-code-0a1b"
	secAccess   = "SECRET-access-c0ff"
	secIDToken  = "SECRET-idtoken-beef"
	secQuery    = "SECRET-query-d00d"
)

var allSecrets = []string{secClient, secPassword, secRefresh, secCode, secAccess, secIDToken, secQuery}

// echoServer fails every call and echoes the whole request (form and
// Authorization header) into the error fields, as a careless server might.
func echoServer(t *testing.T, status int) *fakeServer {
	return newFakeServer(t, func(w http.ResponseWriter, r *http.Request, form url.Values) {
		echo := form.Encode() + " " + r.Header.Get("Authorization") + " " + r.URL.RawQuery
		writeJSON(w, status, map[string]any{"error": "invalid_request", "error_description": "bad request: " + echo, "error_uri": "https://docs/err?" + echo})
	})
}

func assertNoSecret(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: expected an error", what)
		return
	}
	msg := err.Error()
	for _, s := range allSecrets {
		if strings.Contains(msg, s) || strings.Contains(msg, url.QueryEscape(s)) {
			t.Errorf("%s: error contains secret %q: %s", what, s, msg)
		}
	}
}

func TestNoSecretsInErrors(t *testing.T) {
	ctx := context.Background()
	for _, status := range []int{400, 401, 200} {
		srv := echoServer(t, status)
		ep := oauth2.Endpoint{TokenURL: srv.URL + "/token", AuthURL: srv.URL + "/authorize"}
		epBasic := ep
		epBasic.AuthStyle = oauth2.AuthStyleInHeader

		_, err := PasswordGrant{Endpoint: ep, ClientID: "cid", ClientSecret: secClient, Username: "u", Password: secPassword, HTTPClient: srv.Client()}.Fetch(ctx, nil)
		assertNoSecret(t, "password grant", err)
		_, err = PasswordGrant{Endpoint: epBasic, ClientID: "cid", ClientSecret: secClient, Username: "u", Password: secPassword, HTTPClient: srv.Client()}.Fetch(ctx, nil)
		assertNoSecret(t, "password grant basic", err)
		_, err = ClientCredentials{Endpoint: epBasic, ClientID: "cid", ClientSecret: secClient, HTTPClient: srv.Client()}.Fetch(ctx, nil)
		assertNoSecret(t, "client credentials", err)
		_, err = RefreshGrant{Endpoint: ep, ClientID: "cid", ClientSecret: secClient, HTTPClient: srv.Client()}.Fetch(ctx, &oauth2.Token{AccessToken: secAccess, RefreshToken: secRefresh})
		assertNoSecret(t, "refresh grant", err)
		_, err = NewSource(RefreshGrant{Endpoint: ep, ClientSecret: secClient, HTTPClient: srv.Client()}, WithToken(&oauth2.Token{AccessToken: secAccess, RefreshToken: secRefresh})).ForceRefresh(ctx, nil)
		assertNoSecret(t, "source refresh", err)

		flow := CodeFlow{Endpoint: ep, ClientID: "cid", ClientSecret: secClient, HTTPClient: srv.Client()}
		a, _ := flow.Start(nil)
		_, err = flow.Exchange(ctx, a, url.Values{"code": {secCode}, "state": {a.State}})
		assertNoSecret(t, "code exchange", err)
		if status != 200 {
			err = Revoke(ctx, srv.Client(), RevokeRequest{URL: srv.URL, ClientID: "cid", ClientSecret: secClient, Token: secRefresh})
			assertNoSecret(t, "revoke", err)
		}
	}

	// Callbacks: forged or failed redirects carrying secrets.
	flow := CodeFlow{Endpoint: oauth2.Endpoint{AuthURL: "https://id/a", TokenURL: "https://id/t"}, ClientSecret: secClient}
	a, _ := flow.Start(nil)
	_, err := flow.Exchange(ctx, a, url.Values{"code": {secCode}, "state": {"forged"}})
	assertNoSecret(t, "forged callback", err)
	_, err = flow.Exchange(ctx, a, url.Values{"code": {secCode}, "state": {a.State}, "error": {"server_error"}})
	assertNoSecret(t, "error callback", err)
	_, err = ParseFragment(url.Values{"access_token": {secAccess}, "id_token": {secIDToken}, "state": {"forged"}}.Encode(), a.State)
	assertNoSecret(t, "forged fragment", err)
	_, err = ParseFragment(url.Values{"access_token": {secAccess}, "expires_in": {"x"}, "state": {a.State}}.Encode(), a.State)
	assertNoSecret(t, "bad fragment", err)

	// Successful status with a body that is not a token: the body is not quoted.
	for _, body := range []string{`{"token":"` + secAccess + `"}`, `<html>` + secAccess + `</html>`, `{"access_token":"` + secAccess + `","expires_in":"soon"}`} {
		srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ url.Values) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, body)
		})
		_, err := RequestToken(ctx, srv.Client(), oauth2.Endpoint{TokenURL: srv.URL}, "cid", secClient, nil)
		assertNoSecret(t, "malformed success", err)
	}

	// Transport failure with a secret in the token URL's query.
	dead := newFakeServer(t, jsonAnswer(200, nil))
	dead.Close()
	_, err = RequestToken(ctx, nil, oauth2.Endpoint{TokenURL: dead.URL + "/t?key=" + secQuery}, "cid", secClient, url.Values{"password": {secPassword}})
	assertNoSecret(t, "transport", err)
}
