package benchkit

import (
	"context"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/gen/beproductapi"
)

// TokenFetcher hands out the server's token with an hour to live, as a
// refresh grant would.
func TokenFetcher() auth.Fetcher {
	return auth.FetcherFunc(func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
		return &oauth2.Token{AccessToken: AccessToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
	})
}

// NewSuiteClient is the public BeProduct client as a user builds it: a
// caching auth.Source, the shared pipeline (retry, token, headers), the
// error-mapping doer and the generated client. Its first call fetches the
// token; benchmarks make that call before timing.
func NewSuiteClient(tb testing.TB, serverURL string) *beproduct.Client {
	tb.Helper()
	c, err := beproduct.New(context.Background(),
		beproduct.WithCompany(Company),
		beproduct.WithBaseURL(serverURL+"/api"),
		beproduct.WithTokenSource(auth.NewSource(TokenFetcher())))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// SuiteCreateBody is CreateBody in the generated types.
func SuiteCreateBody() beproductapi.HeaderWrite {
	rb := CreateBody()
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

func SuiteGet(ctx context.Context, c *beproduct.Client) (*beproductapi.Header, error) {
	r, err := c.GetStyleHeaderWithResponse(ctx, HeaderID)
	if err != nil {
		return nil, err
	}
	return r.JSON200, nil
}

func SuiteCreate(ctx context.Context, c *beproduct.Client, body beproductapi.HeaderWrite) (*beproductapi.Header, error) {
	r, err := c.CreateStyleHeaderWithResponse(ctx, &beproductapi.CreateStyleHeaderParams{FolderId: FolderID}, body)
	if err != nil {
		return nil, err
	}
	return r.JSON200, nil
}

func SuiteList(ctx context.Context, c *beproduct.Client) (*beproductapi.HeaderPage, error) {
	return c.ListHeaders(ctx, beproduct.Style, beproduct.ListOptions{FolderID: FolderID, PageSize: PageSize}, 0)
}
