package benchkit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// RawClient is the floor: what a careful Go developer writes by hand for
// these four calls with net/http and encoding/json alone — one request,
// the bearer header, a status check, a streaming decode, a drained body.
type RawClient struct {
	hc     *http.Client
	base   string // http://127.0.0.1:port/api/acme
	bearer string // "Bearer " + token, built once
}

func NewRawClient(serverURL string) *RawClient {
	return &RawClient{
		hc:     &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()},
		base:   serverURL + "/api/" + Company,
		bearer: "Bearer " + AccessToken,
	}
}

func (c *RawClient) do(ctx context.Context, method, u string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", c.bearer)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s", method, u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body) // let the connection be reused
	return nil
}

func (c *RawClient) GetHeader(ctx context.Context, id string) (*RawHeader, error) {
	var h RawHeader
	return &h, c.do(ctx, http.MethodGet, c.base+"/Style/Header/"+url.PathEscape(id), nil, &h)
}

func (c *RawClient) CreateHeader(ctx context.Context, folder string, w RawHeaderWrite) (*RawHeader, error) {
	var h RawHeader
	return &h, c.do(ctx, http.MethodPost, c.base+"/Style/Header/Create?folderId="+url.QueryEscape(folder), w, &h)
}

func (c *RawClient) ListHeaders(ctx context.Context, folder string, size, number int) (*RawHeaderPage, error) {
	u := c.base + "/Style/Headers?folderId=" + url.QueryEscape(folder) +
		"&PageSize=" + strconv.Itoa(size) + "&pageNumber=" + strconv.Itoa(number)
	var p RawHeaderPage
	return &p, c.do(ctx, http.MethodPost, u, RawListRequest{}, &p)
}

// headers pages like beproduct.Client.Headers: until the total is reached
// or a page comes back short.
func (c *RawClient) Headers(ctx context.Context, folder string, size int) iter.Seq2[RawHeader, error] {
	return func(yield func(RawHeader, error) bool) {
		seen := int64(0)
		for n := 0; ; n++ {
			p, err := c.ListHeaders(ctx, folder, size, n)
			if err != nil {
				yield(RawHeader{}, err)
				return
			}
			for _, h := range p.Result {
				if !yield(h, nil) {
					return
				}
			}
			seen += int64(len(p.Result))
			if len(p.Result) < size || (p.Total > 0 && seen >= p.Total) {
				return
			}
		}
	}
}
