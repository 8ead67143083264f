package beproduct

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/pipeline"
)

// DefaultAutomationRoot is the root of the BeProduct Automation API
// (autonumbers and locks; BeProduct.Python.SDK _automation.py).
const DefaultAutomationRoot = "https://automation.beproduct.com/api"

// Automation is the client of the BeProduct Automation API
// (https://automation.beproduct.com): autonumbers and named locks. It is a
// second server of specs/beproduct.yaml (the Automation operations carry
// their own servers entry): its requests go to the Automation host, carry
// the same access token as "Bearer <token>" in X-Authorization instead of
// Authorization, and name the company in a query parameter, which the
// methods below fill in. Get it with Client.Automation; it shares the
// client's token source and retries (not the REST API's rate limiter or
// quota wait: the Automation host has limits of its own).
//
// The Automation operations are also methods of the embedded generated
// client, but that one sends them to the REST API's host: call them through
// Automation.
type Automation struct {
	gen     *beproductapi.ClientWithResponses
	company string
	root    string
}

// Automation returns the client of the Automation API.
func (c *Client) Automation() *Automation { return c.automation }

// AutomationURL returns the Automation API root the client talks to.
func (a *Automation) AutomationURL() string { return a.root }

func newAutomation(c *Client, cfg pipeline.Config, o options, rv *pipeline.ResponseValidator) (*Automation, error) {
	root, err := url.Parse(strings.TrimRight(o.autoRoot, "/"))
	if err != nil || root.Scheme == "" || root.Host == "" {
		return nil, fmt.Errorf("beproduct: automation URL %q is not an absolute URL", o.autoRoot)
	}
	// The Automation host's limits are not the REST API's: its answers do
	// not move Client.RateLimit, and neither the quota wait nor a shared
	// REST limiter gates it.
	cfg.Observe, cfg.Limit = nil, nil
	cfg.Decorate = func(r *http.Request) {
		// The Automation API reads the token from X-Authorization.
		if v, ok := r.Header["Authorization"]; ok {
			r.Header["X-Authorization"] = v
			delete(r.Header, "Authorization")
		}
	}
	hc := pipeline.NewClient(cfg)
	if o.hc != nil {
		hc.Jar, hc.Timeout = o.hc.Jar, o.hc.Timeout
	}
	doer := &pipeline.Doer{Client: hc, MapError: mapError, Validate: rv}
	gen, err := beproductapi.NewClientWithResponses(root.String(), beproductapi.WithHTTPClient(doer))
	if err != nil {
		return nil, fmt.Errorf("beproduct: %w", err)
	}
	return &Automation{gen: gen, company: c.company, root: root.String()}, nil
}

// NextAutonumber generates the next number of the autonumber id (GET
// autonumber), e.g. "ST00042".
func (a *Automation) NextAutonumber(ctx context.Context, id string) (string, error) {
	r, err := a.gen.GetNextAutonumberWithResponse(ctx, &beproductapi.GetNextAutonumberParams{Id: id, Company: a.company})
	if err != nil {
		return "", err
	}
	v, err := body("autonumber", r.JSON200)
	if err != nil {
		return "", err
	}
	return v.GeneratedNumber, nil
}

// Autonumbers lists the autonumbers whose name contains name ("" for all;
// GET autonumber-list).
func (a *Automation) Autonumbers(ctx context.Context, name string) ([]beproductapi.Autonumber, error) {
	p := &beproductapi.ListAutonumbersParams{Company: a.company}
	if name != "" {
		p.Name = &name
	}
	r, err := a.gen.ListAutonumbersWithResponse(ctx, p)
	if err != nil {
		return nil, err
	}
	v, err := body("autonumber list", r.JSON200)
	if err != nil {
		return nil, err
	}
	return v.Autonumbers, nil
}

// CreateAutonumber creates an autonumber generator (POST autonumber);
// template is its pattern, e.g. "ST[00000]" ("" means "[00000]", the
// Python SDK's default).
func (a *Automation) CreateAutonumber(ctx context.Context, name, template string) (*beproductapi.Autonumber, error) {
	if template == "" {
		template = "[00000]"
	}
	r, err := a.gen.CreateAutonumberWithResponse(ctx, &beproductapi.CreateAutonumberParams{Name: name, Company: a.company},
		beproductapi.AutonumberWrite{Name: name, Template: template})
	if err != nil {
		return nil, err
	}
	return body("autonumber", r.JSON200)
}

// AcquireLock tries to take the named lock for hold (GET locks; zero means
// the Python SDK's 60 s). The answer says whether it was acquired.
func (a *Automation) AcquireLock(ctx context.Context, name string, hold time.Duration) (*beproductapi.LockState, error) {
	secs := int32(60)
	if hold > 0 {
		secs = int32((hold + time.Second - 1) / time.Second)
	}
	r, err := a.gen.SetLockWithResponse(ctx, &beproductapi.SetLockParams{Name: name, Timeout: &secs, Company: a.company})
	if err != nil {
		return nil, err
	}
	return body("lock", r.JSON200)
}

// ReleaseLock releases the named lock (DELETE locks).
func (a *Automation) ReleaseLock(ctx context.Context, name string) (*beproductapi.LockState, error) {
	r, err := a.gen.DeleteLockWithResponse(ctx, &beproductapi.DeleteLockParams{Name: name, Company: a.company})
	if err != nil {
		return nil, err
	}
	return body("lock", r.JSON200)
}

// CheckLocks reports whether the named locks are held (POST locks), waiting
// up to timeout on the server (whole seconds).
func (a *Automation) CheckLocks(ctx context.Context, timeout time.Duration, names ...string) ([]beproductapi.LockState, error) {
	secs := int32(timeout / time.Second)
	r, err := a.gen.CheckLocksWithResponse(ctx, &beproductapi.CheckLocksParams{Timeout: secs, Company: a.company}, names)
	if err != nil {
		return nil, err
	}
	v, err := body("lock states", r.JSON200)
	if err != nil {
		return nil, err
	}
	return *v, nil
}
