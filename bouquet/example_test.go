package bouquet_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bouquet/bouquettest"
	"github.com/oasuite/sdk/gen/bouquetapi"
)

// Log in with login and password (POST /rs/auth-token) and list projects.
// Against the real service, BaseURL is bouquet.DefaultBaseURL (or
// bouquet.ServerURL(host, version)) and the ids are your client's.
func Example() {
	fake := bouquettest.NewServer()
	defer fake.Close()
	ctx := context.Background()

	cfg := bouquet.OAuthConfig{
		BaseURL:     fake.BaseURL(),
		CustomerID:  bouquettest.TestCustomerID,
		ClientID:    bouquettest.TestClientID,
		RedirectURI: bouquettest.TestRedirectURI,
	}
	c, err := bouquet.New(ctx,
		bouquet.WithBaseURL(fake.BaseURL()),
		bouquet.WithTokenSource(cfg.PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword)))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr("Sales")}); err != nil {
		log.Fatal(err)
	}
	resp, err := c.ListProjectsWithResponse(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range *resp.JSON200 {
		fmt.Println(p.Id.ProjectId, *p.Name)
	}
	// Output: p1 Sales
}

// Bouquet's errors come back as *bouquet.Error, matching the suite's sentinels.
func ExampleError() {
	fake := bouquettest.NewServer()
	defer fake.Close()
	ctx := context.Background()
	cfg := bouquet.OAuthConfig{BaseURL: fake.BaseURL(), CustomerID: bouquettest.TestCustomerID,
		ClientID: bouquettest.TestClientID, RedirectURI: bouquettest.TestRedirectURI}
	c, _ := bouquet.New(ctx, bouquet.WithBaseURL(fake.BaseURL()),
		bouquet.WithTokenSource(cfg.PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword)))

	_, err := c.GetProjectWithResponse(ctx, "missing", nil)
	var be *bouquet.Error
	if errors.As(err, &be) {
		fmt.Println(be.StatusCode, be.Type, errors.Is(err, bouquet.ErrNotFound))
	}
	// Output: 404 ObjectNotFoundAPIException true
}

// Run an analysis job to completion (Bouquet answers ComputingInProgress
// meanwhile) and read its rows page by page.
func ExampleClient_RunAnalysisJob() {
	fake := bouquettest.NewServer(bouquettest.WithResultRows(3), bouquettest.WithRetryAfter(0))
	defer fake.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := bouquet.OAuthConfig{BaseURL: fake.BaseURL(), CustomerID: bouquettest.TestCustomerID,
		ClientID: bouquettest.TestClientID, RedirectURI: bouquettest.TestRedirectURI}
	c, _ := bouquet.New(ctx, bouquet.WithBaseURL(fake.BaseURL()), bouquet.WithPollInterval(10*time.Millisecond),
		bouquet.WithTokenSource(cfg.PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword)))

	p, _ := c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr("Sales")})
	pid := p.JSON200.Id.ProjectId
	d, _ := c.CreateDomainWithResponse(ctx, pid, bouquetapi.Domain{Name: ptr("Orders")})
	dim, _ := c.CreateDimensionWithResponse(ctx, pid, d.JSON200.Id.DomainId, bouquetapi.Dimension{Name: ptr("country")})
	m, _ := c.CreateMetricWithResponse(ctx, pid, d.JSON200.Id.DomainId, bouquetapi.Metric{Name: ptr("revenue")})

	job, err := c.RunAnalysisJob(ctx, pid, bouquetapi.ProjectAnalysisJob{
		Domains:    &[]bouquetapi.DomainPK{*d.JSON200.Id},
		Dimensions: &[]bouquetapi.DimensionPK{*dim.JSON200.Id},
		Metrics:    &[]bouquetapi.MetricPK{*m.JSON200.Id},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*job.Status)
	for row, err := range c.AnalysisJobRows(ctx, pid, job.Id.AnalysisJobId, 2) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println((*row.V)...)
	}
	// Output:
	// DONE
	// country-00 10
	// country-01 20
	// country-02 30
}

// The client-side (implicit) flow: the token in the redirect's fragment is
// used only after /rs/tokeninfo confirms it was issued to this client.
func ExampleOAuthConfig_ParseImplicit() {
	fake := bouquettest.NewServer()
	defer fake.Close()
	cfg := bouquet.OAuthConfig{BaseURL: fake.BaseURL(), CustomerID: bouquettest.TestCustomerID,
		ClientID: bouquettest.TestClientID, RedirectURI: bouquettest.TestRedirectURI}

	// A token issued to another application, pasted into our redirect.
	other := cfg
	other.ClientID, other.RedirectURI = bouquettest.OtherClientID, "https://other.example.org/cb"
	tok, _ := other.PasswordLogin(bouquettest.OtherLogin, bouquettest.OtherPassword).Token()

	att, _ := cfg.ImplicitFlow().Start(nil) // send the user to att.URL
	redirect := bouquettest.TestRedirectURI + "#access_token=" + tok.AccessToken + "&state=" + att.State
	_, err := cfg.ParseImplicit(context.Background(), redirect, att.State)
	fmt.Println(errors.Is(err, bouquet.ErrClientMismatch))
	// Output: true
}

// Read, change and write back a project: Update sends the _vctrl it read, so
// a change made meanwhile by someone else is refused with a *ConflictError.
func ExampleUpdate() {
	fake := bouquettest.NewServer()
	defer fake.Close()
	ctx := context.Background()
	cfg := bouquet.OAuthConfig{BaseURL: fake.BaseURL(), CustomerID: bouquettest.TestCustomerID,
		ClientID: bouquettest.TestClientID, RedirectURI: bouquettest.TestRedirectURI}
	c, err := bouquet.New(ctx, bouquet.WithBaseURL(fake.BaseURL()),
		bouquet.WithTokenSource(cfg.PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword)))
	if err != nil {
		log.Fatal(err)
	}
	created, err := bouquet.Object[bouquetapi.Project](c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr("Sales")}))
	if err != nil {
		log.Fatal(err)
	}
	pid := created.Id.ProjectId
	put := func(ctx context.Context, p bouquetapi.Project) (*bouquetapi.UpdateProjectResponse, error) {
		return c.UpdateProjectWithResponse(ctx, pid, p)
	}

	mine, _ := bouquet.Object[bouquetapi.Project](c.GetProjectWithResponse(ctx, pid, nil))
	theirs, _ := bouquet.Object[bouquetapi.Project](c.GetProjectWithResponse(ctx, pid, nil))
	mine.Name = ptr("Sales EMEA")
	saved, err := bouquet.Update(ctx, mine, put)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*saved.Name, "version", *saved.UnderscoreVctrl)

	theirs.Name = ptr("Sales APAC")
	_, err = bouquet.Update(ctx, theirs, put)
	fmt.Println(errors.Is(err, bouquet.ErrConcurrentModification))
	// Output:
	// Sales EMEA version 1
	// true
}
