package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
	"github.com/oasuite/sdk/gen/bqecoreapi"
	"github.com/oasuite/sdk/ptr"
)

// demoBQECore runs the BQE CORE client against the in-process fake: the
// authorization-code login (the fake plays the browser), the base URL from
// the token's endpoint, the paged activity iterator, a time entry created, a
// PATCH with the record's version and a stale one, a 404, and an expired
// token recovered from the 200 "Not authenticated" answer.
func demoBQECore(ctx context.Context, w io.Writer) error {
	fake := bqecoretest.NewServer()
	defer fake.Close()
	cfg := bqecore.OAuthConfig{
		ClientID: bqecoretest.TestClientID, ClientSecret: bqecoretest.TestClientSecret,
		RedirectURL: bqecoretest.TestRedirectURL, IdentityURL: fake.IdentityURL(),
	}
	attempt, err := cfg.Start(map[string]string{"returnTo": "/demo"})
	if err != nil {
		return err
	}
	callback, err := fake.Authorize(ctx, attempt.URL)
	if err != nil {
		return fmt.Errorf("authorize: %w", err)
	}
	tok, err := cfg.Exchange(ctx, attempt, callback)
	if err != nil {
		return fmt.Errorf("exchange: %w", err)
	}
	if _, err := cfg.VerifyIDToken(ctx, tok, attempt.Nonce); err != nil {
		return fmt.Errorf("id token: %w", err)
	}
	src := cfg.TokenSource(tok)
	c, err := bqecore.New(ctx, bqecore.WithTokenSource(src), bqecore.WithUTCOffset(-480), bqecore.WithEndpointHosts(fake.EndpointHost()))
	if err != nil {
		return err
	}
	base, err := c.BaseURL(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "bqecore: logged in (code flow, company %s); API base from the token's endpoint: %s\n", bqecore.CompanyID(callback), base)

	var design, employee, phase *string
	n := 0
	for a, err := range c.Activities(ctx, &bqecoreapi.ListActivitiesParams{OrderBy: ptr.To("name"), Page: ptr.To("0,2")}) {
		if err != nil {
			return fmt.Errorf("activities: %w", err)
		}
		if *a.Code == "DES" {
			design = a.Id
		}
		n++
	}
	fmt.Fprintf(w, "bqecore: %d activities listed in pages of 2\n", n)
	for e, err := range c.Employees(ctx, &bqecoreapi.ListEmployeesParams{Where: ptr.To("lastName = 'Lee'")}) {
		if err != nil {
			return fmt.Errorf("employees: %w", err)
		}
		employee = e.Id
	}
	for p, err := range c.Projects(ctx, &bqecoreapi.ListProjectsParams{Where: ptr.To("code = 'HVE-01.1'")}) {
		if err != nil {
			return fmt.Errorf("projects: %w", err)
		}
		phase = p.Id
	}
	if design == nil || employee == nil || phase == nil {
		return errors.New("seeded activity, employee or phase missing")
	}
	r, err := c.CreateTimeEntryWithResponse(ctx, bqecoreapi.TimeEntry{ActivityId: design, ProjectId: phase, ResourceId: employee,
		Date: ptr.To("2026-11-23T00:00:00"), ActualHours: ptr.To(2.5), Description: ptr.To("Facade options")})
	if err != nil {
		return fmt.Errorf("create time entry: %w", err)
	}
	fmt.Fprintf(w, "bqecore: created time entry %s (%.1f h)\n", *r.JSON201.Id, *r.JSON201.ActualHours)

	emp, err := c.GetEmployeeWithResponse(ctx, *employee, nil)
	if err != nil {
		return fmt.Errorf("get employee: %w", err)
	}
	patched, err := c.PatchEmployeeFields(ctx, *employee, *emp.JSON200.Version, bqecore.Replace("/billRate", 160))
	if err != nil {
		return fmt.Errorf("patch: %w", err)
	}
	if _, err := c.PatchEmployeeFields(ctx, *employee, *emp.JSON200.Version, bqecore.Replace("/billRate", 170)); !errors.Is(err, bqecore.ErrVersionConflict) {
		return fmt.Errorf("stale version: want a conflict, got %v", err)
	}
	fmt.Fprintf(w, "bqecore: patched bill rate to %.0f; the stale version was refused (409)\n", *patched.BillRate)

	if _, err := c.GetActivityWithResponse(ctx, "no-such-activity", nil); !errors.Is(err, bqecore.ErrNotFound) {
		return fmt.Errorf("unknown activity: want 404, got %v", err)
	}
	fmt.Fprintln(w, "bqecore: unknown activity: 404 as expected")

	fake.ExpireTokens()
	if _, err := c.GetCompanyWithResponse(ctx, nil); err != nil {
		return fmt.Errorf("after token expiry: %w", err)
	}
	fmt.Fprintf(w, "bqecore: expired token answered 200 \"Not authenticated\"; refreshed once and replayed (%d refresh)\n", fake.Stats().Refreshes)
	return nil
}

// bqePtr returns a pointer to v, for the generated models' optional fields.
