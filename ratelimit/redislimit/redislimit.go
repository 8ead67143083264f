// Package redislimit is a [ratelimit.Limiter] shared through Redis: every
// process and machine that uses the same Redis server and budget name draws
// from one budget, counted in one or more fixed windows at once (say, 60 a
// minute and 2000 a day).
//
// Each check runs one Lua script, atomically inside Redis: it reads the
// server's clock (so the fleet's own clocks need not agree), finds the
// current window of every configured period, and either counts the request in
// all of them or, when any window is spent, counts nothing and answers when
// that window resets. A refused call returns a [*ratelimit.ExceededError]
// without sending anything.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	lim, err := redislimit.New(rdb, redislimit.Config{
//		Budget:  "beproduct:acme",
//		Windows: []ratelimit.Window{ratelimit.PerMinute(60), ratelimit.PerDay(2000)},
//	})
//	// lim.Allow is the request pipeline's limit hook; vendor clients take
//	// lim through their WithRateLimit option.
//
// Windows are fixed and aligned to the Unix epoch (a day is a UTC day), the
// way vendors that announce a reset time count; as with any fixed window, a
// burst may straddle a boundary and spend the end of one window and the start
// of the next back to back.
//
// Keys are "<prefix>{<budget>}:<window>:<period ms>"; the braces are a Redis
// Cluster hash tag, so every window of a budget lives on one shard and the
// script runs on a cluster as on a single server.
package redislimit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/oasuite/sdk/ratelimit"
)

// DefaultPrefix is put before every key the limiter writes.
const DefaultPrefix = "oasuite:ratelimit:"

// Each window key is a hash: w = the window's index (Unix ms / period),
// n = requests counted in it. A count from an older window is never read as
// the current one, whatever the key's expiry timing; the expiry only cleans up.
//
// ARGV: cost, then limit and period (ms) of each window, in KEYS order.
// Answer: {1} when counted; {0, i, ms until window i resets, its count} when
// window i (the spent one that resets last) refuses.
var allowScript = redis.NewScript(`
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[1])
local idx, used, reset = {}, {}, {}
local worst, worstReset, worstUsed = 0, 0, 0
for i = 1, #KEYS do
	local limit = tonumber(ARGV[2 * i])
	local period = tonumber(ARGV[2 * i + 1])
	local w = math.floor(now / period)
	idx[i] = string.format("%d", w)
	reset[i] = (w + 1) * period
	local cur = redis.call("HMGET", KEYS[i], "w", "n")
	local n = 0
	if cur[1] == idx[i] then n = tonumber(cur[2]) or 0 end
	used[i] = n
	if n + cost > limit and reset[i] >= worstReset then
		worst, worstReset, worstUsed = i, reset[i], n
	end
end
if worst > 0 then
	return {0, worst, worstReset - now, worstUsed}
end
for i = 1, #KEYS do
	redis.call("HSET", KEYS[i], "w", idx[i], "n", used[i] + cost)
	redis.call("PEXPIREAT", KEYS[i], reset[i] + 1000)
end
return {1}
`)

// usageScript reads the current count of every window without counting.
// Answer: for each window, its count and the ms until it resets.
var usageScript = redis.NewScript(`
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i = 1, #KEYS do
	local period = tonumber(ARGV[i])
	local w = math.floor(now / period)
	local cur = redis.call("HMGET", KEYS[i], "w", "n")
	local n = 0
	if cur[1] == string.format("%d", w) then n = tonumber(cur[2]) or 0 end
	out[2 * i - 1] = n
	out[2 * i] = (w + 1) * period - now
end
return out
`)

// Config describes one shared budget.
type Config struct {
	// Budget names the budget; every client that uses the same name on the
	// same Redis shares it. One per vendor account, e.g. "beproduct:acme".
	Budget string
	// Windows are enforced together: a request is counted only when every
	// window has room. At least one.
	Windows []ratelimit.Window
	// Prefix replaces DefaultPrefix.
	Prefix string
	// FailOpen lets requests through when Redis cannot be reached (the
	// vendor's own limit still applies). By default such a request fails
	// with the Redis error, wrapped.
	FailOpen bool
	// OnError, when set, sees every Redis error (with FailOpen too), e.g. to
	// log it.
	OnError func(error)
}

// Limiter is a [ratelimit.Limiter] whose budget lives in Redis. It is safe
// for concurrent use. Create it with [New].
type Limiter struct {
	rdb     redis.Scripter
	cfg     Config
	keys    []string
	args    []any // limit, period (ms) per window
	periods []any
}

// New returns a limiter for cfg on rdb (a *redis.Client, *redis.ClusterClient
// or any other client that runs scripts). The limiter does not close rdb.
func New(rdb redis.Scripter, cfg Config) (*Limiter, error) {
	if rdb == nil {
		return nil, errors.New("redislimit: nil redis client")
	}
	if cfg.Budget == "" {
		return nil, errors.New("redislimit: empty budget name")
	}
	if len(cfg.Windows) == 0 {
		return nil, errors.New("redislimit: no window")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	cfg.Windows = append([]ratelimit.Window(nil), cfg.Windows...)
	l := &Limiter{rdb: rdb, cfg: cfg}
	seen := map[string]bool{}
	for _, w := range cfg.Windows {
		if err := w.Validate(); err != nil {
			return nil, err
		}
		ms := w.Period.Milliseconds()
		k := cfg.Prefix + "{" + cfg.Budget + "}:" + w.Label() + ":" + strconv.FormatInt(ms, 10)
		if seen[k] {
			return nil, fmt.Errorf("redislimit: window %q given twice", w.Label())
		}
		seen[k] = true
		l.keys = append(l.keys, k)
		l.args = append(l.args, w.Limit, ms)
		l.periods = append(l.periods, ms)
	}
	return l, nil
}

// Budget returns the budget's name.
func (l *Limiter) Budget() string { return l.cfg.Budget }

// Windows returns a copy of the budget's windows.
func (l *Limiter) Windows() []ratelimit.Window {
	return append([]ratelimit.Window(nil), l.cfg.Windows...)
}

// Allow counts one request, or returns a [*ratelimit.ExceededError] when a
// window is spent. It implements [ratelimit.Limiter]; req is not read.
func (l *Limiter) Allow(ctx context.Context, _ *http.Request) error {
	return l.AllowN(ctx, 1)
}

// AllowN counts n requests at once (a batch the vendor counts as n), or none
// when any window lacks room for all n.
func (l *Limiter) AllowN(ctx context.Context, n int64) error {
	if n <= 0 {
		return nil
	}
	args := append([]any{n}, l.args...)
	res, err := allowScript.Run(ctx, l.rdb, l.keys, args...).Int64Slice()
	if err != nil {
		return l.redisErr(fmt.Errorf("redislimit: budget %q: %w", l.cfg.Budget, err))
	}
	if len(res) >= 1 && res[0] == 1 {
		return nil
	}
	if len(res) != 4 || res[1] < 1 || int(res[1]) > len(l.cfg.Windows) {
		return l.redisErr(fmt.Errorf("redislimit: budget %q: unexpected script answer %v", l.cfg.Budget, res))
	}
	wait := time.Duration(res[2]) * time.Millisecond
	return &ratelimit.ExceededError{
		Budget:     l.cfg.Budget,
		Window:     l.cfg.Windows[res[1]-1],
		Used:       res[3],
		ResetAt:    time.Now().Add(wait),
		RetryAfter: wait,
	}
}

func (l *Limiter) redisErr(err error) error {
	if l.cfg.OnError != nil {
		l.cfg.OnError(err)
	}
	if l.cfg.FailOpen {
		return nil
	}
	return err
}

// Usage is the state of one window of a budget.
type Usage struct {
	Window ratelimit.Window
	// Used is how many requests the current window has counted.
	Used int64
	// Remaining is Window.Limit - Used, never negative.
	Remaining int64
	// ResetAt is when the current window ends, on this machine's clock.
	ResetAt time.Time
}

// Usage reads the current window of every configured period without
// counting a request, for dashboards and health checks.
func (l *Limiter) Usage(ctx context.Context) ([]Usage, error) {
	res, err := usageScript.Run(ctx, l.rdb, l.keys, l.periods...).Int64Slice()
	if err != nil {
		return nil, fmt.Errorf("redislimit: budget %q: %w", l.cfg.Budget, err)
	}
	if len(res) != 2*len(l.keys) {
		return nil, fmt.Errorf("redislimit: budget %q: unexpected script answer %v", l.cfg.Budget, res)
	}
	now := time.Now()
	out := make([]Usage, len(l.keys))
	for i, w := range l.cfg.Windows {
		used := res[2*i]
		out[i] = Usage{Window: w, Used: used, Remaining: max(w.Limit-used, 0),
			ResetAt: now.Add(time.Duration(res[2*i+1]) * time.Millisecond)}
	}
	return out, nil
}

var _ ratelimit.Limiter = (*Limiter)(nil)
