package beproduct_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/replay"
)

// The environment variables that make OASUITE_RECORD=1 record against the
// real BeProduct service instead of the fake. BEPRODUCT_ACTAS_USER
// (optional) names the user the actas test impersonates there.
var credentialsEnv = []string{"BEPRODUCT_COMPANY", "BEPRODUCT_CLIENT_ID", "BEPRODUCT_CLIENT_SECRET", "BEPRODUCT_REFRESH_TOKEN"}

// replayEnv is one replay test's world: the recorder, and the values that
// are the fake's unless recording against the real service.
type replayEnv struct {
	hc      *http.Client
	fake    *beproducttest.Server
	cfg     beproduct.OAuthConfig
	company string
	refresh string
	onFake  bool // recording against the fake (so the fake may be driven directly)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func newReplay(t *testing.T, cassette string) *replayEnv {
	t.Helper()
	fake := newFake(t)
	hc := replay.New(t, "testdata/cassettes/"+cassette,
		replay.WithFake(fake.Origin(), "id.winks.io", "developers.beproduct.com"),
		replay.WithCredentialsEnv(credentialsEnv...), replay.WithSpec("beproduct", nil))
	recording := os.Getenv(replay.EnvRecord) == "1" && os.Getenv(replay.EnvCI) == ""
	real := true
	for _, n := range credentialsEnv {
		real = real && os.Getenv(n) != ""
	}
	e := &replayEnv{
		hc:      hc,
		fake:    fake,
		company: envOr("BEPRODUCT_COMPANY", beproducttest.TestCompany),
		onFake:  recording && !real,
		cfg: beproduct.OAuthConfig{ // production issuer: the cassettes hold production URLs
			ClientID:     envOr("BEPRODUCT_CLIENT_ID", beproducttest.TestClientID),
			ClientSecret: envOr("BEPRODUCT_CLIENT_SECRET", beproducttest.TestClientSecret),
			RedirectURL:  beproducttest.TestRedirectURL,
			HTTPClient:   hc,
		},
		refresh: os.Getenv("BEPRODUCT_REFRESH_TOKEN"),
	}
	if e.refresh == "" {
		e.refresh = "replayed-refresh-token" // matched by presence only when replaying
		if e.onFake {
			// Log in on the fake directly (not recorded) for a refresh token.
			id, err := beproduct.NewIdentity(context.Background(), oauthConfig(fake, &http.Client{}))
			if err != nil {
				t.Fatal(err)
			}
			e.refresh = login(t, context.Background(), id, &http.Client{}).Token.RefreshToken
		}
	}
	return e
}

func (e *replayEnv) client(t *testing.T, ts *auth.Source) *beproduct.Client {
	t.Helper()
	c, err := beproduct.New(context.Background(),
		beproduct.WithCompany(e.company),
		beproduct.WithHTTPClient(e.hc),
		beproduct.WithTokenSource(ts),
		beproduct.WithRetry(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestReplayCodeFlow(t *testing.T) {
	if os.Getenv(replay.EnvRecord) == "1" && os.Getenv("BEPRODUCT_REFRESH_TOKEN") != "" {
		t.Skip("the code flow needs a browser: not recorded against the real service")
	}
	ctx := context.Background()
	e := newReplay(t, "code_flow")
	flow := e.cfg.CodeFlow()
	at, err := flow.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(at.URL, "https://id.winks.io/ids/connect/authorize?") || at.Nonce == "" || at.Verifier == "" {
		t.Fatalf("attempt = %+v", at)
	}
	// The browser step: on the fake when recording, else a callback as the
	// identity server would send it (the code is matched by presence).
	cb := url.Values{"code": {"code-from-the-browser"}, "state": {at.State}}
	if e.onFake {
		u, _ := url.Parse(at.URL)
		cb = authorize(t, &http.Client{}, e.fake.Origin()+u.Path+"?"+u.RawQuery).Query()
	}
	tok, err := flow.Exchange(ctx, at, cb)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Extra("id_token") == nil {
		t.Fatal("exchange answer lacks a token")
	}
	c := e.client(t, e.cfg.TokenSource(tok))
	r, err := c.ListStyleFoldersWithResponse(ctx)
	if err != nil || len(*r.JSON200) == 0 {
		t.Fatalf("folders with the new token: %v", err)
	}
}

func TestReplayRefresh(t *testing.T) {
	ctx := context.Background()
	e := newReplay(t, "refresh")
	store := &auth.MemoryStore{}
	e.cfg.Store, e.cfg.StoreKey = store, "replay"
	c := e.client(t, e.cfg.RefreshSource(e.refresh))
	if _, err := c.ListUsersWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	// The server drops the access token: one refresh, one replay.
	if e.onFake {
		e.fake.ExpireTokens()
	}
	if _, err := c.ListUsersWithResponse(ctx); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	saved, err := store.Load(ctx, "replay")
	if err != nil || saved.RefreshToken == "" {
		t.Fatalf("rotated refresh token not saved: %v", err)
	}
	if e.onFake && e.fake.Refreshes() != 2 {
		t.Fatalf("refreshes = %d, want 2", e.fake.Refreshes())
	}
}

func TestReplayActAs(t *testing.T) {
	ctx := context.Background()
	e := newReplay(t, "actas")
	base := e.cfg.RefreshSource(e.refresh)
	as := e.cfg.ActAs(base, envOr("BEPRODUCT_ACTAS_USER", beproducttest.TestOtherUserID))
	c := e.client(t, as)
	r, err := c.GetUserByEmailWithResponse(ctx, &beproductapi.GetUserByEmailParams{Email: envOr("BEPRODUCT_ACTAS_EMAIL", beproducttest.TestOtherUserEmail)})
	if err != nil || r.JSON200.Id == "" {
		t.Fatalf("call as another user: %v", err)
	}
	if e.onFake && e.fake.TokensIssued("actas") != 1 {
		t.Fatal("no actas token issued")
	}
}

func TestReplayUserInfo(t *testing.T) {
	ctx := context.Background()
	e := newReplay(t, "userinfo")
	id, err := beproduct.NewIdentity(ctx, e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	ui, err := id.UserInfo(ctx, e.cfg.RefreshSource(e.refresh))
	if err != nil {
		t.Fatal(err)
	}
	if ui.Subject == "" || ui.Email == "" {
		t.Fatalf("userinfo = %+v", ui)
	}
	u, err := id.EndSessionURL("", beproducttest.TestPostLogoutURL, "")
	if err != nil || !strings.HasPrefix(u, "https://id.winks.io/ids/connect/endsession?") {
		t.Fatalf("end session = %q, %v", u, err)
	}
}

// TestReplayMasters records, per master: folders, a filtered list over
// several pages, get, create, update, delete and a 404.
func TestReplayMasters(t *testing.T) {
	for _, m := range beproduct.Masters() {
		t.Run(string(m), func(t *testing.T) {
			ctx := context.Background()
			e := newReplay(t, "master_"+strings.ToLower(string(m)))
			c := e.client(t, e.cfg.RefreshSource(e.refresh))
			api := apiFor(c, m)
			folders, err := api.folders(ctx)
			if err != nil || len(folders) == 0 {
				t.Fatalf("folders: %v", err)
			}
			var got []beproductapi.Header
			for h, err := range c.Headers(ctx, m, beproduct.ListOptions{
				Filters:  beproduct.Where(beproduct.FieldModifiedAt).Gte(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
				PageSize: 2,
			}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, h)
			}
			if len(got) < 3 {
				t.Fatalf("filtered paging gave %d headers", len(got))
			}
			// Several values travel "■"-joined, as the SDKs send them.
			var two []beproductapi.Header
			for h, err := range c.Headers(ctx, m, beproduct.ListOptions{
				Filters: beproduct.Where(beproduct.FieldHeaderNumber).In(fieldValue(&got[0], "header_number"), fieldValue(&got[1], "header_number")),
			}) {
				if err != nil {
					t.Fatal(err)
				}
				two = append(two, h)
			}
			if len(two) != 2 {
				t.Fatalf("In filter gave %d headers", len(two))
			}
			one, err := api.get(ctx, got[0].Id)
			if err != nil || one.Id != got[0].Id {
				t.Fatalf("get: %v", err)
			}
			number := fmt.Sprintf("OAS-%s-1", strings.ToUpper(string(m)[:3]))
			h, err := api.create(ctx, folders[0].Id, beproductapi.HeaderWrite{Fields: fields("header_number", number, "header_name", "oasuite replay")})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			up, err := api.update(ctx, h.Id, beproductapi.HeaderWrite{Fields: fields("header_name", "oasuite replay, updated")})
			if err != nil || fieldValue(up, "header_name") != "oasuite replay, updated" {
				t.Fatalf("update: %v", err)
			}
			if _, err := api.del(ctx, h.Id); err != nil {
				t.Fatalf("delete: %v", err)
			}
			_, err = api.get(ctx, h.Id)
			var be *beproduct.Error
			if !errors.Is(err, beproduct.ErrNotFound) || !errors.As(err, &be) || !strings.HasPrefix(be.URL, "https://developers.beproduct.com/api/") {
				t.Fatalf("get deleted: %v", err)
			}
		})
	}
}

// TestReplayUploads records a streamed multipart upload (an attachment and
// a header image), the processing-status poll, the attachments page and
// the removal: the multipart bytes are the same on every run (the boundary
// is derived from the file), so the cassette replays.
func TestReplayUploads(t *testing.T) {
	ctx := context.Background()
	e := newReplay(t, "uploads")
	c := e.client(t, e.cfg.RefreshSource(e.refresh))
	var hid string
	for h, err := range c.Headers(ctx, beproduct.Style, beproduct.ListOptions{PageSize: 1,
		Filters: beproduct.Where(beproduct.FieldHeaderNumber).Eq(envOr("BEPRODUCT_UPLOAD_STYLE", "S1001"))}) {
		if err != nil {
			t.Fatal(err)
		}
		hid = h.Id
	}
	if hid == "" {
		t.Fatal("no style to upload to")
	}
	page := envOr("BEPRODUCT_ATTACHMENTS_PAGE", beproducttest.PageAttachments)
	file := beproduct.FileFromBytes("oasuite-replay.txt", []byte("uploaded by the oasuite replay test\n")).WithContentType("text/plain")
	if _, err := c.UploadAttachment(ctx, beproduct.Style, hid, page, file); err != nil {
		t.Fatalf("attachment: %v", err)
	}
	r, err := c.GetStylePageWithResponse(ctx, &beproductapi.GetStylePageParams{HeaderId: hid, PageId: page})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := r.JSON200.Data.(map[string]any)["files"].([]any)
	found := false
	for _, f := range files {
		found = found || f.(map[string]any)["fileName"] == "oasuite-replay.txt"
	}
	if !found {
		t.Fatalf("attachment not listed: %v", r.JSON200.Data)
	}
	if err := c.RemoveAttachments(ctx, beproduct.Style, hid, page, "oasuite-replay.txt"); err != nil {
		t.Fatalf("remove: %v", err)
	}
	id, err := c.UploadHeaderImage(ctx, beproduct.Style, hid, beproduct.PositionSide, beproduct.FileFromBytes("oasuite-side.png", []byte("\x89PNG\r\n\x1a\n")))
	if err != nil || id == "" {
		t.Fatalf("image: %q, %v", id, err)
	}
	poll := 10 * time.Millisecond
	if os.Getenv("BEPRODUCT_REFRESH_TOKEN") != "" {
		poll = 2 * time.Second // the real service: spare the quota
	}
	st, err := c.WaitImageProcessing(ctx, beproduct.Style, id, beproduct.WaitOptions{Interval: poll, Timeout: 2 * time.Minute})
	if err != nil || !st.Finished {
		t.Fatalf("processing: %+v, %v", st, err)
	}
}
