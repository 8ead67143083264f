package beproduct

import "github.com/oasuite/sdk/ratelimit"

// Daily request budgets of an organisation, from BeProduct's getting-started
// page (https://developers.beproduct.com): Business allows 2000 requests a
// day per organisation or 250 per user licence, whichever is lower;
// Enterprise 25000 a day or 500 per user licence. Requests over the limit are
// not processed (429).
const (
	BusinessRequestsPerDay          = 2000
	BusinessRequestsPerDayPerUser   = 250
	EnterpriseRequestsPerDay        = 25000
	EnterpriseRequestsPerDayPerUser = 500
)

// WithRateLimit makes every request, retries and replays included, ask l
// first; when l refuses, the call fails at once with l's error (a
// *ratelimit.ExceededError saying when the window resets, matching
// ratelimit.ErrExceeded) and nothing is sent. BeProduct's quota belongs to
// the organisation, so a fleet of workers shares one limiter: build it with
// ratelimit/redislimit on the Redis server the workers share, for example
//
//	lim, err := redislimit.New(rdb, redislimit.Config{
//		Budget:  "beproduct:" + company,
//		Windows: []ratelimit.Window{ratelimit.PerMinute(60), ratelimit.PerDay(beproduct.BusinessRequestsPerDay)},
//	})
//	c, err := beproduct.New(ctx, beproduct.WithCompany(company), beproduct.WithRateLimit(lim), …)
//
// The vendor's own X-RateLimit-* headers are still read (Client.RateLimit).
func WithRateLimit(l ratelimit.Limiter) Option { return func(o *options) { o.limiter = l } }
