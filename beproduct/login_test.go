package beproduct_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
)

func TestCodeFlowPKCEStateNonce(t *testing.T) {
	ctx := context.Background()
	fake := newFake(t)
	hc := &http.Client{}
	id, err := beproduct.NewIdentity(ctx, oauthConfig(fake, hc))
	if err != nil {
		t.Fatal(err)
	}
	at, err := id.StartLogin(map[string]string{"return": "/styles"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(at.URL)
	q := u.Query()
	for k, want := range map[string]string{
		"response_type": "code", "client_id": beproducttest.TestClientID,
		"redirect_uri": beproducttest.TestRedirectURL, "code_challenge_method": "S256",
		"scope": "openid profile email roles offline_access BeProductPublicApi",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("authorize %s = %q, want %q", k, got, want)
		}
	}
	if q.Get("state") == "" || q.Get("nonce") == "" || q.Get("code_challenge") == "" {
		t.Fatalf("authorize URL lacks state, nonce or PKCE: %s", at.URL)
	}
	loc := authorize(t, hc, at.URL)

	// A forged callback (other state) is refused without a token request.
	forged := loc.Query()
	forged.Set("state", "forged")
	if _, err := id.FinishLogin(ctx, at, forged); !errors.Is(err, auth.ErrStateMismatch) {
		t.Fatalf("forged state: err = %v, want ErrStateMismatch", err)
	}
	// The ID token's nonce must be the attempt's.
	wrong := *at
	wrong.Nonce = "another-nonce"
	if _, err := id.FinishLogin(ctx, &wrong, loc.Query()); !errors.Is(err, auth.ErrNonceMismatch) {
		t.Fatalf("wrong nonce: err = %v, want ErrNonceMismatch", err)
	}

	// The code was spent by the nonce check's exchange: log in again.
	sess := login(t, ctx, id, hc)
	if sess.IDToken.Subject != beproducttest.TestUserID {
		t.Errorf("subject = %q, want %q", sess.IDToken.Subject, beproducttest.TestUserID)
	}
	if sess.Token.RefreshToken == "" {
		t.Error("code flow with offline_access gave no refresh token")
	}
	var payload map[string]string
	if err := auth.DecodeState(at.State, &payload); err != nil || payload["return"] != "/styles" {
		t.Errorf("state payload = %v, %v", payload, err)
	}
}

func TestBrowserLoginIDTokenToken(t *testing.T) {
	ctx := context.Background()
	fake := newFake(t)
	hc := &http.Client{}
	id, err := beproduct.NewIdentity(ctx, oauthConfig(fake, hc))
	if err != nil {
		t.Fatal(err)
	}
	at, err := id.StartBrowserLogin(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(at.URL)
	if got := u.Query().Get("response_type"); got != "id_token token" {
		t.Fatalf("response_type = %q", got)
	}
	loc := authorize(t, hc, at.URL)
	if loc.Fragment == "" {
		t.Fatalf("no fragment in %s", loc.Redacted())
	}
	wrong := *at
	wrong.Nonce = "other"
	if _, err := id.FinishBrowserLogin(ctx, &wrong, loc.String()); !errors.Is(err, auth.ErrNonceMismatch) {
		t.Fatalf("wrong nonce: %v", err)
	}
	badState := *at
	badState.State = "other"
	if _, err := id.FinishBrowserLogin(ctx, &badState, "#"+loc.Fragment); !errors.Is(err, auth.ErrStateMismatch) {
		t.Fatalf("wrong state: %v", err)
	}
	sess, err := id.FinishBrowserLogin(ctx, at, "#"+loc.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	if sess.IDToken.Subject != beproducttest.TestUserID || sess.Token.AccessToken == "" {
		t.Fatalf("session = %+v", sess.IDToken)
	}
	// The access token works against the API.
	c := newClient(t, fake, oauth2.StaticTokenSource(sess.Token))
	if _, err := c.ListStyleFoldersWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestRefreshRotationPersisted(t *testing.T) {
	ctx := context.Background()
	fake := newFake(t)
	hc := &http.Client{}
	store := &auth.MemoryStore{}
	cfg := oauthConfig(fake, hc)
	cfg.Store, cfg.StoreKey = store, "acme-user"
	id, err := beproduct.NewIdentity(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sess := login(t, ctx, id, hc)
	first := sess.Token.RefreshToken
	c := newClient(t, fake, id.TokenSource(sess))

	if _, err := c.ListStyleFoldersWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	// The server drops the access token: the pipeline refreshes once and
	// replays the call once.
	fake.ExpireTokens()
	before := fake.Requests("listStyleFolders")
	if _, err := c.ListStyleFoldersWithResponse(ctx); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if got := fake.Refreshes(); got != 1 {
		t.Errorf("refreshes = %d, want 1", got)
	}
	if got := fake.Requests("listStyleFolders") - before; got != 1 {
		t.Errorf("served after expiry = %d, want 1 (the replay)", got)
	}
	saved, err := store.Load(ctx, "acme-user")
	if err != nil {
		t.Fatal(err)
	}
	if saved.RefreshToken == "" || saved.RefreshToken == first {
		t.Fatal("the rotated refresh token was not persisted")
	}
	// The old refresh token no longer works; the saved one does.
	cfg.Store = nil
	if _, err := cfg.RefreshSource(first).Token(); err == nil {
		t.Fatal("old refresh token still accepted")
	} else if strings.Contains(err.Error(), first) {
		t.Fatal("error shows the refresh token")
	}
	if _, err := cfg.RefreshSource(saved.RefreshToken).Token(); err != nil {
		t.Fatalf("saved refresh token: %v", err)
	}
}

func TestUnauthorizedWithoutRefresh(t *testing.T) {
	ctx := context.Background()
	fake := newFake(t)
	c := newClient(t, fake, auth.StaticToken("not-a-token"))
	_, err := c.ListStyleFoldersWithResponse(ctx)
	var be *beproduct.Error
	if !errors.As(err, &be) || !errors.Is(err, beproduct.ErrUnauthorized) {
		t.Fatalf("err = %v, want *Error 401", err)
	}
}

func TestActAs(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	cfg := e.id.Config()
	as := cfg.ActAs(e.ts, beproducttest.TestOtherUserID)
	tok, err := as.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" {
		t.Fatal("no access token")
	}
	ui, err := e.id.UserInfo(ctx, as)
	if err != nil {
		t.Fatal(err)
	}
	if ui.Subject != beproducttest.TestOtherUserID || ui.Email != beproducttest.TestOtherUserEmail {
		t.Fatalf("userinfo as other = %+v", ui)
	}
	// The impersonated token works against the API.
	c := newClient(t, e.fake, as)
	if _, err := c.ListUsersWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.ActAs(e.ts, "no-such-user").Token(); err == nil {
		t.Fatal("actas an unknown user succeeded")
	}
	var te *auth.TokenError
	if _, err := cfg.ActAs(auth.StaticToken("bogus"), beproducttest.TestOtherUserID).Token(); !errors.As(err, &te) || te.ErrorCode != "invalid_grant" {
		t.Fatalf("actas with a bad caller token: %v", err)
	}
}

func TestUserInfoAndEndSession(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	ui, err := e.id.UserInfo(ctx, e.ts)
	if err != nil {
		t.Fatal(err)
	}
	if ui.Subject != beproducttest.TestUserID || ui.PreferredUsername != beproducttest.TestUser ||
		ui.Email != beproducttest.TestUserEmail || !ui.Verified() ||
		ui.Profile.FirstName != "John" || ui.Profile.LastName != "Smith" || ui.Profile.Extra["company"] != beproducttest.TestCompany {
		t.Fatalf("userinfo = %+v", ui)
	}
	u, err := e.id.EndSessionURL(e.sess.RawIDToken, beproducttest.TestPostLogoutURL, "bye")
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse(u)
	if pu.Path != "/ids/connect/endsession" || pu.Query().Get("id_token_hint") != e.sess.RawIDToken ||
		pu.Query().Get("post_logout_redirect_uri") != beproducttest.TestPostLogoutURL {
		t.Fatalf("end session URL = %s", pu.Redacted())
	}
	nf := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := nf.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), beproducttest.TestPostLogoutURL) {
		t.Fatalf("end session answered %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestScopesAndEndpoint(t *testing.T) {
	got := strings.Join(beproduct.DefaultScopes(), " ")
	if got != "openid profile email roles offline_access BeProductPublicApi" {
		t.Fatalf("DefaultScopes = %q", got)
	}
	ep := beproduct.OAuthConfig{}.Endpoint()
	if ep.AuthURL != "https://id.winks.io/ids/connect/authorize" || ep.TokenURL != "https://id.winks.io/ids/connect/token" {
		t.Fatalf("endpoint = %+v", ep)
	}
	bf := beproduct.OAuthConfig{ClientID: "x"}.BrowserFlow()
	if bf.ResponseType != "id_token token" || !bf.Nonce || strings.Contains(strings.Join(bf.Scopes, " "), "offline_access") {
		t.Fatalf("browser flow = %+v", bf)
	}
}
