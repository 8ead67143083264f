package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oasuite/sdk/specs"
	"github.com/oasuite/sdk/validate"
	_ "github.com/oasuite/sdk/validate/openapi" // check and call --validate turn response validation on
)

// checkOpts are the flags of `oasuite check`.
type checkOpts struct {
	operations  string
	callTimeout time.Duration
	json        bool
}

func checkCommand(o *checkOpts) command {
	return command{
		name: "check", synopsis: "[flags]",
		about: `Runs a read-only tour of the vendor's API with the saved login and strict response
validation, and reports where the answers disagree with our spec (specs/<vendor>.yaml):
operation, status, the JSON pointer and reason of each mismatch (field names and types
only, never values), and a summary of spec changes to propose, ready to paste into an
issue. Only GET operations named list* or get* are called; ids for get* operations come
from the lists' answers. Nothing is created, changed or deleted. Exit status 1 when any
answer disagrees.`,
		examples: `  oasuite check bqecore
  oasuite check bqecore --operations listActivities,getActivity --json
  oasuite check procurios --sandbox`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&o.operations, "operations", "", "only these operationIds, comma-separated")
			fs.DurationVar(&o.callTimeout, "call-timeout", 30*time.Second, "the bound of each call")
			fs.BoolVar(&o.json, "json", false, "print the report as JSON")
		},
	}
}

// checkResult is one operation of the tour.
type checkResult struct {
	Operation  string              `json:"operation"`
	Method     string              `json:"method"`
	Path       string              `json:"path"`
	Result     string              `json:"result"` // ok, mismatch, error, skipped
	Status     int                 `json:"status,omitempty"`
	Mismatches []validate.Mismatch `json:"mismatches,omitempty"`
	Note       string              `json:"note,omitempty"`
}

// checkReport is what `oasuite check --json` prints.
type checkReport struct {
	Vendor     string        `json:"vendor"`
	Operations []checkResult `json:"operations"`
	Called     int           `json:"called"`
	Skipped    int           `json:"skipped"`
	Mismatches int           `json:"mismatches"`
	Proposals  []string      `json:"proposals"`
}

func (a *app) check(ctx context.Context, args []string) int {
	var o checkOpts
	cmd := checkCommand(&o)
	s, _, stop, code := a.parseVendorCommand(ctx, cmd, args)
	defer stop()
	if code >= 0 {
		return code
	}
	s.validation = validate.Strict
	src, err := s.source(ctx)
	if err != nil {
		return a.fail("check", s, err)
	}
	api, err := s.v.api(ctx, s, src)
	if err != nil {
		return a.fail("check", s, err)
	}
	var only map[string]bool
	if o.operations != "" {
		only = map[string]bool{}
		for _, op := range strings.Split(o.operations, ",") {
			if op = strings.TrimSpace(op); op != "" {
				only[op] = true
			}
		}
	}
	tour, err := planTour(s.info.name, only)
	if err != nil {
		return a.fail("check", s, err)
	}
	for name := range only {
		if !tour.has(name) {
			fmt.Fprintf(a.stderr, "oasuite check: %q is not a list or get operation of the %s spec\n", name, s.info.title)
			return 2
		}
	}
	rep := tour.run(ctx, api, o.callTimeout)
	rep.Vendor = s.info.name
	if o.json {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		printCheck(a.stdout, s.info.title, rep)
	}
	if rep.Mismatches > 0 {
		return 1
	}
	return 0
}

// tourOp is one operation the tour may call.
type tourOp struct {
	id, path string
	op       *openapi3.Operation
	params   []string // path parameters, in order
	query    url.Values
	// fromAnswers are required query parameters taken from earlier answers.
	fromAnswers []string
	skip        string // why it cannot be called, when set
}

type tour struct {
	ops []*tourOp
}

func (t *tour) has(id string) bool {
	for _, o := range t.ops {
		if o.id == id {
			return true
		}
	}
	return false
}

// planTour picks the spec's GET list*/get* operations (all, or those in
// only), with the query values they require, lists first.
func planTour(vendor string, only map[string]bool) (*tour, error) {
	raw, err := specs.Load(vendor)
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("loading the %s spec: %w", vendor, err)
	}
	t := &tour{}
	for path, item := range doc.Paths.Map() {
		op := item.Get
		if op == nil || !(strings.HasPrefix(op.OperationID, "list") || strings.HasPrefix(op.OperationID, "get")) {
			continue
		}
		if only != nil && !only[op.OperationID] {
			continue
		}
		to := &tourOp{id: op.OperationID, path: path, op: op, query: url.Values{}}
		for _, seg := range strings.Split(path, "/") {
			for seg != "" {
				i := strings.IndexByte(seg, '{')
				j := strings.IndexByte(seg, '}')
				if i < 0 || j < i {
					break
				}
				to.params = append(to.params, seg[i+1:j])
				seg = seg[j+1:]
			}
		}
		for _, pr := range append(item.Parameters, op.Parameters...) {
			p := pr.Value
			if p == nil || !p.Required || p.In == openapi3.ParameterInPath {
				continue
			}
			v, ok := sampleValue(p)
			switch {
			case !ok && p.In == openapi3.ParameterInQuery:
				to.fromAnswers = append(to.fromAnswers, p.Name)
			case !ok:
				to.skip = fmt.Sprintf("needs the %s parameter %q, which has no default, example or enum", p.In, p.Name)
			case p.In == openapi3.ParameterInQuery:
				to.query.Set(p.Name, v)
			default:
				to.skip = fmt.Sprintf("needs the %s parameter %q", p.In, p.Name)
			}
		}
		t.ops = append(t.ops, to)
	}
	sort.Slice(t.ops, func(i, j int) bool {
		a, b := t.ops[i], t.ops[j]
		if len(a.params) != len(b.params) {
			return len(a.params) < len(b.params)
		}
		if strings.Count(a.path, "/") != strings.Count(b.path, "/") {
			return strings.Count(a.path, "/") < strings.Count(b.path, "/")
		}
		return a.path < b.path
	})
	return t, nil
}

// sampleValue is a value for a required parameter: its default, example or
// first enum value.
func sampleValue(p *openapi3.Parameter) (string, bool) {
	if p.Example != nil {
		return fmt.Sprint(p.Example), true
	}
	if p.Schema != nil && p.Schema.Value != nil {
		s := p.Schema.Value
		switch {
		case s.Default != nil:
			return fmt.Sprint(s.Default), true
		case s.Example != nil:
			return fmt.Sprint(s.Example), true
		case len(s.Enum) > 0:
			return fmt.Sprint(s.Enum[0]), true
		}
	}
	return "", false
}

// run calls every operation in order; ids found in earlier answers fill the
// path parameters of later ones.
func (t *tour) run(ctx context.Context, api *rawAPI, timeout time.Duration) checkReport {
	var rep checkReport
	bodies := map[string]any{} // concrete path → decoded 2xx body
	for _, to := range t.ops {
		res := checkResult{Operation: to.id, Method: http.MethodGet, Path: to.path}
		concrete, note := to.path, to.skip
		if note == "" {
			concrete, note = fillPath(to, bodies)
		}
		q := to.query
		if note == "" && len(to.fromAnswers) > 0 {
			q = url.Values{}
			for k, v := range to.query {
				q[k] = v
			}
			for _, name := range to.fromAnswers {
				v, ok := relatedID(bodies, to.path, name)
				if !ok {
					note = fmt.Sprintf("needs the query parameter %q, found in no earlier answer", name)
					break
				}
				q.Set(name, v)
			}
		}
		if note != "" {
			res.Result, res.Note = "skipped", note
			rep.Skipped++
			rep.Operations = append(rep.Operations, res)
			continue
		}
		rep.Called++
		status, body, err := callOnce(ctx, api, concrete, q, timeout)
		res.Status = status
		var sm *validate.SpecMismatchError
		switch {
		case errors.As(err, &sm):
			res.Result, res.Status, res.Mismatches = "mismatch", sm.Status, sm.Mismatches
			rep.Mismatches += len(sm.Mismatches)
			if sm.Err != nil {
				res.Note = sm.Err.Error()
			}
		case err != nil:
			res.Result, res.Note = "error", err.Error()
		default:
			res.Result = "ok"
			if body != nil {
				bodies[strings.TrimSuffix(concrete, "/")] = body
			}
		}
		rep.Operations = append(rep.Operations, res)
	}
	rep.Proposals = proposals(rep.Operations)
	return rep
}

// callOnce sends one bounded GET and decodes a JSON answer.
func callOnce(ctx context.Context, api *rawAPI, path string, q url.Values, timeout time.Duration) (int, any, error) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u, err := callURL(api.base, path, nil)
	if err != nil {
		return 0, nil, err
	}
	if len(q) > 0 {
		pu, err := url.Parse(u)
		if err != nil {
			return 0, nil, err
		}
		pu.RawQuery = q.Encode()
		u = pu.String()
	}
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := api.do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("reading the answer: %w", err)
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		v = nil
	}
	return resp.StatusCode, v, nil
}

// fillPath replaces the path parameters of to with ids found in the answer
// of the collection above each one; note says why it could not.
func fillPath(to *tourOp, bodies map[string]any) (string, string) {
	path := to.path
	for _, p := range to.params {
		ph := "{" + p + "}"
		i := strings.Index(path, ph)
		if i < 0 {
			continue
		}
		parent := strings.TrimSuffix(path[:i], "/")
		var v string
		if body, ok := bodies[parent]; ok {
			if v, ok = findID(body, p, 0); !ok {
				return "", fmt.Sprintf("the answer at %s has no {%s}", templateOf(parent), p)
			}
		} else if v, ok = relatedID(bodies, path, p); !ok {
			return "", fmt.Sprintf("no list answer at %s to take {%s} from", templateOf(parent), p)
		}
		path = path[:i] + url.PathEscape(v) + path[i+len(ph):]
	}
	return path, ""
}

// relatedID finds a value for the parameter (path or query) p of the
// operation at path in an earlier answer of the same area (first path
// segment) whose last segment names p's stem: "folderId" of /Block/… from
// /Block/Folders.
func relatedID(bodies map[string]any, path, p string) (string, bool) {
	stem := strings.ToLower(strings.TrimSuffix(p, "Id"))
	if stem == "" || stem == strings.ToLower(p) {
		return "", false
	}
	area := firstSegment(path)
	keys := make([]string, 0, len(bodies))
	for k := range bodies {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		last := strings.ToLower(k[strings.LastIndexByte(k, '/')+1:])
		if firstSegment(k) != area || !strings.HasPrefix(last, stem) {
			continue
		}
		if v, ok := findID(bodies[k], p, 0); ok {
			return v, true
		}
	}
	return "", false
}

func firstSegment(p string) string {
	p = strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return p
}

// templateOf is only for notes: the concrete parent path as it is.
func templateOf(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// findID looks breadth-first in a decoded answer for the first object with
// a scalar field named like the parameter (or "id").
func findID(v any, param string, depth int) (string, bool) {
	names := []string{param, "id", "oid", "Id", "ID"}
	if strings.HasSuffix(param, "Id") && len(param) > 2 {
		names = append(names, param[:len(param)-2])
	}
	queue := []any{v}
	for d := 0; d < 6 && len(queue) > 0; d++ {
		var next []any
		for _, x := range queue {
			switch t := x.(type) {
			case map[string]any:
				for _, n := range names {
					for k, val := range t {
						if strings.EqualFold(k, n) {
							if s, ok := scalar(val); ok {
								return s, true
							}
						}
					}
				}
				keys := make([]string, 0, len(t))
				for k := range t {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					next = append(next, t[k])
				}
			case []any:
				next = append(next, t...)
			}
		}
		queue = next
	}
	return "", false
}

func scalar(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, t != ""
	case float64:
		return fmt.Sprintf("%.0f", t), t == float64(int64(t))
	}
	return "", false
}

// proposals turns mismatches into spec changes to propose, one line each.
func proposals(ops []checkResult) []string {
	out := []string{}
	for _, r := range ops {
		for _, m := range r.Mismatches {
			where := fmt.Sprintf("%s (%s %s) %d", r.Operation, r.Method, r.Path, r.Status)
			in := ""
			if m.Schema != "" {
				in = " in schema " + m.Schema
			}
			var change string
			switch {
			case m.Kind == validate.KindStatus:
				change = fmt.Sprintf("declare response %d", r.Status)
			case m.Kind == validate.KindContentType:
				change = "declare the media type the server sends (" + m.Reason + ")"
			case m.Kind == validate.KindBody:
				change = "fix the response body declaration (" + m.Reason + ")"
			case m.Keyword == "required":
				change = fmt.Sprintf("make %q optional%s, or rename it to the server's name (%s)", m.Property, in, m.Pointer)
			case m.Keyword == "additionalProperties":
				change = fmt.Sprintf("add property %q%s (%s)", m.Property, in, m.Pointer)
			case m.Keyword == "nullable":
				change = fmt.Sprintf("mark %s nullable%s", m.Pointer, in)
			case m.Keyword == "enum":
				change = fmt.Sprintf("widen the enum at %s%s", m.Pointer, in)
			default:
				change = fmt.Sprintf("change %s%s: %s", m.Pointer, in, m.Reason)
			}
			line := fmt.Sprintf("- %s: %s", where, change)
			if m.Count > 1 {
				line += fmt.Sprintf(" [%d values]", m.Count)
			}
			out = append(out, line)
		}
	}
	return out
}

func printCheck(w io.Writer, title string, rep checkReport) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, r := range rep.Operations {
		status := "-"
		if r.Status != 0 {
			status = fmt.Sprint(r.Status)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s %s\t%s\t%s\n", strings.ToUpper(r.Result), r.Operation, r.Method, r.Path, status, r.Note)
		for _, m := range r.Mismatches {
			fmt.Fprintf(tw, "\t\t  %s\t\t\n", m.String())
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s: %d operations called, %d skipped, %d mismatches\n", title, rep.Called, rep.Skipped, rep.Mismatches)
	if len(rep.Proposals) > 0 {
		fmt.Fprintf(w, "\nSpec changes to propose (paste into an issue):\n\n```\n%s: answers disagree with specs/%s.yaml\n%s\n```\n", title, rep.Vendor, strings.Join(rep.Proposals, "\n"))
	}
}
