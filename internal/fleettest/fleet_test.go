package fleettest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/auth/redisstore"
	"github.com/oasuite/sdk/internal/fakekit"
	"github.com/oasuite/sdk/internal/redistest"
)

func TestMain(m *testing.M) {
	if role := os.Getenv(envRole); role != "" {
		os.Exit(member(role))
	}
	os.Exit(m.Run())
}

// vendor is the fake vendor the fleet talks to: an OAuth server that rotates
// refresh tokens and one API endpoint that counts what it sees.
type vendor struct {
	OAuth *fakekit.OAuth
	URL   string
	Calls atomic.Int64 // API requests seen
	OK    atomic.Int64 // API requests answered 200

	// expiresIn is what token answers announce as expires_in (seconds).
	expiresIn atomic.Int64
	mu        sync.Mutex
	refreshes []refreshRec
	latest    string            // access token of the latest refresh
	lastOK    map[string]string // worker → access token of its latest 200
}

type refreshRec struct {
	at        time.Time
	expiresIn int64
}

func newVendor(t *testing.T, requireToken bool) *vendor {
	t.Helper()
	v := &vendor{lastOK: map[string]string{}}
	v.expiresIn.Store(3600)
	v.OAuth = fakekit.NewOAuth(fakekit.OAuthConfig{
		Clients:             []fakekit.Client{{ID: clientID, Secret: clientSecret}},
		Users:               []fakekit.User{{Login: "ann", Password: "pw"}},
		Refresh:             fakekit.RefreshAlways,
		RotateRefreshTokens: true,
		TokenResponse: func(_ *http.Request, g *fakekit.Grant, body map[string]any) any {
			ei := v.expiresIn.Load()
			body["expires_in"] = ei
			if g.GrantType == fakekit.GrantRefreshToken {
				v.mu.Lock()
				v.refreshes = append(v.refreshes, refreshRec{at: time.Now(), expiresIn: ei})
				v.latest, _ = body["access_token"].(string)
				v.mu.Unlock()
			}
			return body
		},
	})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", v.OAuth.Token)
	mux.HandleFunc("GET /api/ping", func(w http.ResponseWriter, r *http.Request) {
		v.Calls.Add(1)
		if requireToken {
			if _, ok := v.OAuth.Authenticate(r); !ok {
				fakekit.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
				return
			}
		}
		v.OK.Add(1)
		if w := r.Header.Get(workerHeader); w != "" {
			v.mu.Lock()
			v.lastOK[w] = fakekit.BearerToken(r)
			v.mu.Unlock()
		}
		fakekit.WriteJSON(w, http.StatusOK, map[string]string{"pong": "ok"})
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	v.URL = hs.URL
	return v
}

// onLatest reports whether n workers have had a call succeed with the token
// of the latest refresh. A worker is sequential, so once it has, none of its
// calls still carries an older token or waits for a replay.
func (v *vendor) onLatest(n int) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	c := 0
	for _, tok := range v.lastOK {
		if tok == v.latest {
			c++
		}
	}
	return c >= n
}

func (v *vendor) refreshLog() []refreshRec {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]refreshRec(nil), v.refreshes...)
}

// login gets the fleet's first token (a password grant standing in for the
// code exchange a real app does once) and stores it for the fleet.
func (v *vendor) login(t *testing.T, store *redisstore.Store, expired bool) *oauth2.Token {
	t.Helper()
	ep := oauth2.Endpoint{TokenURL: v.URL + "/token", AuthStyle: oauth2.AuthStyleInHeader}
	tok, err := auth.PasswordGrant{Endpoint: ep, ClientID: clientID, ClientSecret: clientSecret, Username: "ann", Password: "pw"}.Fetch(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if expired {
		tok.Expiry = time.Now().Add(-time.Minute)
	}
	if err := store.Save(context.Background(), tokenKey, tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

// proc is a running fleet member.
type proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // stdout, line by line
	stderr bytes.Buffer
	done   chan struct{}
	out    []string // every stdout line, after done
}

func start(t *testing.T, role string, env ...string) *proc {
	t.Helper()
	p := &proc{lines: make(chan string, 16), done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "-test.run=^$")
	p.cmd.Env = append(append(os.Environ(), envRole+"="+role), env...)
	p.cmd.Stderr = &p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.out = append(p.out, sc.Text())
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		_ = p.cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// finish tells the member to stop and returns its result.
func (p *proc) finish(t *testing.T) *result {
	t.Helper()
	p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("member did not stop; stderr: %s", p.stderr.String())
	}
	if !p.cmd.ProcessState.Success() {
		t.Fatalf("member failed: %v; stderr: %s", p.cmd.ProcessState, p.stderr.String())
	}
	res, _, err := readResult(bytes.NewReader([]byte(joinLines(p.out))))
	if err != nil {
		t.Fatalf("member result: %v; stderr: %s", err, p.stderr.String())
	}
	return res
}

func joinLines(ls []string) string {
	var b bytes.Buffer
	for _, l := range ls {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestFleetSharesRotatingToken: 8 processes × 50 goroutines call the fake
// vendor with one shared grant whose refresh token rotates on every use.
// Phase 1: tokens live 2s and are refreshed 500ms early, on the clock.
// Phase 2: tokens live an hour and the vendor expires them 5 times; each
// time the 401 forces a refresh. Every expiry costs exactly one refresh
// fleet-wide, and no refresh token is ever lost (no invalid_grant).
func TestFleetSharesRotatingToken(t *testing.T) {
	const (
		processes  = 8
		goroutines = 50
		ttl        = 2 // seconds, phase 1
		skew       = 500 * time.Millisecond
		phase1     = 3 // refreshes on the clock
		rounds     = 5 // server-side expiries in phase 2
	)
	srv := redistest.Start(t)
	v := newVendor(t, true)
	v.expiresIn.Store(ttl)
	v.login(t, redisstore.New(srv.Client(t)), false)

	var procs []*proc
	for range processes {
		procs = append(procs, start(t, "tokens",
			envRedis+"="+srv.Addr, envURL+"="+v.URL,
			envGoroutines+"="+strconv.Itoa(goroutines), envSkew+"="+skew.String(), envLockTTL+"=2s", envPace+"=100ms"))
	}

	// Phase 1: expiry by the clock.
	waitFor(t, "the clock-driven refreshes", 60*time.Second, func() bool { return v.OAuth.Refreshes() >= phase1 })
	v.expiresIn.Store(3600)
	waitFor(t, "a long-lived token", 30*time.Second, func() bool {
		log := v.refreshLog()
		return log[len(log)-1].expiresIn == 3600
	})
	log := v.refreshLog()
	clockRefreshes := len(log)
	for i := 1; i < len(log); i++ {
		// Refresh i replaced a token that lived ttl seconds from its issue;
		// an earlier one means two processes refreshed the same token.
		if gap := log[i].at.Sub(log[i-1].at); gap < ttl*time.Second-skew-50*time.Millisecond {
			t.Errorf("refresh %d came %v after refresh %d: before its token was due", i+1, gap, i)
		}
	}

	// Phase 2: the vendor expires the token; the 401 forces the refresh.
	// Before each expiry every worker has worked with the current token: a
	// call is refreshed and replayed once, so a call whose replay straddled
	// two expiries would fail (real expiries are hours apart; a loaded test
	// machine can stretch a call past a second).
	workers := processes * goroutines
	waitFor(t, "every worker on the long-lived token", time.Minute, func() bool { return v.onLatest(workers) })
	base := v.OAuth.Refreshes()
	for r := 1; r <= rounds; r++ {
		v.OAuth.ExpireAccessTokens()
		waitFor(t, fmt.Sprintf("the refresh of expiry %d", r), time.Minute, func() bool { return v.OAuth.Refreshes() >= base+r })
		waitFor(t, "every worker on the new token", time.Minute, func() bool { return v.onLatest(workers) })
		if got := v.OAuth.Refreshes() - base; got != r {
			t.Fatalf("expiry %d: %d refreshes in phase 2, want %d", r, got, r)
		}
	}

	var total result
	for _, p := range procs {
		res := p.finish(t)
		total.OK += res.OK
		total.Failed += res.Failed
		total.Fetches += res.Fetches
		for e, n := range res.Errors {
			t.Errorf("a process saw %d× %s", n, e)
		}
	}
	refreshes := v.OAuth.Refreshes()
	stats := v.OAuth.Stats()
	if n := stats.Errors[fakekit.ErrCodeInvalidGrant]; n != 0 {
		t.Fatalf("%d invalid_grant answers: refresh tokens were lost", n)
	}
	if got := refreshes - base; got != rounds {
		t.Fatalf("%d refreshes for %d server-side expiries", got, rounds)
	}
	if total.Fetches != int64(refreshes) {
		t.Errorf("processes made %d refresh calls, the vendor counted %d", total.Fetches, refreshes)
	}
	if total.Failed != 0 || total.OK == 0 || total.OK != v.OK.Load() {
		t.Fatalf("calls: %d ok, %d failed; vendor answered %d ok", total.OK, total.Failed, v.OK.Load())
	}
	// The stored refresh token is the live one.
	stored, err := redisstore.New(srv.Client(t)).Load(context.Background(), tokenKey)
	if err != nil {
		t.Fatal(err)
	}
	ep := oauth2.Endpoint{TokenURL: v.URL + "/token", AuthStyle: oauth2.AuthStyleInHeader}
	if _, err := (auth.RefreshGrant{Endpoint: ep, ClientID: clientID, ClientSecret: clientSecret}).Fetch(context.Background(), stored); err != nil {
		t.Fatalf("the stored refresh token is dead: %v", err)
	}
	t.Logf("fleet: %d processes × %d goroutines; %d API calls (%d answered 401 and were replayed after a refresh); "+
		"%d refreshes: %d on the clock (tokens of %ds, refreshed %v early), %d for %d server-side expiries; 0 invalid_grant",
		processes, goroutines, v.Calls.Load(), v.Calls.Load()-v.OK.Load(), refreshes, clockRefreshes, ttl, skew, rounds, rounds)
}

// TestFleetHolderKilledMidRefresh: a process takes the lock, starts its
// refresh and is killed with SIGKILL. Its lock outlives it (nobody can
// release it) until the TTL lapses; then another process refreshes.
func TestFleetHolderKilledMidRefresh(t *testing.T) {
	const lockTTL = 2 * time.Second
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	v := newVendor(t, true)
	seed := v.login(t, redisstore.New(rdb), true)
	env := []string{envRedis + "=" + srv.Addr, envURL + "=" + v.URL, envLockTTL + "=" + lockTTL.String()}
	lockKey := redisstore.DefaultPrefix + tokenKey + ":lock"

	holder := start(t, "hold", env...)
	select {
	case l := <-holder.lines:
		if l != "refreshing" {
			t.Fatalf("holder said %q", l)
		}
	case <-holder.done:
		t.Fatalf("holder exited: %s", holder.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("holder never started its refresh")
	}
	// While the holder lives, its lock survives well past the TTL.
	time.Sleep(lockTTL + lockTTL/2)
	if ttl, err := rdb.PTTL(ctx, lockKey).Result(); err != nil || ttl <= 0 {
		t.Fatalf("live holder's lock: PTTL %v, %v", ttl, err)
	}
	if err := holder.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-holder.done
	if ws, _ := holder.cmd.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("holder ended with %v, want SIGKILL", holder.cmd.ProcessState)
	}
	ttlAtDeath, err := rdb.PTTL(ctx, lockKey).Result()
	if err != nil || ttlAtDeath <= 0 {
		t.Fatalf("the dead holder's lock should still be there: PTTL %v, %v", ttlAtDeath, err)
	}

	next := start(t, "once", env...)
	res := next.finish(t)
	if res.OK != 1 || res.Fetches != 1 {
		t.Fatalf("the next process: %+v, want one successful refresh", res)
	}
	if n := v.OAuth.Refreshes(); n != 1 {
		t.Fatalf("vendor counted %d refreshes, want 1", n)
	}
	if n := v.OAuth.Stats().Errors[fakekit.ErrCodeInvalidGrant]; n != 0 {
		t.Fatalf("%d invalid_grant answers", n)
	}
	if n, _ := rdb.Exists(ctx, lockKey).Result(); n != 0 {
		t.Fatal("lock left behind")
	}
	stored, err := redisstore.New(rdb).Load(ctx, tokenKey)
	if err != nil {
		t.Fatal(err)
	}
	if stored.RefreshToken == seed.RefreshToken || !stored.Valid() {
		t.Fatal("the stored token was not replaced by the refresh")
	}
	t.Logf("holder killed with %v of lock left; the next process waited %dms and refreshed once", ttlAtDeath, res.WaitedMS)
}

// TestFleetLimiterHoldsBudget: 6 processes × 20 goroutines hammer the fake
// vendor through one Redis budget of 300 requests. The vendor sees exactly
// 300; every goroutine then gets the typed error, and keeps getting it.
func TestFleetLimiterHoldsBudget(t *testing.T) {
	const processes, goroutines, budget = 6, 20, 300
	srv := redistest.Start(t)
	v := newVendor(t, false)
	var procs []*proc
	for range processes {
		procs = append(procs, start(t, "limit",
			envRedis+"="+srv.Addr, envURL+"="+v.URL, envGoroutines+"="+strconv.Itoa(goroutines),
			envBudget+"=beproduct:acme", envLimit+"="+strconv.Itoa(budget)))
	}
	var total result
	for _, p := range procs {
		res := p.finish(t)
		total.OK += res.OK
		total.Failed += res.Failed
		total.Exceeded += res.Exceeded
		for e, n := range res.Errors {
			t.Errorf("a process saw %d× %s", n, e)
		}
	}
	if got := v.Calls.Load(); got > budget {
		t.Fatalf("the vendor saw %d requests, over the budget of %d", got, budget)
	}
	if got := v.Calls.Load(); got != budget || total.OK != budget {
		t.Fatalf("the vendor saw %d requests and callers %d successes; want the whole budget, %d", got, total.OK, budget)
	}
	if want := int64(processes * goroutines * 5); total.Exceeded != want || total.Failed != 0 {
		t.Fatalf("%d refusals and %d other failures; want %d refusals (5 per goroutine)", total.Exceeded, total.Failed, want)
	}
	t.Logf("limiter: %d processes × %d goroutines, budget %d: the vendor saw %d requests; callers got %d ok and %d typed refusals",
		processes, goroutines, budget, v.Calls.Load(), total.OK, total.Exceeded)
}
