package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/validate"
)

// runAppTampered is runApp with each started fake handed to tamper first.
func runAppTampered(t *testing.T, tamper func(*fake), args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var o, e bytes.Buffer
	env := map[string]string{"OASUITE_CONFIG_DIR": t.TempDir()}
	a := &app{stdin: strings.NewReader(""), stdout: &o, stderr: &e, getenv: func(k string) string { return env[k] }, onSandbox: tamper}
	code = a.run(ctx, args)
	return o.String(), e.String(), code
}

func decodeReport(t *testing.T, out string) checkReport {
	t.Helper()
	var rep checkReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("check --json printed no report: %v\n%s", err, out)
	}
	return rep
}

// TestCheckSandbox: the tour of every vendor's built-in fake finds the
// fake and the spec in agreement.
func TestCheckSandbox(t *testing.T) {
	for _, v := range vendors() {
		name := v.info().name
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runAppTampered(t, nil, "check", name, "--sandbox", "--json")
			if code != 0 {
				t.Fatalf("check %s --sandbox: exit %d\n%s\n%s", name, code, out, errOut)
			}
			rep := decodeReport(t, out)
			if rep.Mismatches != 0 || rep.Called == 0 || rep.Vendor != name || len(rep.Proposals) != 0 {
				t.Fatalf("report: %+v", rep)
			}
			for _, r := range rep.Operations {
				if r.Result != "ok" && r.Result != "skipped" {
					t.Errorf("%s: %s %s", r.Operation, r.Result, r.Note)
				}
				if r.Method != "GET" || !(strings.HasPrefix(r.Operation, "list") || strings.HasPrefix(r.Operation, "get")) {
					t.Errorf("the tour called %s %s (%s)", r.Method, r.Path, r.Operation)
				}
			}
			t.Logf("%s: %d operations called, %d skipped, 0 mismatches", name, rep.Called, rep.Skipped)
		})
	}
}

// drift is one vendor's deliberate change of its fake: a renamed field in
// one operation, an undeclared status in another.
type drift struct {
	renameOp, renamePath, from, to string
	// caught is false where the spec pins nothing the rename breaks (BQE's
	// response schemas have no required field and allow any other).
	caught               bool
	statusOp, statusPath string
}

var drifts = map[string]drift{
	"bidcore":   {renameOp: "listAdvertisers", renamePath: "/advertisers/", from: "results", to: "items", caught: true, statusOp: "listSsps", statusPath: "/ssps/"},
	"bqecore":   {renameOp: "getCompany", renamePath: "/company", from: "baseCurrency", to: "currency", caught: false, statusOp: "getVersion", statusPath: "/version"},
	"bouquet":   {renameOp: "getCurrentUser", renamePath: "/rs/user", from: "userId", to: "uid", caught: true, statusOp: "getStatus", statusPath: "/rs/status"},
	"beproduct": {renameOp: "listUsers", renamePath: "/Users/List", from: "id", to: "userId", caught: true, statusOp: "listUserRoles", statusPath: "/Users/Roles"},
	"procurios": {renameOp: "listLocations", renamePath: "/meeting2_api/location", from: "locations", to: "places", caught: true, statusOp: "listMeetings", statusPath: "/meeting2_api/meetings"},
}

func (d drift) apply(f *fake) {
	f.tamper(d.renameOp, d.from, d.to, 0)
	f.tamper(d.statusOp, "", "", 201)
}

// TestCheckReportsTampering: against a fake changed on purpose, check
// reports exactly the renamed field and the undeclared status.
func TestCheckReportsTampering(t *testing.T) {
	for _, v := range vendors() {
		name := v.info().name
		d := drifts[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runAppTampered(t, d.apply, "check", name, "--sandbox", "--json")
			if code != 1 {
				t.Fatalf("check of a tampered %s fake: exit %d\n%s\n%s", name, code, out, errOut)
			}
			rep := decodeReport(t, out)
			got := map[string][]validate.Mismatch{}
			for _, r := range rep.Operations {
				if r.Result == "mismatch" {
					got[r.Operation] = r.Mismatches
				}
			}
			st := got[d.statusOp]
			if len(st) != 1 || st[0].Kind != validate.KindStatus || !strings.Contains(st[0].Reason, "201") {
				t.Errorf("%s: want one status mismatch for 201, got %+v", d.statusOp, st)
			}
			want := 1
			if d.caught {
				want = 2
				rn := got[d.renameOp]
				if len(rn) == 0 {
					t.Errorf("%s: the renamed field %q → %q was not reported", d.renameOp, d.from, d.to)
				}
				for _, m := range rn {
					if m.Kind != validate.KindSchema || (m.Property != d.from && m.Property != d.to) {
						t.Errorf("%s: a mismatch about something else than the rename: %+v", d.renameOp, m)
					}
				}
			}
			if len(got) != want {
				t.Errorf("mismatching operations: want %d (%s, %s), got %v", want, d.statusOp, d.renameOp, keysOf(got))
			}
			if len(rep.Proposals) == 0 || !strings.Contains(strings.Join(rep.Proposals, "\n"), "declare response 201") {
				t.Errorf("proposals: %q", rep.Proposals)
			}
			// The text report carries the same, and a block to paste.
			txt, _, code := runAppTampered(t, d.apply, "check", name, "--sandbox", "--operations", d.statusOp+","+d.renameOp)
			if code != 1 || !strings.Contains(txt, "Spec changes to propose") || !strings.Contains(txt, "MISMATCH") ||
				strings.Count(txt, "\nOK ")+strings.Count(txt, "\nMISMATCH ")+strings.Count(txt, "MISMATCH ") == 0 {
				t.Errorf("text report: exit %d\n%s", code, txt)
			}
		})
	}
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestResponseValidationModes: every mode on every vendor's client, through
// `oasuite call --validate`: a tampered answer is caught (logged in log
// mode, an error in strict mode, let through when off), an untampered one
// is not.
func TestResponseValidationModes(t *testing.T) {
	for _, v := range vendors() {
		name := v.info().name
		d := drifts[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tamper := func(f *fake) { f.tamper(d.statusOp, "", "", 201) }
			call := func(tp func(*fake), mode, path string) (string, int) {
				_, errOut, code := runAppTampered(t, tp, "call", name, "GET", path, "--sandbox", "--validate", mode)
				return errOut, code
			}
			const logged = "answer disagrees with the spec"
			// Bouquet's client refuses a status Bouquet does not document
			// whatever the mode; the others hand the answer back.
			passes := 0
			if name == "bouquet" {
				passes = 1
			}
			// Off: the tampered answer comes back as it is.
			if errOut, code := call(tamper, "off", d.statusPath); code != passes || strings.Contains(errOut, logged) || !strings.Contains(errOut, "201") {
				t.Errorf("off, tampered: exit %d\n%s", code, errOut)
			}
			// Log: it comes back, and one record names the operation and status.
			errOut, code := call(tamper, "log", d.statusPath)
			if code != passes || strings.Count(errOut, logged) != 1 || !strings.Contains(errOut, "operation="+d.statusOp) || !strings.Contains(errOut, "status=201") {
				t.Errorf("log, tampered: exit %d\n%s", code, errOut)
			}
			if errOut, code := call(nil, "log", d.statusPath); code != 0 || strings.Contains(errOut, logged) {
				t.Errorf("log, untampered: exit %d\n%s", code, errOut)
			}
			// Strict: the call fails with the mismatch.
			errOut, code = call(tamper, "strict", d.statusPath)
			if code != 1 || !strings.Contains(errOut, "disagrees with the spec") || !strings.Contains(errOut, d.statusOp) || !strings.Contains(errOut, "status 201 is not declared") {
				t.Errorf("strict, tampered: exit %d\n%s", code, errOut)
			}
			if errOut, code := call(nil, "strict", d.statusPath); code != 0 {
				t.Errorf("strict, untampered: exit %d\n%s", code, errOut)
			}
			if d.caught {
				rename := func(f *fake) { f.tamper(d.renameOp, d.from, d.to, 0) }
				errOut, code := call(rename, "strict", d.renamePath)
				if code != 1 || !(strings.Contains(errOut, `"`+d.from+`"`) || strings.Contains(errOut, `"`+d.to+`"`)) {
					t.Errorf("strict, renamed field: exit %d\n%s", code, errOut)
				}
				if errOut, code := call(rename, "off", d.renamePath); code != 0 {
					t.Errorf("off, renamed field: exit %d\n%s", code, errOut)
				}
			}
		})
	}
}
