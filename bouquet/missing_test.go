package bouquet_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/validate"
)

// TestHelpersNeverSilent: a results page without "rows" is a
// *validate.MissingFieldError naming it, for AnalysisJobResults and
// AnalysisJobRows alike; never an empty table.
func TestHelpersNeverSilent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"totalSize":3,"lines":[]}`)
	}))
	defer srv.Close()
	c, err := bouquet.New(context.Background(), bouquet.WithBaseURL(srv.URL),
		bouquet.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AnalysisJobResults(context.Background(), "p1", "j1", nil)
	var me *validate.MissingFieldError
	if !errors.As(err, &me) || me.Field != "rows" || me.Vendor != "bouquet" || me.Status != 200 {
		t.Fatalf("AnalysisJobResults: %v", err)
	}
	var got error
	for _, err := range c.AnalysisJobRows(context.Background(), "p1", "j1", 10) {
		if err != nil {
			got = err
			break
		}
		t.Fatal("a row from a page without rows")
	}
	if !errors.As(got, &me) || me.Field != "rows" {
		t.Fatalf("AnalysisJobRows: %v", got)
	}
}
