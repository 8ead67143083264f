package readme

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth/redisstore"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/ratelimit"
	"github.com/oasuite/sdk/ratelimit/redislimit"
	"github.com/oasuite/sdk/validate"
)

// fleetWorker is compiled only (internal/fleettest runs the same parts
// against a real redis-server).
func fleetWorker(ctx context.Context, id, secret string) error {
	// readme:begin fleet
	rdb := redis.NewClient(&redis.Options{Addr: "redis.internal:6379"}) // github.com/redis/go-redis/v9

	// Tokens: saved once after the first login — store.Save(ctx, "beproduct:acme", tok) —
	// then every worker starts from the store and refreshes under the Redis lock.
	store := redisstore.New(rdb) // auth/redisstore
	cfg := beproduct.OAuthConfig{
		ClientID: id, ClientSecret: secret,
		Store:    store,
		StoreKey: "beproduct:acme",
	}

	// Quota: one budget for the whole fleet, per minute and per day.
	lim, err := redislimit.New(rdb, redislimit.Config{ // ratelimit/redislimit
		Budget: "beproduct:acme",
		Windows: []ratelimit.Window{
			ratelimit.PerMinute(60),
			ratelimit.PerDay(beproduct.BusinessRequestsPerDay),
		},
	})
	if err != nil {
		return err
	}

	c, err := beproduct.New(ctx,
		beproduct.WithCompany("acme"),
		beproduct.WithTokenSource(cfg.TokenSource(nil)), // nil: first token from the store
		beproduct.WithRateLimit(lim))
	if err != nil {
		return err
	}

	_, err = c.ListUsersWithResponse(ctx)
	var spent *ratelimit.ExceededError
	if errors.As(err, &spent) {
		// Nothing was sent: spent.Window names the window, spent.ResetAt when it resets.
		return fmt.Errorf("quota spent until %s: %w", spent.ResetAt, err)
	}
	// readme:end
	return err
}

// validatingClient is compiled only.
func validatingClient(ctx context.Context, ts oauth2.TokenSource) (*bqecore.Client, error) {
	// readme:begin validate
	c, err := bqecore.New(ctx, bqecore.WithTokenSource(ts),
		bqecore.WithResponseValidation(validate.Log)) // or validate.Strict
	// readme:end
	return c, err
}
