package bqecore_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
	"github.com/oasuite/sdk/gen/bqecoreapi"
)

// Log in with the authorization-code flow of a web app: send the user to the
// attempt's URL, then exchange the callback's query for a token whose
// "endpoint" is the API base URL. Here the fake plays the identity server and
// the user's browser.
func ExampleOAuthConfig_Exchange() {
	ctx := context.Background()
	fake := bqecoretest.NewServer()
	defer fake.Close()

	cfg := bqecore.OAuthConfig{
		ClientID:     bqecoretest.TestClientID,
		ClientSecret: bqecoretest.TestClientSecret,
		RedirectURL:  bqecoretest.TestRedirectURL,
		Scopes:       []string{bqecore.ScopeReadWrite, bqecore.ScopeOfflineAccess},
		IdentityURL:  fake.IdentityURL(), // leave empty for the real identity server
	}
	attempt, err := cfg.Start(map[string]string{"returnTo": "/timesheet"})
	if err != nil {
		log.Fatal(err)
	}
	// Redirect the user to attempt.URL; keep attempt until the callback.
	callback, err := fake.Authorize(ctx, attempt.URL)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := cfg.Exchange(ctx, attempt, callback)
	if err != nil {
		log.Fatal(err)
	}
	var state map[string]string
	_ = bqecore.ReadState(callback.Get("state"), &state)
	base, _ := bqecore.EndpointOf(tok)
	fmt.Println("refresh token:", tok.RefreshToken != "")
	fmt.Println("API base is the fake:", base == fake.BaseURL())
	fmt.Println("back to:", state["returnTo"])
	// Output:
	// refresh token: true
	// API base is the fake: true
	// back to: /timesheet
}

// exampleClient logs in to the fake and returns a client (used by the
// examples below).
func exampleClient(ctx context.Context, fake *bqecoretest.Server) *bqecore.Client {
	cfg := bqecore.OAuthConfig{ClientID: bqecoretest.TestClientID, ClientSecret: bqecoretest.TestClientSecret,
		RedirectURL: bqecoretest.TestRedirectURL, IdentityURL: fake.IdentityURL()}
	attempt, err := cfg.Start(nil)
	if err != nil {
		log.Fatal(err)
	}
	callback, err := fake.Authorize(ctx, attempt.URL)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := cfg.Exchange(ctx, attempt, callback)
	if err != nil {
		log.Fatal(err)
	}
	// Persist every refreshed token (endpoint included) with auth.WithStore.
	var store auth.MemoryStore
	c, err := bqecore.New(ctx, bqecore.WithTokenSource(cfg.TokenSource(tok, auth.WithStore(&store, "pat"))), bqecore.WithUTCOffset(-480),
		bqecore.WithEndpointHosts(fake.EndpointHost())) // the fake's loopback host; production endpoints are on bqecore.com
	if err != nil {
		log.Fatal(err)
	}
	return c
}

// List every activity, page by page (page=N,M), with the iterator.
func ExampleClient_Activities() {
	ctx := context.Background()
	fake := bqecoretest.NewServer()
	defer fake.Close()
	c := exampleClient(ctx, fake)

	for a, err := range c.Activities(ctx, &bqecoreapi.ListActivitiesParams{OrderBy: ptr("name"), Page: ptr("0,2")}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-4s %s\n", *a.Code, *a.Name)
	}
	// Output:
	// ADM  Administration
	// DES  Design
	// DRA  Drafting
	// PM   Project Management
	// SIT  Site Visit
}

// Create a time entry for an employee on a project phase, then change it
// with a PATCH that carries the entry's version.
func ExampleClient_CreateTimeEntryWithResponse() {
	ctx := context.Background()
	fake := bqecoretest.NewServer()
	defer fake.Close()
	c := exampleClient(ctx, fake)

	first := func(where string) *string {
		for p, err := range c.Projects(ctx, &bqecoreapi.ListProjectsParams{Where: &where}) {
			if err != nil {
				log.Fatal(err)
			}
			return p.Id
		}
		return nil
	}
	phase := first("code = 'HVE-01.1'")
	var activityID, employeeID *string
	for a, err := range c.Activities(ctx, &bqecoreapi.ListActivitiesParams{Where: ptr("code = 'DES'")}) {
		if err != nil {
			log.Fatal(err)
		}
		activityID = a.Id
	}
	for e, err := range c.Employees(ctx, &bqecoreapi.ListEmployeesParams{Where: ptr("lastName = 'Lee'")}) {
		if err != nil {
			log.Fatal(err)
		}
		employeeID = e.Id
	}
	// Created reads the record from JSON201 or JSON200, whichever CORE sent.
	entry, err := bqecore.Created(c.CreateTimeEntryWithResponse(ctx, bqecoreapi.TimeEntry{
		ProjectId: phase, ActivityId: activityID, ResourceId: employeeID,
		Date: ptr("2026-11-23T00:00:00"), ActualHours: ptr(2.5), Description: ptr("Facade options"), Billable: ptr(true),
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("created: %.1f h %q\n", *entry.ActualHours, *entry.Description)

	// PUT replaces the record; a stale version in a PATCH is a conflict.
	entry.ActualHours = ptr(3.0)
	u, err := c.UpdateTimeEntryWithResponse(ctx, *entry.Id, *entry)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("updated: %.1f h, new version: %v\n", *u.JSON200.ActualHours, *u.JSON200.Version != *entry.Version)

	_, err = c.GetTimeEntryWithResponse(ctx, "no-such-entry", nil)
	fmt.Println("missing entry is ErrNotFound:", errors.Is(err, bqecore.ErrNotFound))
	// Output:
	// created: 2.5 h "Facade options"
	// updated: 3.0 h, new version: true
	// missing entry is ErrNotFound: true
}

// PATCH changes some fields of a record at its latest version.
func ExampleClient_PatchEmployeeFields() {
	ctx := context.Background()
	fake := bqecoretest.NewServer()
	defer fake.Close()
	c := exampleClient(ctx, fake)

	for e, err := range c.Employees(ctx, &bqecoreapi.ListEmployeesParams{Where: ptr("lastName = 'Ortiz'")}) {
		if err != nil {
			log.Fatal(err)
		}
		got, err := c.PatchEmployeeFields(ctx, *e.Id, *e.Version, bqecore.Replace("/billRate", 30))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("bill rate:", *got.BillRate)
		_, err = c.PatchEmployeeFields(ctx, *e.Id, *e.Version, bqecore.Replace("/billRate", 35))
		fmt.Println("stale version:", errors.Is(err, bqecore.ErrVersionConflict))
	}
	// Output:
	// bill rate: 30
	// stale version: true
}
