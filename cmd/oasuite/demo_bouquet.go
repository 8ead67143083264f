package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bouquet/bouquettest"
	"github.com/oasuite/sdk/gen/bouquetapi"
	"github.com/oasuite/sdk/ptr"
)

// demoBouquet runs the Bouquet client against the in-process fake: the
// /rs/auth-token login, a project with a domain, a dimension and a metric,
// the project list, an analysis job polled through ComputingInProgress to
// DONE, its rows read page by page, a 404, and an implicit-flow token of
// another client refused after /rs/tokeninfo.
func demoBouquet(ctx context.Context, w io.Writer) error {
	fake := bouquettest.NewServer(bouquettest.WithResultRows(5), bouquettest.WithRetryAfter(0), bouquettest.WithJobSteps(2))
	defer fake.Close()
	cfg := bouquet.OAuthConfig{
		BaseURL: fake.BaseURL(), CustomerID: bouquettest.TestCustomerID,
		ClientID: bouquettest.TestClientID, RedirectURI: bouquettest.TestRedirectURI,
	}
	src := cfg.PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword)
	tok, err := src.TokenContext(ctx)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	fmt.Fprintf(w, "bouquet: logged in as %v (auth-token), token valid until %s\n", tok.Extra("userId"), tok.Expiry.UTC().Format(time.RFC3339))
	c, err := bouquet.New(ctx, bouquet.WithBaseURL(fake.BaseURL()), bouquet.WithTokenSource(src), bouquet.WithPollInterval(10*time.Millisecond))
	if err != nil {
		return err
	}

	p, err := c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr.To("Sales"), DbUrl: ptr.To("jdbc:postgresql://db.example.com/sales")})
	if err != nil {
		return fmt.Errorf("create project: %w", err)
	}
	pid := p.JSON200.Id.ProjectId
	d, err := c.CreateDomainWithResponse(ctx, pid, bouquetapi.Domain{Name: ptr.To("Orders"), Subject: &bouquetapi.Expression{Value: ptr.To("'orders'")}})
	if err != nil {
		return fmt.Errorf("create domain: %w", err)
	}
	dim, err := c.CreateDimensionWithResponse(ctx, pid, d.JSON200.Id.DomainId, bouquetapi.Dimension{Name: ptr.To("country"), Type: ptr.To(bouquetapi.DimensionTypeCATEGORICAL)})
	if err != nil {
		return fmt.Errorf("create dimension: %w", err)
	}
	m, err := c.CreateMetricWithResponse(ctx, pid, d.JSON200.Id.DomainId, bouquetapi.Metric{Name: ptr.To("revenue"), Expression: &bouquetapi.Expression{Value: ptr.To("SUM('amount')")}})
	if err != nil {
		return fmt.Errorf("create metric: %w", err)
	}
	fmt.Fprintf(w, "bouquet: created project %s, domain %s, dimension %s, metric %s\n", pid, d.JSON200.Id.DomainId, dim.JSON200.Id.DimensionId, m.JSON200.Id.MetricId)

	list, err := c.ListProjectsWithResponse(ctx)
	if err != nil {
		return fmt.Errorf("list projects: %w", err)
	}
	fmt.Fprintf(w, "bouquet: %d project(s): %s\n", len(*list.JSON200), *(*list.JSON200)[0].Name)

	polls := fake.Requests("getAnalysisJobResults")
	job, err := c.RunAnalysisJob(ctx, pid, bouquetapi.ProjectAnalysisJob{
		Domains:    &[]bouquetapi.DomainPK{*d.JSON200.Id},
		Dimensions: &[]bouquetapi.DimensionPK{*dim.JSON200.Id},
		Metrics:    &[]bouquetapi.MetricPK{*m.JSON200.Id},
	})
	if err != nil {
		return fmt.Errorf("analysis job: %w", err)
	}
	fmt.Fprintf(w, "bouquet: analysis job %s %s after %d polls\n", job.Id.AnalysisJobId, *job.Status, fake.Requests("getAnalysisJobResults")-polls)
	rows := 0
	for row, err := range c.AnalysisJobRows(ctx, pid, job.Id.AnalysisJobId, 2) {
		if err != nil {
			return fmt.Errorf("results: %w", err)
		}
		if rows == 0 {
			fmt.Fprintf(w, "bouquet: first row %v\n", *row.V)
		}
		rows++
	}
	fmt.Fprintf(w, "bouquet: read %d rows in pages of 2\n", rows)
	if rows != 5 {
		return fmt.Errorf("results: %d rows, want 5", rows)
	}

	_, err = c.GetProjectWithResponse(ctx, "no-such-project", nil)
	var be *bouquet.Error
	if !errors.As(err, &be) || !errors.Is(err, bouquet.ErrNotFound) {
		return fmt.Errorf("missing project: want a 404, got %v", err)
	}
	fmt.Fprintf(w, "bouquet: missing project -> %d %s\n", be.StatusCode, be.Type)

	other := cfg
	other.ClientID, other.RedirectURI = bouquettest.OtherClientID, "https://other.example.org/cb"
	otherTok, err := other.PasswordLogin(bouquettest.OtherLogin, bouquettest.OtherPassword).TokenContext(ctx)
	if err != nil {
		return fmt.Errorf("other login: %w", err)
	}
	att, err := cfg.ImplicitFlow().Start(nil)
	if err != nil {
		return err
	}
	_, err = cfg.ParseImplicit(ctx, bouquettest.TestRedirectURI+"#access_token="+otherTok.AccessToken+"&state="+att.State, att.State)
	if !errors.Is(err, bouquet.ErrClientMismatch) {
		return fmt.Errorf("foreign implicit token: want a client mismatch, got %v", err)
	}
	fmt.Fprintln(w, "bouquet: implicit token of another client refused after tokeninfo")
	return nil
}
