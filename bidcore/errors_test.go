package bidcore

import (
	"errors"
	"strings"
	"testing"

	"github.com/oasuite/sdk/internal/pipeline"
)

func TestMapErrorBodies(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		body       string
		wantDetail string
		wantFields map[string][]string
		sentinel   error
	}{
		{"detail", 404, `{"detail":"Not found."}`, "Not found.", nil, ErrNotFound},
		{"fields", 400, `{"name":["This field is required."],"advertiser":["Invalid pk \"9\" - object does not exist."]}`,
			"", map[string][]string{"name": {"This field is required."}, "advertiser": {`Invalid pk "9" - object does not exist.`}}, ErrBadRequest},
		{"bare list", 400, `["end_date must not be before start_date."]`, "",
			map[string][]string{"non_field_errors": {"end_date must not be before start_date."}}, ErrBadRequest},
		{"text", 504, "<html>Gateway Timeout</html>", "<html>Gateway Timeout</html>", nil, ErrGatewayTimeout},
		{"empty", 500, "", "", nil, ErrServer},
		{"406", 406, `{"detail":"Cannot delete advertiser 1: 1 campaigns depend on it."}`, "Cannot delete advertiser 1: 1 campaigns depend on it.", nil, ErrNotAcceptable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := mapError(&pipeline.ErrorResponse{StatusCode: tc.status, Method: "GET", URL: "https://my.bidcore.iponweb.com/api/v2/advertisers/", Body: []byte(tc.body)})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if e.Detail != tc.wantDetail {
				t.Errorf("Detail = %q, want %q", e.Detail, tc.wantDetail)
			}
			if len(e.Fields) != len(tc.wantFields) {
				t.Errorf("Fields = %v, want %v", e.Fields, tc.wantFields)
			}
			for k, v := range tc.wantFields {
				if strings.Join(e.Fields[k], "|") != strings.Join(v, "|") {
					t.Errorf("Fields[%s] = %v, want %v", k, e.Fields[k], v)
				}
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.sentinel)
			}
			if errors.Is(err, ErrConflict) {
				t.Errorf("error %v matches an unrelated sentinel", err)
			}
			if !strings.Contains(err.Error(), "GET https://my.bidcore.iponweb.com/api/v2/advertisers/") {
				t.Errorf("Error() = %q lacks the request line", err.Error())
			}
		})
	}
}

func TestMapErrorLongBodyIsShortened(t *testing.T) {
	err := mapError(&pipeline.ErrorResponse{StatusCode: 500, Body: []byte(strings.Repeat("é", 500))})
	var e *Error
	errors.As(err, &e)
	if len(e.Detail) > maxDetail+len("…") || !strings.HasSuffix(e.Detail, "…") {
		t.Fatalf("Detail not shortened: %d bytes", len(e.Detail))
	}
}

func TestEverySentinelMatchesItsStatus(t *testing.T) {
	for code, want := range map[int]error{400: ErrBadRequest, 401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound,
		405: ErrMethodNotAllowed, 406: ErrNotAcceptable, 409: ErrConflict, 429: ErrTooManyRequests, 500: ErrServer, 504: ErrGatewayTimeout} {
		if err := (&Error{StatusCode: code}); !errors.Is(err, want) {
			t.Errorf("status %d does not match %v", code, want)
		}
	}
}
