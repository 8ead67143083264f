package reliability

import (
	"context"
	"crypto/tls"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/internal/pipeline"
)

// refuseTransport fails every request it is handed: nothing may reach it.
type refuseTransport struct{ calls atomic.Int32 }

func (r *refuseTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.calls.Add(1)
	return nil, errors.New("the request reached the network")
}

// TestInsecureURLsRefused: every vendor client refuses plain-http API URLs and
// plain-http token endpoints to non-loopback hosts with an error matching
// auth.ErrInsecureURL, before anything is sent.
func TestInsecureURLsRefused(t *testing.T) {
	for _, v := range vendors() {
		for _, expired := range []bool{false, true} {
			name := v.name + "/api_url"
			if expired {
				// The first call must ask the token endpoint (also plain http).
				name = v.name + "/token_url"
			}
			t.Run(name, func(t *testing.T) {
				rt := &refuseTransport{}
				logs := &safeBuffer{}
				c, err := v.build(context.Background(), clientEnv{base: "http://api.example.test", expired: expired,
					hc: &http.Client{Transport: rt}, attempts: 2, maxWait: 10 * time.Millisecond,
					logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				err = c.get(context.Background())
				if !errors.Is(err, auth.ErrInsecureURL) {
					t.Errorf("err = %v (%T), want auth.ErrInsecureURL", err, err)
				}
				if n := rt.calls.Load(); n != 0 {
					t.Errorf("%d requests were sent over plain http", n)
				}
				assertNoSecrets(t, err, logs.String())
			})
		}
	}
}

// TestTokenEndpointScheme: auth's token and revocation calls refuse plain
// http except to loopback hosts; https and loopback pass.
func TestTokenEndpointScheme(t *testing.T) {
	srv := newAPIServer(t)
	port := strings.TrimPrefix(srv.URL, "http://127.0.0.1")
	params := url.Values{"grant_type": {"client_credentials"}}
	for _, tc := range []struct {
		url  string
		want bool // accepted
	}{
		{srv.URL + "/token", true},
		{"http://localhost" + port + "/token", true},
		{"http://api.example.test/token", false},
		{"http://127.0.0.1.nip.example/token", false},
		{"http://localhost.example.test/token", false},
		{"http://10.0.0.1/token", false},
		{"ftp://api.example.test/token", false},
	} {
		t.Run(tc.url, func(t *testing.T) {
			rt := &refuseTransport{}
			hc := &http.Client{Transport: rt}
			if tc.want {
				hc = srv.Client()
			}
			tok, err := auth.RequestToken(context.Background(), hc,
				oauth2.Endpoint{TokenURL: tc.url}, testClientID, secretClient, params)
			if tc.want {
				if err != nil || tok.AccessToken == "" {
					t.Fatalf("loopback token call: %v", err)
				}
				return
			}
			if !errors.Is(err, auth.ErrInsecureURL) {
				t.Errorf("RequestToken err = %v, want auth.ErrInsecureURL", err)
			}
			err2 := auth.Revoke(context.Background(), hc, auth.RevokeRequest{URL: tc.url, ClientID: testClientID,
				ClientSecret: secretClient, Token: secretRefresh0})
			if !errors.Is(err2, auth.ErrInsecureURL) {
				t.Errorf("Revoke err = %v, want auth.ErrInsecureURL", err2)
			}
			if rt.calls.Load() != 0 {
				t.Error("a credential was sent over plain http")
			}
			assertNoSecrets(t, err, "")
			assertNoSecrets(t, err2, "")
		})
	}
	srv.Client().CloseIdleConnections()
}

// TestCheckURL pins the loopback rule the pipeline and auth share.
func TestCheckURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://api.bqecore.com/api":     true,
		"http://127.0.0.1:8080/x":         true,
		"http://127.8.9.10/x":             true,
		"http://[::1]:9000/x":             true,
		"http://LOCALHOST/x":              true,
		"http://api.bqecore.com/api":      false,
		"http://127.0.0.1.evil.example/x": false,
		"http://[::ffff:10.0.0.1]/x":      false,
		"http://0.0.0.0/x":                false,
		"ws://127.0.0.1/x":                false,
		"http://u:pw@api.example.test/?access_token=" + secretAccess0: false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		err = pipeline.CheckURL(u)
		if (err == nil) != ok {
			t.Errorf("CheckURL(%s) = %v, want accepted=%v", raw, err, ok)
		}
		if err != nil {
			var ie *pipeline.InsecureURLError
			if !errors.As(err, &ie) || !errors.Is(err, auth.ErrInsecureURL) {
				t.Errorf("CheckURL(%s) = %T, want *InsecureURLError matching auth.ErrInsecureURL", raw, err)
			}
			assertNoSecrets(t, err, "")
			if strings.Contains(err.Error(), "pw@") {
				t.Errorf("user info kept in %q", err)
			}
		}
	}
}

// tls11Server answers only TLS 1.0 and 1.1.
func tls11Server(t *testing.T) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	srv.Config.ErrorLog = nil
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func isVersionError(err error) bool {
	return err != nil && strings.Contains(err.Error(), "protocol version")
}

// TestDefaultTransportTLS12: the transport used when no HTTP client is given
// refuses servers that offer less than TLS 1.2 — for every vendor client and
// for auth's token calls. The version is negotiated before the certificate is
// checked, so an untrusted test certificate does not hide the refusal.
func TestDefaultTransportTLS12(t *testing.T) {
	if tr, ok := pipeline.DefaultBase().(*http.Transport); !ok || tr.TLSClientConfig == nil || tr.TLSClientConfig.MinVersion < tls.VersionTLS12 {
		t.Fatalf("pipeline.DefaultBase does not require TLS 1.2")
	}
	old := tls11Server(t)
	for _, v := range vendors() {
		t.Run(v.name, func(t *testing.T) {
			c, err := v.build(context.Background(), clientEnv{base: old.URL, attempts: 1, maxWait: time.Millisecond,
				logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.get(context.Background()); !isVersionError(err) {
				t.Errorf("err = %v, want a TLS protocol-version refusal", err)
			}
		})
	}
	t.Run("auth.RequestToken", func(t *testing.T) {
		_, err := auth.RequestToken(context.Background(), nil, oauth2.Endpoint{TokenURL: old.URL + "/token"},
			testClientID, secretClient, url.Values{"grant_type": {"client_credentials"}})
		if !isVersionError(err) {
			t.Errorf("err = %v, want a TLS protocol-version refusal", err)
		}
		assertNoSecrets(t, err, "")
	})
	// The same server with TLS 1.2 allowed is reachable with the default
	// transport once its certificate is trusted: the refusal above is the version.
	ok := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer ok.Close()
	tr := pipeline.DefaultBase().(*http.Transport)
	tr.TLSClientConfig.RootCAs = ok.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(ok.URL)
	if err != nil {
		t.Fatalf("TLS 1.2+ server: %v", err)
	}
	resp.Body.Close()
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("negotiated %v", resp.TLS)
	}
}

// TestFileStoreModes: the token files a Source writes through auth.FileStore
// (and every other file the store keeps, lock files included) are 0600, in a
// 0700 directory.
func TestFileStoreModes(t *testing.T) {
	srv := newAPIServer(t)
	dir := filepath.Join(t.TempDir(), "tokens")
	store := auth.FileStore(dir)
	src := auth.NewSource(auth.RefreshGrant{Endpoint: oauth2.Endpoint{TokenURL: srv.URL + "/token"},
		ClientID: testClientID, ClientSecret: secretClient, HTTPClient: srv.Client()},
		auth.WithToken(&oauth2.Token{AccessToken: secretAccess0, RefreshToken: secretRefresh0, Expiry: time.Now().Add(-time.Minute)}),
		auth.WithStore(store, "user@example.com/bqe"))
	if _, err := src.Token(); err != nil {
		t.Fatal(err)
	}
	if _, err := src.ForceRefresh(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", st.Mode().Perm())
	}
	files := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", d.Name(), info.Mode().Perm())
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("walk: %v, %d files", err, files)
	}
	tok, err := store.Load(context.Background(), "user@example.com/bqe")
	if err != nil || tok.RefreshToken != srv.refresh {
		t.Errorf("stored refresh token is not the latest rotated one (err %v)", err)
	}
	srv.Client().CloseIdleConnections()
}

// TestTokenRedirectToPlainHTTP: a token endpoint that redirects (307, which
// re-sends the form with its secrets) to a plain-http, non-loopback URL is
// not followed.
func TestTokenRedirectToPlainHTTP(t *testing.T) {
	var followed atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://api.example.test/token", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	base := srv.Client().Transport
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Host != strings.TrimPrefix(srv.URL, "http://") {
			followed.Add(1)
			return nil, errors.New("the redirect was followed over plain http")
		}
		return base.RoundTrip(r)
	})}
	_, err := auth.RequestToken(context.Background(), hc, oauth2.Endpoint{TokenURL: srv.URL + "/token"},
		testClientID, secretClient, url.Values{"grant_type": {"password"}, "password": {secretPassword}})
	if !errors.Is(err, auth.ErrInsecureURL) || followed.Load() != 0 {
		t.Errorf("err = %v (followed %d), want auth.ErrInsecureURL and no request", err, followed.Load())
	}
	assertNoSecrets(t, err, "")
	srv.Client().CloseIdleConnections()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
