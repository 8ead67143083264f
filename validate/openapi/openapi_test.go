package openapi_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/gen/bidcoreapi"
	"github.com/oasuite/sdk/gen/bouquetapi"
	"github.com/oasuite/sdk/gen/bqecoreapi"
	"github.com/oasuite/sdk/gen/procuriosapi"
	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/specs"
	"github.com/oasuite/sdk/validate"
	_ "github.com/oasuite/sdk/validate/openapi"
)

// compact is each vendor's run-time spec, as the clients pass it.
var compact = map[string]string{
	"bidcore": bidcoreapi.SpecJSON(), "bqecore": bqecoreapi.SpecJSON(), "bouquet": bouquetapi.SpecJSON(),
	"beproduct": beproductapi.SpecJSON(), "procurios": procuriosapi.SpecJSON(),
}

// NewResponseValidator is pipeline.NewResponseValidator with vendor's compact spec.
func NewResponseValidator(vendor string, mode validate.Mode, logger *slog.Logger) (*pipeline.ResponseValidator, error) {
	return pipeline.NewResponseValidator(vendor, compact[vendor], mode, logger)
}

const locType = "application/vnd.procurios.meeting2+json; version=1"

func TestValidatorRoutesBySuffix(t *testing.T) {
	cases := []struct{ vendor, method, path, op string }{
		{"bqecore", "GET", "/api/activity", "listActivities"},
		{"bqecore", "GET", "/some/tenant/api/activity/7f3a", "getActivity"},
		{"bqecore", "GET", "/api/project/p1/activities", "listProjectActivities"},
		{"procurios", "GET", "/l/meeting2_api/location", "listLocations"},
		{"procurios", "GET", "/l/meeting2_api/meetings/historical", "listHistoricalMeetings"},
		{"bouquet", "GET", "/release/v4.2/rs/projects/p%2F1/analysisjobs/j1.csv", "exportAnalysisJob"},
		{"bidcore", "GET", "/api/v2/advertisers/12/", "getAdvertiser"},
		{"bqecore", "GET", "/api/not-in-the-spec", ""},
		{"bqecore", "TRACE", "/api/activity", ""},
	}
	for _, c := range cases {
		full, err := specs.Load(c.vendor)
		if err != nil {
			t.Fatal(err)
		}
		// The compact JSON routes exactly as the full YAML spec.
		for form, spec := range map[string]string{"compact JSON": compact[c.vendor], "YAML": string(full)} {
			v, err := pipeline.NewResponseValidator(c.vendor, spec, validate.Strict, nil)
			if err != nil {
				t.Fatal(err)
			}
			op, _ := v.Operation(c.method, c.path)
			if op != c.op {
				t.Errorf("%s (%s) %s %s: routed to %q, want %q", c.vendor, form, c.method, c.path, op, c.op)
			}
		}
	}
}

func TestNewResponseValidatorOff(t *testing.T) {
	v, err := NewResponseValidator("bqecore", validate.Off, nil)
	if v != nil || err != nil {
		t.Fatalf("Off: %v, %v", v, err)
	}
	if _, err := NewResponseValidator("bqecore", validate.Mode(9), nil); err == nil {
		t.Fatal("unknown mode accepted")
	}
	if _, err := NewResponseValidator("nosuchvendor", validate.Log, nil); err == nil {
		t.Fatal("a vendor without a spec accepted")
	}
	if _, err := pipeline.NewResponseValidator("bqecore", "{not json", validate.Log, nil); err == nil {
		t.Fatal("a broken spec accepted")
	}
}

// serve answers every request with status, content type and body.
func serve(t *testing.T, status int, ct, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func doGet(t *testing.T, d *pipeline.Doer, u string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d.Do(req)
}

func TestStrictMismatchCarriesNoValues(t *testing.T) {
	const secret = "s3cr3t-VALUE"
	body := `{"locations":[{"id":1,"title":"a","capacity":"` + secret + `"},{"id":2,"title":"b","capacity":"` + secret + `"},{"title":"` + secret + `","extraField":"` + secret + `"}]}`
	base := serve(t, 200, locType, body)
	v, _ := NewResponseValidator("procurios", validate.Strict, nil)
	_, err := doGet(t, &pipeline.Doer{Validate: v}, base+"/l/meeting2_api/location")
	var sm *validate.SpecMismatchError
	if !errors.As(err, &sm) {
		t.Fatalf("want *SpecMismatchError, got %v", err)
	}
	if sm.Operation != "listLocations" || sm.Status != 200 || sm.Path != "/meeting2_api/location" || sm.Vendor != "procurios" {
		t.Errorf("error: %+v", sm)
	}
	want := map[string]validate.Mismatch{
		"/locations/0/capacity": {Kind: validate.KindSchema, Keyword: "type", Schema: "Location", Reason: "want integer, got string", Count: 2},
		"/locations/2/id":       {Kind: validate.KindSchema, Keyword: "required", Property: "id", Schema: "Location", Reason: `required property "id" is missing`, Count: 1},
	}
	found := 0
	for _, m := range sm.Mismatches {
		if w, ok := want[m.Pointer]; ok {
			found++
			w.Pointer = m.Pointer
			if m != w {
				t.Errorf("mismatch %s: got %+v, want %+v", m.Pointer, m, w)
			}
		}
	}
	if found != len(want) {
		t.Errorf("mismatches: %+v", sm.Mismatches)
	}
	// The undeclared key is a field name, which is reported; the values are not.
	if !strings.Contains(sm.Error(), "/locations/2/extraField") && !strings.Contains(sm.Error(), "more") {
		t.Errorf("undeclared field not named: %s", sm.Error())
	}
	var logBuf bytes.Buffer
	lv, _ := NewResponseValidator("procurios", validate.Log, slog.New(slog.NewJSONHandler(&logBuf, nil)))
	resp, err := doGet(t, &pipeline.Doer{Validate: lv}, base+"/l/meeting2_api/location")
	if err != nil {
		t.Fatalf("log mode: %v", err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != body {
		t.Errorf("log mode changed the body")
	}
	if n := strings.Count(logBuf.String(), "\n"); n != len(sm.Mismatches) {
		t.Errorf("log mode: %d records for %d mismatches", n, len(sm.Mismatches))
	}
	if !strings.Contains(logBuf.String(), `"pointer":"/locations/2/extraField"`) {
		t.Errorf("log records: %s", logBuf.String())
	}
	for _, text := range []string{sm.Error(), logBuf.String()} {
		if strings.Contains(text, secret) {
			t.Errorf("a body value leaked: %s", text)
		}
	}
}

func TestStrictNonSuccessWrapsVendorError(t *testing.T) {
	base := serve(t, 418, "text/plain", "teapot")
	v, _ := NewResponseValidator("procurios", validate.Strict, nil)
	_, err := doGet(t, &pipeline.Doer{Validate: v}, base+"/l/meeting2_api/location")
	var sm *validate.SpecMismatchError
	var he *pipeline.HTTPError
	if !errors.As(err, &sm) || !errors.As(err, &he) || he.StatusCode != 418 {
		t.Fatalf("want a SpecMismatchError wrapping the HTTPError, got %v", err)
	}
	if len(sm.Mismatches) != 1 || sm.Mismatches[0].Kind != validate.KindStatus {
		t.Errorf("mismatches: %+v", sm.Mismatches)
	}
	// A declared error status with the declared body is no mismatch.
	v2, _ := NewResponseValidator("bidcore", validate.Strict, nil)
	base = serve(t, 404, "application/json", `{"detail":"Not found."}`)
	_, err = doGet(t, &pipeline.Doer{Validate: v2}, base+"/api/v2/advertisers/1/")
	if errors.As(err, &sm) || !errors.As(err, &he) {
		t.Errorf("declared 404: %v", err)
	}
}

func TestExemptAndUnknownRoutes(t *testing.T) {
	base := serve(t, 200, "application/json", `"Not authenticated"`)
	v, _ := NewResponseValidator("bqecore", validate.Strict, nil)
	if _, err := doGet(t, &pipeline.Doer{Validate: v}, base+"/api/activity"); err == nil {
		t.Fatal("a string where an array is declared passed")
	}
	d := &pipeline.Doer{Validate: v, Exempt: func(*http.Response) bool { return true }}
	if _, err := doGet(t, d, base+"/api/activity"); err != nil {
		t.Fatalf("exempt answer checked: %v", err)
	}
	if _, err := doGet(t, &pipeline.Doer{Validate: v}, base+"/api/not-in-the-spec"); err != nil {
		t.Fatalf("a route the spec lacks was checked: %v", err)
	}
	empty := serve(t, 200, "application/json", "")
	if _, err := doGet(t, &pipeline.Doer{Validate: v}, empty+"/api/activity"); err == nil || !strings.Contains(err.Error(), "empty body") {
		t.Fatalf("empty body: %v", err)
	}
	wrongCT := serve(t, 200, "text/html", "<html>")
	if _, err := doGet(t, &pipeline.Doer{Validate: v}, wrongCT+"/api/activity"); err == nil || !strings.Contains(err.Error(), "text/html") {
		t.Fatalf("wrong media type: %v", err)
	}
}

func TestModeStrings(t *testing.T) {
	for _, m := range []validate.Mode{validate.Off, validate.Log, validate.Strict} {
		got, err := validate.ParseMode(m.String())
		if err != nil || got != m {
			t.Errorf("%v: %v %v", m, got, err)
		}
	}
	if _, err := validate.ParseMode("loud"); err == nil {
		t.Error("ParseMode accepted loud")
	}
}
