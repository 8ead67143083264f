package beproduct_test

import (
	"context"
	"errors"
	"log"
	"net/http"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/oasuite/sdk/auth/redisstore"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/internal/redistest"
	"github.com/oasuite/sdk/ratelimit"
	"github.com/oasuite/sdk/ratelimit/redislimit"
)

// Two clients (two workers of a fleet) share one Redis budget: BeProduct sees
// only the budget, and the call over it fails fast with the typed error.
func TestWithRateLimitSharesBudget(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	e := setup(t, nil)
	var clients []*beproduct.Client
	var seen []*countingTransport
	for range 2 {
		lim, err := redislimit.New(srv.Client(t), redislimit.Config{
			Budget:  "beproduct:" + e.client.Company(),
			Windows: []ratelimit.Window{ratelimit.PerMinute(1000), {Name: "day", Limit: 4, Period: 1000 * 24 * time.Hour}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ct := &countingTransport{}
		seen = append(seen, ct)
		clients = append(clients, newClient(t, e.fake, e.ts, beproduct.WithRateLimit(lim), beproduct.WithHTTPClient(&http.Client{Transport: ct})))
	}
	var ok, refused int
	for i := range 6 {
		_, err := clients[i%2].ListUserRolesWithResponse(ctx)
		var ee *ratelimit.ExceededError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &ee) && errors.Is(err, ratelimit.ErrExceeded):
			refused++
			if ee.Window.Name != "day" || ee.RetryAfter <= 0 {
				t.Errorf("refusal %+v", ee)
			}
		default:
			t.Fatal(err)
		}
	}
	if sent := seen[0].n.Load() + seen[1].n.Load(); ok != 4 || refused != 2 || sent != 4 {
		t.Fatalf("%d ok, %d refused, %d sent; want 4, 2, 4", ok, refused, sent)
	}
}

// A fleet of workers (processes, pods) on one BeProduct organisation shares
// its login and its daily quota through Redis. The token is saved once,
// after the first login (store.Save(ctx, "beproduct:acme", tok)); every
// worker then starts from the store, refreshes under a Redis lock
// (BeProduct rotates refresh tokens) and draws from one request budget.
func ExampleWithRateLimit() {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: "redis.internal:6379"})
	store := redisstore.New(rdb)
	cfg := beproduct.OAuthConfig{
		ClientID:     "my-client-id",
		ClientSecret: "my-client-secret", // from your secret store
		Store:        store,
		StoreKey:     "beproduct:acme",
	}
	lim, err := redislimit.New(rdb, redislimit.Config{
		Budget: "beproduct:acme",
		Windows: []ratelimit.Window{
			ratelimit.PerMinute(60),
			ratelimit.PerDay(beproduct.BusinessRequestsPerDay),
		},
	})
	if err != nil {
		panic(err)
	}
	c, err := beproduct.New(ctx,
		beproduct.WithCompany("acme"),
		beproduct.WithTokenSource(cfg.TokenSource(nil)), // first token from the store
		beproduct.WithRateLimit(lim))
	if err != nil {
		panic(err)
	}
	_, err = c.ListUsersWithResponse(ctx)
	var spent *ratelimit.ExceededError
	if errors.As(err, &spent) {
		// Nothing was sent: the fleet's quota is back at spent.ResetAt.
		log.Printf("BeProduct quota spent until %v", spent.ResetAt)
	}
}
