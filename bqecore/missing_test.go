package bqecore_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/validate"
)

// TestIteratorNeverSilent: a 2xx page that holds no array of records (an
// object, null) is a *validate.MissingFieldError, never an empty list.
func TestIteratorNeverSilent(t *testing.T) {
	for _, body := range []string{`{"items":[]}`, `null`, `"a string"`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, body)
		}))
		c, err := bqecore.New(context.Background(), bqecore.WithBaseURL(srv.URL+"/api"),
			bqecore.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})))
		if err != nil {
			t.Fatal(err)
		}
		var got error
		n := 0
		for _, err := range c.Activities(context.Background(), nil) {
			if err != nil {
				got = err
				break
			}
			n++
		}
		srv.Close()
		var me *validate.MissingFieldError
		if !errors.As(got, &me) || me.Vendor != "bqecore" || me.Path != "/api/activity" || me.Status != 200 || n != 0 {
			t.Errorf("page %s: %d items, error %v", body, n, got)
		}
	}
}
