package ogenpeer

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"

	"github.com/go-faster/jx"
	"github.com/ogen-go/ogen/ogenerrors"

	"github.com/oasuite/sdk/bench/benchkit"
	"github.com/oasuite/sdk/bench/ogenpeer/api"
)

// bearer hands ogen the server's token for the OAuth2 scheme and skips the
// access_token query alternative, as the suite sends the Authorization
// header. A static token is the cheapest source there is: ogen has no
// token cache of its own.
type bearer struct{}

func (bearer) BeproductOAuth(context.Context, api.OperationName) (api.BeproductOAuth, error) {
	return api.BeproductOAuth{Token: benchkit.AccessToken}, nil
}

func (bearer) AccessTokenQuery(context.Context, api.OperationName) (api.AccessTokenQuery, error) {
	return api.AccessTokenQuery{}, ogenerrors.ErrSkipClientSecurity
}

// AutomationAuth is the Automation API's X-Authorization header, which the
// benchmarks never call.
func (bearer) AutomationAuth(context.Context, api.OperationName) (api.AutomationAuth, error) {
	return api.AutomationAuth{}, ogenerrors.ErrSkipClientSecurity
}

// newOgenClient is ogen's generated client as its documentation builds
// one, on its own connection pool like the raw client.
func newOgenClient(serverURL string) (*api.Client, error) {
	return api.NewClient(serverURL+"/api/"+benchkit.Company, bearer{},
		api.WithClient(&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}))
}

func ogenGet(ctx context.Context, c *api.Client) (*api.Header, error) {
	res, err := c.GetStyleHeader(ctx, api.GetStyleHeaderParams{HeaderId: benchkit.HeaderID})
	if err != nil {
		return nil, err
	}
	h, ok := res.(*api.HeaderHeaders)
	if !ok {
		return nil, fmt.Errorf("get: answer %T", res)
	}
	return &h.Response, nil
}

func ogenCreate(ctx context.Context, c *api.Client, body *api.HeaderWrite) (*api.Header, error) {
	res, err := c.CreateStyleHeader(ctx, body, api.CreateStyleHeaderParams{FolderId: benchkit.FolderID})
	if err != nil {
		return nil, err
	}
	h, ok := res.(*api.HeaderHeaders)
	if !ok {
		return nil, fmt.Errorf("create: answer %T", res)
	}
	return &h.Response, nil
}

func ogenList(ctx context.Context, c *api.Client, folder string, number int) (*api.HeaderPage, error) {
	res, err := c.ListStyleHeaders(ctx, &api.HeaderListRequest{}, api.ListStyleHeadersParams{
		FolderId:   api.NewOptString(folder),
		PageSize:   api.NewOptInt32(benchkit.PageSize),
		PageNumber: api.NewOptInt32(int32(number)),
	})
	if err != nil {
		return nil, err
	}
	p, ok := res.(*api.HeaderPageHeaders)
	if !ok {
		return nil, fmt.Errorf("list: answer %T", res)
	}
	return &p.Response, nil
}

// ogenHeaders pages like beproduct.Client.Headers and the raw client: until
// the total is reached or a page comes back short.
func ogenHeaders(ctx context.Context, c *api.Client, folder string) iter.Seq2[api.Header, error] {
	return func(yield func(api.Header, error) bool) {
		seen := int64(0)
		for n := 0; ; n++ {
			p, err := ogenList(ctx, c, folder, n)
			if err != nil {
				yield(api.Header{}, err)
				return
			}
			for _, h := range p.Result {
				if !yield(h, nil) {
					return
				}
			}
			seen += int64(len(p.Result))
			if len(p.Result) < benchkit.PageSize || (p.Total > 0 && seen >= p.Total) {
				return
			}
		}
	}
}

// ogenCreateBody is benchkit.CreateBody in ogen's types.
func ogenCreateBody() (*api.HeaderWrite, error) {
	rb := benchkit.CreateBody()
	w := &api.HeaderWrite{}
	for _, f := range rb.Fields {
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		w.Fields = append(w.Fields, api.FieldUpdate{ID: f.ID, Value: api.FieldValue(jx.Raw(v))})
	}
	for _, s := range rb.Sizes {
		w.Sizes = append(w.Sizes, api.SizeWrite{
			Name: api.NewOptString(s.Name), Price: api.NewOptFloat64(s.Price), Currency: api.NewOptString(s.Currency),
			IsDefault: api.NewOptBool(s.IsDefault), IsSampleSize: api.NewOptBool(s.IsSampleSize),
		})
	}
	return w, nil
}
