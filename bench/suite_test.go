package bench

import (
	"context"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/gen/beproductapi"
)

// tokenFetcher hands out the server's token with an hour to live, as a
// refresh grant would.
func tokenFetcher() auth.Fetcher {
	return auth.FetcherFunc(func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
		return &oauth2.Token{AccessToken: accessToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
	})
}

// newSuiteClient is the public BeProduct client as a user builds it: a
// caching auth.Source, the shared pipeline (retry, token, headers), the
// error-mapping doer and the generated client. Its first call fetches the
// token; benchmarks make that call before timing.
func newSuiteClient(tb testing.TB, serverURL string) *beproduct.Client {
	tb.Helper()
	c, err := beproduct.New(context.Background(),
		beproduct.WithCompany(company),
		beproduct.WithBaseURL(serverURL+"/api"),
		beproduct.WithTokenSource(auth.NewSource(tokenFetcher())))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// suiteCreateBody is createBody in the generated types.
func suiteCreateBody() beproductapi.HeaderWrite {
	rb := createBody()
	fields := make([]beproductapi.FieldUpdate, len(rb.Fields))
	for i, f := range rb.Fields {
		fields[i] = beproductapi.FieldUpdate{Id: f.ID, Value: f.Value}
	}
	sizes := make([]beproductapi.SizeWrite, len(rb.Sizes))
	for i, s := range rb.Sizes {
		sizes[i] = beproductapi.SizeWrite{Name: &s.Name, Price: &s.Price, Currency: &s.Currency, IsDefault: &s.IsDefault, IsSampleSize: &s.IsSampleSize}
	}
	return beproductapi.HeaderWrite{Fields: &fields, Sizes: &sizes}
}

func suiteGet(ctx context.Context, c *beproduct.Client) (*beproductapi.Header, error) {
	r, err := c.GetStyleHeaderWithResponse(ctx, headerID)
	if err != nil {
		return nil, err
	}
	return r.JSON200, nil
}

func suiteCreate(ctx context.Context, c *beproduct.Client, body beproductapi.HeaderWrite) (*beproductapi.Header, error) {
	r, err := c.CreateStyleHeaderWithResponse(ctx, &beproductapi.CreateStyleHeaderParams{FolderId: folderID}, body)
	if err != nil {
		return nil, err
	}
	return r.JSON200, nil
}

func suiteList(ctx context.Context, c *beproduct.Client) (*beproductapi.HeaderPage, error) {
	return c.ListHeaders(ctx, beproduct.Style, beproduct.ListOptions{FolderID: folderID, PageSize: pageSize}, 0)
}
