package bouquet_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bouquet/bouquettest"
	"github.com/oasuite/sdk/gen/bouquetapi"
)

func updateProject(c *bouquet.Client, pid string) func(context.Context, bouquetapi.Project) (*bouquetapi.UpdateProjectResponse, error) {
	return func(ctx context.Context, p bouquetapi.Project) (*bouquetapi.UpdateProjectResponse, error) {
		return c.UpdateProjectWithResponse(ctx, pid, p)
	}
}

func TestUpdateKeepsVersionAndReportsConflicts(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, newFake(t))
	pid, _, _ := project(t, c)
	read := func() *bouquetapi.Project {
		p, err := bouquet.Object[bouquetapi.Project](c.GetProjectWithResponse(ctx, pid, nil))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	mine, theirs := read(), read()
	if mine.UnderscoreVctrl == nil || *mine.UnderscoreVctrl != 0 {
		t.Fatalf("_vctrl after create = %v, want 0", mine.UnderscoreVctrl)
	}
	// A field the spec does not know survives the round trip.
	mine.AdditionalProperties = map[string]any{"newerServerField": "kept"}
	mine.Name = ptr("Sales (mine)")
	got, err := bouquet.Update(ctx, mine, updateProject(c, pid))
	if err != nil {
		t.Fatal(err)
	}
	if *got.UnderscoreVctrl != 1 || *got.Name != "Sales (mine)" || got.AdditionalProperties["newerServerField"] != "kept" {
		t.Fatalf("updated: _vctrl %v name %v extra %v", *got.UnderscoreVctrl, *got.Name, got.AdditionalProperties)
	}
	// theirs still carries version 0: the server refuses it.
	theirs.Name = ptr("Sales (theirs)")
	_, err = bouquet.Update(ctx, theirs, updateProject(c, pid))
	var ce *bouquet.ConflictError
	if !errors.As(err, &ce) || ce.Sent != 0 || !errors.Is(err, bouquet.ErrConcurrentModification) ||
		!errors.Is(err, bouquet.ErrConflict) || ce.Err.Type != bouquet.TypeConcurrentModification {
		t.Fatalf("stale update: %v", err)
	}
	if *read().Name != "Sales (mine)" {
		t.Fatal("the stale update was applied")
	}
	theirs.UnderscoreVctrl = nil
	if _, err := bouquet.Update(ctx, theirs, updateProject(c, pid)); !errors.Is(err, bouquet.ErrNoVersion) {
		t.Fatalf("no version: %v", err)
	}
}

func TestDocumentedStatusesFillJSON200(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, bouquettest.WithDocumentedStatuses())
	c := newClient(t, f)
	p, err := c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr("Sales")})
	if err != nil || p.JSON200 == nil {
		t.Fatalf("create under 201: %v %+v", err, p)
	}
	d, err := c.DeleteProjectWithResponse(ctx, p.JSON200.Id.ProjectId)
	if err != nil || d.JSON200 == nil || !*d.JSON200 {
		t.Fatalf("delete under 204: %v %+v", err, d)
	}
	if _, err := c.GetProjectWithResponse(ctx, p.JSON200.Id.ProjectId, nil); !errors.Is(err, bouquet.ErrNotFound) {
		t.Fatalf("deleted project: %v", err)
	}
}

// newStatusServer answers every request with one status and no body.
func newStatusServer(t *testing.T, status int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestUndocumentedSuccessIsAnError(t *testing.T) {
	srv := newStatusServer(t, http.StatusAccepted)
	c, err := bouquet.New(context.Background(), bouquet.WithBaseURL(srv), bouquet.WithoutCredentials())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListProjectsWithResponse(context.Background())
	if !errors.Is(err, bouquet.ErrUnexpectedStatus) {
		t.Fatalf("202: %v", err)
	}
}

func TestNoErrorAnswersReadAsErrors(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	c := newClient(t, f, bouquet.WithNoError())
	_, err := c.GetProjectWithResponse(ctx, "nope", nil)
	var be *bouquet.Error
	if !errors.As(err, &be) || !be.NoError || be.StatusCode != http.StatusNotFound || !errors.Is(err, bouquet.ErrNotFound) {
		t.Fatalf("no_error 404: %#v", err)
	}
	pid, _, _ := project(t, c) // successes read as usual
	if pid == "" {
		t.Fatal("no project id")
	}
	// An expired token answered as HTTP 200 still makes the source log in again.
	before := f.TokensIssued("auth-token")
	f.ExpireTokens()
	if _, err := c.GetProjectWithResponse(ctx, pid, nil); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if f.Requests("createAuthToken") < 2 {
		t.Fatalf("no second login (tokens issued before: %d)", before)
	}
}

func TestAnnotations(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, newFake(t))
	pid, _, _ := project(t, c)
	pk, err := c.CreateAnnotationWithResponse(ctx, pid, bouquetapi.Annotation{Message: ptr("revenue dipped in May")})
	if err != nil {
		t.Fatal(err)
	}
	aid := pk.JSON200.AnnotationId
	list, err := c.ListAnnotationsWithResponse(ctx, pid, nil)
	if err != nil || len(list.JSON200.Annotations) != 1 {
		t.Fatalf("list: %v %+v", err, list)
	}
	a, err := bouquet.Object[bouquetapi.Annotation](c.GetAnnotationWithResponse(ctx, pid, aid))
	if err != nil || a.AuthorId.UserId != bouquettest.TestUserID {
		t.Fatalf("get: %v %+v", err, a)
	}
	a.Message = ptr("revenue dipped in June")
	a, err = bouquet.Update(ctx, a, func(ctx context.Context, a bouquetapi.Annotation) (*bouquetapi.UpdateAnnotationResponse, error) {
		return c.UpdateAnnotationWithResponse(ctx, pid, aid, a)
	})
	if err != nil || *a.Message != "revenue dipped in June" {
		t.Fatalf("update: %v", err)
	}
	ar := bouquetapi.AccessRightSet{{Role: ptr(bouquetapi.AccessRightRoleREAD), UserId: ptr(bouquettest.OtherUserID)}}
	if _, err := c.SetAnnotationAccessWithResponse(ctx, pid, aid, ar); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetAnnotationAccessWithResponse(ctx, pid, aid)
	if err != nil || len(*got.JSON200) != 1 {
		t.Fatalf("access: %v", err)
	}
	if _, err := c.DeleteAnnotationWithResponse(ctx, pid, aid); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetAnnotationWithResponse(ctx, pid, aid); !errors.Is(err, bouquet.ErrNotFound) {
		t.Fatalf("deleted: %v", err)
	}
}

func TestCacheRefreshHardAndSoft(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	c := newClient(t, f)
	pid, did, _ := project(t, c)
	hard := bouquetapi.RefreshProjectCacheParamsTypeHARD
	if _, err := c.RefreshProjectCacheWithResponse(ctx, pid, &bouquetapi.RefreshProjectCacheParams{Type: &hard}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RefreshProjectCacheWithResponse(ctx, pid, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteProjectCacheWithResponse(ctx, pid); err != nil {
		t.Fatal(err)
	}
	if r, err := c.RefreshProjectDatabaseWithResponse(ctx, pid, nil); err != nil || !*r.JSON200 {
		t.Fatalf("refreshDatabase: %v", err)
	}
	info, err := c.GetProjectCacheWithResponse(ctx, pid)
	if err != nil || info.JSON200 == nil {
		t.Fatal(err)
	}
	if soft, hard := f.CacheRefreshes(pid); soft != 2 || hard != 2 {
		t.Fatalf("project refreshes soft %d hard %d, want 2 and 2", soft, hard)
	}
	if _, err := c.RefreshDomainCacheWithResponse(ctx, pid, did, nil); err != nil {
		t.Fatal(err)
	}
	if r, err := c.RefreshDomainDataWithResponse(ctx, pid, did); err != nil || !*r.JSON200 {
		t.Fatalf("refreshData: %v", err)
	}
	if _, err := c.GetDomainCacheWithResponse(ctx, pid, did); err != nil {
		t.Fatal(err)
	}
	if soft, _ := f.CacheRefreshes(pid + "/" + did); soft != 1 {
		t.Fatalf("domain soft refreshes %d, want 1", soft)
	}
	if _, err := c.RefreshDomainCacheWithResponse(ctx, pid, "nope", nil); !errors.Is(err, bouquet.ErrNotFound) {
		t.Fatalf("unknown domain: %v", err)
	}
}

// names returns a reader of the suggestions of an answer.
func names(t *testing.T) func(*bouquetapi.ExpressionSuggestion, error) []string {
	return func(s *bouquetapi.ExpressionSuggestion, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range *s.Suggestions {
			out = append(out, *it.Suggestion)
		}
		return out
	}
}

type sugg = bouquetapi.ExpressionSuggestion

func TestSuggestions(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, newFake(t))
	pid, did, _ := project(t, c)
	expr := func(s string) *string { return &s }
	if got := names(t)(bouquet.Object[sugg](c.GetDomainSuggestionsWithResponse(ctx, pid, &bouquetapi.GetDomainSuggestionsParams{Expression: expr("'o")}))); len(got) != 1 || got[0] != "'orders'" {
		t.Errorf("domains: %v", got)
	}
	if got := names(t)(bouquet.Object[sugg](c.GetMetricSuggestionsWithResponse(ctx, pid, did, &bouquetapi.GetMetricSuggestionsParams{Expression: expr("SUM")}))); len(got) != 1 {
		t.Errorf("metrics: %v", got)
	}
	if got := names(t)(bouquet.Object[sugg](c.GetDimensionSuggestionsWithResponse(ctx, pid, did, &bouquetapi.GetDimensionSuggestionsParams{Expression: expr("'c")}))); len(got) != 2 {
		t.Errorf("dimensions: %v", got)
	}
	if got := names(t)(bouquet.Object[sugg](c.GetSegmentSuggestionsWithResponse(ctx, pid, did, &bouquetapi.GetSegmentSuggestionsParams{Expression: expr("'amount")}))); len(got) != 1 {
		t.Errorf("segments: %v", got)
	}
	dims, _ := c.ListDimensionsWithResponse(ctx, pid, did)
	dimID := (*dims.JSON200)[0].Id.DimensionId
	if got := names(t)(bouquet.Object[sugg](c.GetAttributeSuggestionsWithResponse(ctx, pid, did, dimID, nil))); len(got) < 4 {
		t.Errorf("attributes: %v", got)
	}
	got := names(t)(bouquet.Object[sugg](c.GetRelationSuggestionsWithResponse(ctx, pid, &bouquetapi.GetRelationSuggestionsParams{LeftDomainId: &did, RightDomainId: expr("d9")})))
	if len(got) != 1 || !strings.Contains(got[0], "@'"+did+"'") {
		t.Errorf("relations: %v", got)
	}
}

func TestDomainRelations(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, newFake(t))
	pid, did, _ := project(t, c)
	tmpl, err := bouquet.Object[bouquetapi.Relation](c.GetNewDomainRelationWithResponse(ctx, pid, did))
	if err != nil || tmpl.LeftId.DomainId != did || tmpl.Id != nil {
		t.Fatalf("new relation: %v %+v", err, tmpl)
	}
	d2, _ := c.CreateDomainWithResponse(ctx, pid, bouquetapi.Domain{Name: ptr("Customers")})
	tmpl.RightId = d2.JSON200.Id
	if _, err := c.CreateRelationWithResponse(ctx, pid, *tmpl); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListDomainRelationsWithResponse(ctx, pid, d2.JSON200.Id.DomainId)
	if err != nil || len(*list.JSON200) != 1 {
		t.Fatalf("domain relations: %v", err)
	}
}

func TestValidateConnection(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	c := newClient(t, f)
	secret := "db-secret-4f1a"
	ok, err := c.ValidateConnectionWithResponse(ctx, &bouquetapi.ValidateConnectionParams{Url: ptr("jdbc:postgresql://db/sales"), Username: ptr("u"), Password: &secret})
	if err != nil || len(*ok.JSON200.Suggestions) != 2 {
		t.Fatalf("validate: %v", err)
	}
	_, err = c.ValidateConnectionWithResponse(ctx, &bouquetapi.ValidateConnectionParams{Url: ptr("postgres://db"), Password: &secret})
	if !errors.Is(err, bouquet.ErrBadRequest) || strings.Contains(err.Error(), secret) {
		t.Fatalf("bad url: %v", err)
	}
	info, err := c.ValidateConnectionDefinitionWithResponse(ctx, nil, bouquetapi.Project{DbUrl: ptr("jdbc:mysql://db/x")})
	if err != nil || *info.JSON200.DbVendorId != "mysql" {
		t.Fatalf("definition: %v", err)
	}
	info, err = c.ValidateConnectionDefinitionWithResponse(ctx, &bouquetapi.ValidateConnectionDefinitionParams{NoError: ptr(true)}, bouquetapi.Project{DbUrl: ptr("x")})
	if err != nil || info.JSON200.ErrorMessage == nil {
		t.Fatalf("definition, noError: %v", err)
	}
}

func TestExportAnalysisJobStreams(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, newFake(t, bouquettest.WithResultRows(7)))
	pid, _, spec := project(t, c)
	job, err := c.RunAnalysisJob(ctx, pid, spec)
	if err != nil {
		t.Fatal(err)
	}
	jid := job.Id.AnalysisJobId
	body, err := c.ExportAnalysisJobFile(ctx, pid, jid, "csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for sc := bufio.NewScanner(body); sc.Scan(); {
		lines++
	}
	body.Close()
	if lines != 8 {
		t.Fatalf("csv lines %d, want header + 7", lines)
	}
	gz, err := c.ExportAnalysisJobFile(ctx, pid, jid, "csv.gz", &bouquetapi.ExportAnalysisJobParams{MaxResults: ptr(int32(3))})
	if err != nil {
		t.Fatal(err)
	}
	defer gz.Close()
	zr, err := gzip.NewReader(gz)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	if n := strings.Count(string(b), "\n"); n != 4 {
		t.Fatalf("csv.gz lines %d, want header + 3", n)
	}
	if _, err := c.ExportAnalysisJobFile(ctx, pid, jid, "pdf", nil); !errors.Is(err, bouquet.ErrBadRequest) {
		t.Fatalf("pdf: %v", err)
	}
}

func TestExportWhileComputing(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, newFake(t, bouquettest.WithJobSteps(5)))
	pid, _, spec := project(t, c)
	j, err := c.CreateAnalysisJobWithResponse(ctx, pid, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExportAnalysisJobFile(ctx, pid, j.JSON200.Id.AnalysisJobId, "csv", nil); !errors.Is(err, bouquet.ErrComputingInProgress) {
		t.Fatalf("export while computing: %v", err)
	}
}

// rsaKey makes a client key pair and registers its public half on the
// client, as an administrator would (jwtkeyPublic, PEM).
func rsaKey(t *testing.T, c *bouquet.Client, clientID string) *rsa.PrivateKey {
	t.Helper()
	ctx := context.Background()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	pub := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	cl, err := bouquet.Object[bouquetapi.APIClient](c.GetClientWithResponse(ctx, clientID))
	if err != nil {
		t.Fatal(err)
	}
	cl.JwtkeyPublic = &pub
	if _, err := bouquet.Update(ctx, cl, func(ctx context.Context, v bouquetapi.APIClient) (*bouquetapi.UpdateClientResponse, error) {
		return c.UpdateClientWithResponse(ctx, clientID, v)
	}); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestJWTLogin(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	admin := newClient(t, f)
	key := rsaKey(t, admin, bouquettest.TestClientID)
	cfg := oauthCfg(f)
	cfg.ClientSecret = ""
	c, err := bouquet.New(ctx, bouquet.WithBaseURL(f.BaseURL()), bouquet.WithTokenSource(cfg.JWTLogin(bouquettest.OtherUserID, key)))
	if err != nil {
		t.Fatal(err)
	}
	u, err := c.GetCurrentUserWithResponse(ctx)
	if err != nil || *u.JSON200.Login != bouquettest.OtherLogin {
		t.Fatalf("JWT login: %v", err)
	}
	// Claims as the Java SDK signs them; a key the server does not know fails.
	raw, err := cfg.AssertionGrant(bouquettest.OtherUserID, key).Assertion()
	if err != nil || strings.Count(raw, ".") != 2 {
		t.Fatalf("assertion: %v", err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, err = cfg.JWTLogin(bouquettest.OtherUserID, other).Token()
	var te *auth.TokenError
	if !errors.As(err, &te) || te.StatusCode != http.StatusForbidden {
		t.Fatalf("wrong key: %v", err)
	}
	wrongIss := cfg
	wrongIss.ClientID = bouquettest.OtherClientID
	if _, err := wrongIss.JWTLogin(bouquettest.OtherUserID, key).Token(); !errors.As(err, &te) {
		t.Fatalf("unregistered client key: %v", err)
	}
}

func TestAPIKeyLogin(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	admin := newClient(t, f)
	k, err := bouquet.Object[bouquetapi.ApiKey](admin.CreateApiKeyWithResponse(ctx, bouquetapi.ApiKey{}))
	if err != nil || k.Assertion == nil {
		t.Fatalf("create key: %v", err)
	}
	keys, err := admin.ListApiKeysWithResponse(ctx)
	if err != nil || len(*keys.JSON200) != 1 {
		t.Fatalf("list keys: %v", err)
	}
	kid := k.Id.ApiKey
	if _, err := admin.GetApiKeyWithResponse(ctx, kid); err != nil {
		t.Fatal(err)
	}
	cfg := oauthCfg(f)
	c, _ := bouquet.New(ctx, bouquet.WithBaseURL(f.BaseURL()), bouquet.WithTokenSource(cfg.APIKeyLogin(*k.Assertion)))
	u, err := c.GetCurrentUserWithResponse(ctx)
	if err != nil || *u.JSON200.Login != bouquettest.TestLogin {
		t.Fatalf("API key login: %v", err)
	}
	k.TokenUrl = ptr("changed")
	if _, err := bouquet.Update(ctx, k, func(ctx context.Context, v bouquetapi.ApiKey) (*bouquetapi.UpdateApiKeyResponse, error) {
		return admin.UpdateApiKeyWithResponse(ctx, kid, v)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.DeleteApiKeyWithResponse(ctx, kid); err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.APIKeyLogin(*k.Assertion).Token(); err == nil || strings.Contains(err.Error(), *k.Assertion) {
		t.Fatalf("deleted key: %v", err)
	}
	if _, err := cfg.APIKeyLogin("").Token(); !errors.Is(err, bouquet.ErrNoAPIKey) {
		t.Fatalf("empty key: %v", err)
	}
}

func TestAuthorizeURLOption(t *testing.T) {
	cfg := bouquet.OAuthConfig{ClientID: "app", AuthURL: bouquet.DefaultAuthorizeURL}
	a, err := cfg.CodeFlow().Start(nil)
	if err != nil || !strings.HasPrefix(a.URL, bouquet.DefaultAuthorizeURL+"?") {
		t.Fatalf("authorize URL %q: %v", a.URL, err)
	}
	if got := (bouquet.OAuthConfig{}).Endpoint().AuthURL; got != bouquet.DefaultBaseURL+"/oauth" {
		t.Fatalf("default dialog %q", got)
	}
}

func TestUserGroupsCurrentRoute(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	seen := &seen{}
	c := newClient(t, f, bouquet.WithHTTPClient(&http.Client{Transport: seen}))
	if _, err := c.ListUserGroupsWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	if p := seen.last().URL.Path; !strings.HasSuffix(p, "/rs/userGroups") {
		t.Fatalf("path %s", p)
	}
}

func TestComputingInProgressRetryAfterFromBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"code":200,"type":"ComputingInProgressAPIException","error":"wait","apiError":"COMPUTING_IN_PROGRESS","retryAfter":7,"queryID":"q1"}`)
	}))
	defer srv.Close()
	c, _ := bouquet.New(context.Background(), bouquet.WithBaseURL(srv.URL), bouquet.WithoutCredentials())
	_, err := c.GetAnalysisJobResultsWithResponse(context.Background(), "p", "j", nil)
	var be *bouquet.Error
	if !errors.As(err, &be) || !errors.Is(err, bouquet.ErrComputingInProgress) || be.RetryAfter != 7*time.Second || be.QueryID != "q1" || be.NoError {
		t.Fatalf("computing: %#v", err)
	}
}
