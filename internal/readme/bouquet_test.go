package readme

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bouquet/bouquettest"
	"github.com/oasuite/sdk/gen/bouquetapi"
	"github.com/oasuite/sdk/ptr"
)

// readme:begin bouquet-config
var bouquetConfig = bouquet.OAuthConfig{
	BaseURL:      bouquet.DefaultBaseURL,
	CustomerID:   os.Getenv("BOUQUET_CUSTOMER_ID"),
	ClientID:     os.Getenv("BOUQUET_CLIENT_ID"),
	ClientSecret: os.Getenv("BOUQUET_CLIENT_SECRET"), // code exchange and refresh only
	RedirectURI:  "https://app.example.com/callback",
}

// readme:end

// bouquetLogins returns the password and code-login sources (the test uses
// them against the fake); the JWT and API-key sources are only built.
func bouquetLogins(ctx context.Context, login, password, userID string, privateKey *rsa.PrivateKey) (*bouquet.Client, []*auth.Source, error) {
	// readme:begin bouquet-logins
	// 1. Login and password (POST /rs/auth-token, "basic authentication"): logs in again at
	//    expiry and after a 401.
	passwordSrc := bouquetConfig.PasswordLogin(login, password)

	// 2. Authorization code without a browser (POST /rs/auth-code, then /rs/token).
	//    offline=true asks for a refresh token; the source then refreshes with it.
	codeSrc, err := bouquetConfig.CodeLogin(ctx, login, password, true)
	if err != nil {
		return nil, nil, err
	}

	// 3. JWT assertion (grant_type=sso): the client signs iss=client, sub=user with its RSA
	//    key; the server checks it with the client's registered jwtkeyPublic.
	jwtSrc := bouquetConfig.JWTLogin(userID, privateKey)

	// 4. API key (newer servers' /rs/apikeys): the key is sent as the assertion.
	keySrc := bouquetConfig.APIKeyLogin(os.Getenv("BOUQUET_API_KEY"))

	c, err := bouquet.New(ctx, bouquet.WithTokenSource(passwordSrc))
	// readme:end
	return c, []*auth.Source{passwordSrc, codeSrc, jwtSrc, keySrc}, err
}

// readme:begin bouquet-dialog
// 5. The OAuth dialog, server-side flow (response_type=code).
func bouquetDialog(w http.ResponseWriter, r *http.Request) {
	attempt, err := bouquetConfig.CodeFlow().Start(nil) // {base}/oauth?…
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	saveAttempt(w, r, attempt)
	http.Redirect(w, r, attempt.URL, http.StatusFound)
}

func bouquetDialogCallback(w http.ResponseWriter, r *http.Request) {
	// Exchange checks state and trades the code at /rs/token.
	tok, err := bouquetConfig.CodeFlow().Exchange(r.Context(), loadAttempt(r), r.URL.Query())
	if err != nil {
		http.Error(w, "login failed", http.StatusForbidden)
		return
	}
	src := bouquetConfig.TokenSource(tok) // refreshes when Bouquet gave a refresh token
	useBouquet(src)
}

// 6. The OAuth dialog, client-side flow (response_type=token): the token arrives in the URL
// fragment, which your page hands to the server. ParseImplicit returns it only after
// /rs/tokeninfo confirms it was issued to the configured client; otherwise the error
// matches bouquet.ErrClientMismatch.
func bouquetImplicit(ctx context.Context, redirectURLWithFragment string, attempt *auth.Attempt) error {
	tok, err := bouquetConfig.ParseImplicit(ctx, redirectURLWithFragment, attempt.State)
	if err != nil {
		return err
	}
	useBouquet(bouquetConfig.TokenSource(tok))
	return nil
}

// readme:end

var bouquetUsed []*auth.Source

func useBouquet(src *auth.Source) { bouquetUsed = append(bouquetUsed, src) }

func bouquetUse(ctx context.Context, c *bouquet.Client, domains []bouquetapi.DomainPK, dims []bouquetapi.DimensionPK, metrics []bouquetapi.MetricPK) error {
	// readme:begin bouquet-use
	p, err := c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr.To("Sales")})
	if err != nil {
		return err
	}
	pid := p.JSON200.Id.ProjectId // a 201 is handed on as JSON200 too

	job, err := c.RunAnalysisJob(ctx, pid, bouquetapi.ProjectAnalysisJob{
		Domains: &domains, Dimensions: &dims, Metrics: &metrics,
	}) // creates the job and polls it until DONE, within ctx's deadline
	if err != nil {
		return err
	}
	for row, err := range c.AnalysisJobRows(ctx, pid, job.Id.AnalysisJobId, 1000) { // startIndex/maxResults pages
		if err != nil {
			return err
		}
		fmt.Println(ptr.Value(row.V))
	}

	_, err = c.GetProjectWithResponse(ctx, "nope", nil)
	var be *bouquet.Error
	if errors.As(err, &be) { // the same sentinels as every oasuite package
		fmt.Println(be.StatusCode, be.Type, errors.Is(err, bouquet.ErrNotFound))
	}
	// readme:end
	return nil
}

func bouquetRename(ctx context.Context, c *bouquet.Client, pid string) (*bouquetapi.Project, error) {
	// readme:begin bouquet-update
	p, err := bouquet.Object[bouquetapi.Project](c.GetProjectWithResponse(ctx, pid, nil))
	if err != nil {
		return nil, err
	}
	p.Name = ptr.To("Sales 2")
	p, err = bouquet.Update(ctx, p, func(ctx context.Context, p bouquetapi.Project) (*bouquetapi.UpdateProjectResponse, error) {
		return c.UpdateProjectWithResponse(ctx, pid, p)
	}) // errors.Is(err, bouquet.ErrConcurrentModification): read again and retry
	// readme:end
	return p, err
}

func TestBouquetSnippets(t *testing.T) {
	ctx := context.Background()
	fake := bouquettest.NewServer(bouquettest.WithResultRows(3), bouquettest.WithRetryAfter(0), bouquettest.WithJobSteps(1))
	defer fake.Close()
	saved := bouquetConfig
	defer func() { bouquetConfig = saved }()
	bouquetConfig.BaseURL, bouquetConfig.CustomerID = fake.BaseURL(), bouquettest.TestCustomerID
	bouquetConfig.ClientID, bouquetConfig.ClientSecret = bouquettest.TestClientID, bouquettest.TestClientSecret
	bouquetConfig.RedirectURI = bouquettest.TestRedirectURI

	_, srcs, err := bouquetLogins(ctx, bouquettest.TestLogin, bouquettest.TestPassword, "user", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, src := range srcs[:2] { // the password and code logins
		if tok, err := src.TokenContext(ctx); err != nil || tok.AccessToken == "" {
			t.Fatalf("login %d: %v", i+1, err)
		}
	}
	if tok, _ := srcs[1].TokenContext(ctx); tok.RefreshToken == "" {
		t.Error("the offline code login brought no refresh token")
	}

	c, err := bouquet.New(ctx, bouquet.WithBaseURL(fake.BaseURL()), bouquet.WithTokenSource(srcs[0]), bouquet.WithPollInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	// What the analysis needs: a domain with a dimension and a metric.
	setup, err := c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr.To("Setup")})
	if err != nil {
		t.Fatal(err)
	}
	pid := setup.JSON200.Id.ProjectId
	d, err := c.CreateDomainWithResponse(ctx, pid, bouquetapi.Domain{Name: ptr.To("Orders"), Subject: &bouquetapi.Expression{Value: ptr.To("'orders'")}})
	if err != nil {
		t.Fatal(err)
	}
	dim, err := c.CreateDimensionWithResponse(ctx, pid, d.JSON200.Id.DomainId, bouquetapi.Dimension{Name: ptr.To("country"), Type: ptr.To(bouquetapi.DimensionTypeCATEGORICAL)})
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.CreateMetricWithResponse(ctx, pid, d.JSON200.Id.DomainId, bouquetapi.Metric{Name: ptr.To("revenue"), Expression: &bouquetapi.Expression{Value: ptr.To("SUM('amount')")}})
	if err != nil {
		t.Fatal(err)
	}
	out := captureStdout(t, func() {
		err = bouquetUse(ctx, c, []bouquetapi.DomainPK{*d.JSON200.Id}, []bouquetapi.DimensionPK{*dim.JSON200.Id}, []bouquetapi.MetricPK{*m.JSON200.Id})
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// The job belongs to the snippet's project, which has no domain: the
	// fake still answers its synthetic rows.
	if want := "404 ObjectNotFoundAPIException true\n"; len(out) < len(want) || out[len(out)-len(want):] != want {
		t.Fatalf("output:\n%s", out)
	}
	p, err := bouquetRename(ctx, c, pid)
	if err != nil || ptr.Value(p.Name) != "Sales 2" {
		t.Fatalf("update: %+v, %v", p, err)
	}

	// The client-side dialog: a token of another client is refused.
	other := bouquetConfig
	other.ClientID, other.RedirectURI = bouquettest.OtherClientID, "https://other.example.org/cb"
	otherTok, err := other.PasswordLogin(bouquettest.OtherLogin, bouquettest.OtherPassword).TokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	att, err := bouquetConfig.ImplicitFlow().Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bouquetImplicit(ctx, bouquettest.TestRedirectURI+"#access_token="+otherTok.AccessToken+"&state="+att.State, att)
	if !errors.Is(err, bouquet.ErrClientMismatch) {
		t.Fatalf("foreign implicit token: %v, want ErrClientMismatch", err)
	}
	if len(bouquetUsed) != 0 {
		t.Fatal("a refused token was used")
	}
}
