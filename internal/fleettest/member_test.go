package fleettest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/auth/redisstore"
	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/ratelimit"
	"github.com/oasuite/sdk/ratelimit/redislimit"
)

// Environment of a fleet member.
const (
	envRole       = "OASUITE_FLEET_ROLE" // tokens | hold | once | limit
	envRedis      = "OASUITE_FLEET_REDIS"
	envURL        = "OASUITE_FLEET_URL" // the fake: /token and /api/ping
	envGoroutines = "OASUITE_FLEET_GOROUTINES"
	envLockTTL    = "OASUITE_FLEET_LOCK_TTL"
	envSkew       = "OASUITE_FLEET_SKEW"
	envBudget     = "OASUITE_FLEET_BUDGET"
	envLimit      = "OASUITE_FLEET_LIMIT"
	envPace       = "OASUITE_FLEET_PACE" // a goroutine waits pace to 2×pace between calls
)

const (
	workerHeader = "X-Fleet-Worker"
	clientID     = "app"
	clientSecret = "s3cret"
	tokenKey     = "beproduct:acme"
)

// result is what a member prints as its last line.
type result struct {
	Role     string         `json:"role"`
	OK       int64          `json:"ok"`       // API calls answered 2xx
	Failed   int64          `json:"failed"`   // API calls that failed otherwise
	Exceeded int64          `json:"exceeded"` // calls refused by the limiter
	Fetches  int64          `json:"fetches"`  // refreshes this process made
	WaitedMS int64          `json:"waited_ms"`
	Errors   map[string]int `json:"errors,omitempty"`
}

// member runs one fleet member and returns its exit code.
func member(role string) int {
	res, err := runMember(role)
	if err != nil {
		fmt.Fprintln(os.Stderr, "member:", err)
		return 2
	}
	b, _ := json.Marshal(res)
	fmt.Println(string(b))
	return 0
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func envDur(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}

func runMember(role string) (*result, error) {
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv(envRedis), Protocol: 2, DisableIdentity: true})
	defer rdb.Close()
	base := os.Getenv(envURL)
	g := envInt(envGoroutines, 1)
	store := redisstore.New(rdb, redisstore.WithLockTTL(envDur(envLockTTL, time.Second)))
	ep := oauth2.Endpoint{TokenURL: base + "/token", AuthStyle: oauth2.AuthStyleInHeader}
	grant := auth.RefreshGrant{Endpoint: ep, ClientID: clientID, ClientSecret: clientSecret}
	res := &result{Role: role}
	// stop closes when the parent closes our stdin (or dies).
	stop := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(stop) }()

	switch role {
	case "tokens":
		var fetches atomic.Int64
		f := auth.FetcherFunc(func(ctx context.Context, cur *oauth2.Token) (*oauth2.Token, error) {
			fetches.Add(1)
			return grant.Fetch(ctx, cur)
		})
		src := auth.NewSource(f, auth.WithStore(store, tokenKey), auth.WithSkew(envDur(envSkew, 0)))
		doer := newDoer(pipeline.Config{Tokens: src}, g)
		hammer(res, g, stop, func(worker string) error { return ping(doer, base, worker) }, nil)
		res.Fetches = fetches.Load()
	case "hold":
		// Takes the lock and never finishes the refresh: the parent kills us.
		f := auth.FetcherFunc(func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
			fmt.Println("refreshing")
			<-stop
			return nil, errors.New("stopped")
		})
		_, err := auth.NewSource(f, auth.WithStore(store, tokenKey)).TokenContext(context.Background())
		return nil, fmt.Errorf("hold: not killed (%v)", err)
	case "once":
		var fetches atomic.Int64
		f := auth.FetcherFunc(func(ctx context.Context, cur *oauth2.Token) (*oauth2.Token, error) {
			fetches.Add(1)
			return grant.Fetch(ctx, cur)
		})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		start := time.Now()
		tok, err := auth.NewSource(f, auth.WithStore(store, tokenKey)).TokenContext(ctx)
		res.WaitedMS = time.Since(start).Milliseconds()
		res.Fetches = fetches.Load()
		if err != nil {
			res.Failed = 1
			res.Errors = map[string]int{err.Error(): 1}
		} else if tok.Valid() {
			res.OK = 1
		}
	case "limit":
		lim, err := redislimit.New(rdb, redislimit.Config{
			Budget: os.Getenv(envBudget),
			Windows: []ratelimit.Window{
				ratelimit.PerMinute(1_000_000), // never binding: two windows in one script
				{Name: "test-day", Limit: int64(envInt(envLimit, 0)), Period: 1000 * 24 * time.Hour},
			},
		})
		if err != nil {
			return nil, err
		}
		doer := newDoer(pipeline.Config{Limit: lim.Allow}, g)
		// Each goroutine keeps calling until it has been refused 5 times;
		// the parent does not stop it.
		hammer(res, g, nil, func(worker string) error { return ping(doer, base, worker) }, func(refusals int) bool { return refusals >= 5 })
	default:
		return nil, fmt.Errorf("unknown role %q", role)
	}
	return res, nil
}

func newDoer(c pipeline.Config, conns int) *pipeline.Doer {
	c.Base = &http.Transport{MaxIdleConnsPerHost: conns, MaxIdleConns: conns}
	c.Retry = pipeline.Retry{MaxAttempts: 1}
	return &pipeline.Doer{Client: pipeline.NewClient(c)}
}

// ping calls the fake's API as one worker (process and goroutine), so that
// the fake can tell which token each worker last used with success.
func ping(d *pipeline.Doer, base, worker string) error {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, base+"/api/ping", nil)
	if err != nil {
		return err
	}
	req.Header.Set(workerHeader, worker)
	resp, err := d.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// hammer runs g goroutines calling call, paced with jitter, until stop closes
// or done(refusals) says a goroutine has seen enough limiter refusals.
func hammer(res *result, g int, stop <-chan struct{}, call func(worker string) error, done func(refusals int) bool) {
	pace := envDur(envPace, 50*time.Millisecond)
	var mu sync.Mutex
	res.Errors = map[string]int{}
	var wg sync.WaitGroup
	for i := range g {
		wg.Add(1)
		worker := fmt.Sprintf("%d/%d", os.Getpid(), i)
		go func() {
			defer wg.Done()
			refusals := 0
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := call(worker)
				var ee *ratelimit.ExceededError
				mu.Lock()
				switch {
				case err == nil:
					res.OK++
				case errors.As(err, &ee) && ee.RetryAfter > 0 && ee.ResetAt.After(time.Now()):
					res.Exceeded++
					refusals++
				default:
					res.Failed++
					res.Errors[err.Error()]++
				}
				mu.Unlock()
				if done != nil && done(refusals) {
					return
				}
				time.Sleep(pace + rand.N(pace))
			}
		}()
	}
	wg.Wait()
}

// readResult reads a member's output: optional progress lines, then the
// result as the last line.
func readResult(r io.Reader) (*result, []string, error) {
	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) == 0 {
		return nil, nil, errors.New("no output")
	}
	var res result
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		return nil, lines, fmt.Errorf("last line %q: %w", lines[len(lines)-1], err)
	}
	return &res, lines, nil
}
