package bqecore_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/gen/bqecoreapi"
)

// family is one CRUD resource of the spec, with a valid new record and a
// change for the update.
type family struct {
	singular, plural string
	create           string // JSON of a new record
	field, value     string // a top-level string field the update changes
	patch            bool
}

var families = []family{
	{"Activity", "Activities", `{"code":"QA","name":"Quality review","description":"Peer review","billable":true,"billRate":110.5,"tax1":false}`, "description", "Peer review (2h)", false},
	{"Client", "Clients", `{"name":"Canyon Labs","company":"Canyon Labs Inc","firstName":"Jo","lastName":"Kim","address":{"city":"Austin"}}`, "company", "Canyon Labs LLC", false},
	{"Project", "Projects", `{"code":"CL-02","name":"Canyon Lab Fit-out","status":0,"contractAmount":50000}`, "name", "Canyon Lab Fit-out II", true},
	{"TimeEntry", "TimeEntries", `{"activityId":"a","projectId":"p","resourceId":"r","date":"2026-11-20T00:00:00","description":"Review","actualHours":1.5,"billable":true}`, "description", "Review (edited)", false},
	{"ExpenseEntry", "ExpenseEntries", `{"date":"2026-11-20T00:00:00","description":"Parking","expenseId":"e","projectId":"p","resourceId":"r","units":1,"chargeAmount":12.5}`, "description", "Parking (garage)", false},
	{"Expense", "Expenses", `{"code":"PRK","description":"Parking","billable":true,"costRate":1}`, "description", "Parking fees", false},
	{"Invoice", "Invoices", `{"date":"2026-11-20T00:00:00","invoiceNumber":"INV-0100","invoiceAmount":900,"accountSplits":[{"accountId":"x","amount":900}]}`, "invoiceNumber", "INV-0100A", false},
	{"Bill", "Bills", `{"date":"2026-11-20T00:00:00","number":"B-2001","vendorId":"v","amount":75,"expenseItems":[{"description":"Plots","amount":75}]}`, "number", "B-2001A", false},
	{"Payment", "Payments", `{"date":"2026-11-20T00:00:00","amount":900,"clientId":"c","reference":"ACH 1"}`, "reference", "ACH 1 (corrected)", false},
	{"Employee", "Employees", `{"firstName":"Ria","lastName":"Das","email":"ria@example.com","billRate":120,"isActive":true}`, "title", "Architect", true},
	{"Allocation", "Allocations", `{"projectId":"p","resourceId":"r","hours":40,"startDate":"2026-12-01T00:00:00"}`, "activityId", "a2", false},
	{"Check", "Checks", `{"date":"2026-11-20T00:00:00","number":"1043","amount":75,"payee":"Plot Shop"}`, "memo", "plots", false},
	{"Document", "Documents", `{"name":"Brief","fileName":"brief.pdf","entityType":1}`, "description", "Client brief", false},
	{"FeeSchedule", "FeeSchedules", `{"name":"Nonprofit 2026","isActive":true}`, "description", "Discounted rates", false},
	{"Benefit", "Benefits", `{"name":"Sick leave","type":1,"isActive":true}`, "description", "Paid sick leave", false},
	{"EmployeeBenefit", "EmployeeBenefits", `{"employeeId":"e","benefitId":"b","accrualRate":3.33,"startDate":"2026-01-01T00:00:00"}`, "memo", "prorated", false},
	{"EmployeeBenefitUsage", "EmployeeBenefitUsages", `{"employeeId":"e","benefitId":"b","date":"2026-11-27T00:00:00","hours":4}`, "description", "Half day", false},
	{"Journal", "Journals", `{"employeeId":"e","journalTypeId":"j","date":"2026-11-20T00:00:00","subject":"Mentoring"}`, "description", "Mentored a junior", false},
	{"JournalType", "JournalTypes", `{"name":"Coaching","isActive":true}`, "description", "Coaching notes", false},
	{"Question", "Questions", `{"question":"Meets deadlines?","type":0}`, "description", "Rate 1-5", false},
	{"Review", "Reviews", `{"employeeId":"e","reviewerId":"r","date":"2026-12-15T00:00:00","rating":3.5}`, "comments", "Solid year", false},
	{"ReviewTemplate", "ReviewTemplates", `{"name":"Probation review","isActive":true}`, "description", "After 90 days", false},
	{"Prospect", "Prospects", `{"name":"Mesa School","company":"Mesa USD","email":"ops@mesa.example","address":{"city":"Mesa"}}`, "memo", "RFP in March", false},
	{"LeadSource", "LeadSources", `{"name":"Web site"}`, "description", "Contact form", false},
	{"Region", "Regions", `{"name":"East"}`, "description", "East coast", false},
	{"Score", "Scores", `{"name":"Cold"}`, "description", "Unlikely", false},
}

// pickList reports whether a family is a CRM pick list, whose entries have
// no version or audit fields.
func pickList(singular string) bool {
	return singular == "LeadSource" || singular == "Region" || singular == "Score"
}

// call invokes a method of c by name with args and returns the response and error.
func call(t *testing.T, c *bqecore.Client, name string, args ...any) (reflect.Value, error) {
	t.Helper()
	m := reflect.ValueOf(c).MethodByName(name)
	if !m.IsValid() {
		t.Fatalf("no method %s", name)
	}
	in := []reflect.Value{reflect.ValueOf(context.Background())}
	for i, a := range args {
		if a == nil {
			in = append(in, reflect.Zero(m.Type().In(i+1)))
			continue
		}
		in = append(in, reflect.ValueOf(a))
	}
	out := m.Call(in)
	err, _ := out[1].Interface().(error)
	return out[0], err
}

// body decodes JSON into a new value of the method's body parameter type.
func body(t *testing.T, c *bqecore.Client, method string, arg int, js string) any {
	t.Helper()
	typ := reflect.ValueOf(c).MethodByName(method).Type().In(arg)
	v := reflect.New(typ)
	if err := json.Unmarshal([]byte(js), v.Interface()); err != nil {
		t.Fatalf("%s body: %v", method, err)
	}
	return v.Elem().Interface()
}

// record returns the JSON200 (else JSON201) of a generated response as a map.
func record(t *testing.T, resp reflect.Value) map[string]any {
	t.Helper()
	for _, f := range []string{"JSON200", "JSON201"} {
		fv := resp.Elem().FieldByName(f)
		if fv.IsValid() && !fv.IsNil() {
			b, _ := json.Marshal(fv.Interface())
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("record: %v", err)
			}
			return m
		}
	}
	t.Fatalf("response without a JSON body: %v", resp.Elem().FieldByName("HTTPResponse").Interface().(*http.Response).Status)
	return nil
}

func listPage(t *testing.T, c *bqecore.Client, plural, page string) ([]map[string]any, int) {
	t.Helper()
	name := "List" + plural + "WithResponse"
	pt := reflect.ValueOf(c).MethodByName(name).Type().In(1).Elem()
	params := reflect.New(pt)
	params.Elem().FieldByName("Page").Set(reflect.ValueOf(&page))
	resp, err := call(t, c, name, params.Interface())
	if err != nil {
		t.Fatalf("%s page %s: %v", name, page, err)
	}
	status := resp.MethodByName("StatusCode").Call(nil)[0].Interface().(int)
	if status == http.StatusNoContent {
		return nil, status
	}
	fv := resp.Elem().FieldByName("JSON200")
	b, _ := json.Marshal(fv.Interface())
	var items []map[string]any
	_ = json.Unmarshal(b, &items)
	return items, status
}

// TestEveryResourceFamily runs list (paged, 204 past the end), get, create,
// update, patch where the spec has it, delete and a not-found error for
// every CRUD resource through the typed generated methods.
func TestEveryResourceFamily(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	for _, f := range families {
		t.Run(f.singular, func(t *testing.T) {
			created, err := call(t, c, "Create"+f.singular+"WithResponse", body(t, c, "Create"+f.singular+"WithResponse", 1, f.create))
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			rec := record(t, created)
			id, _ := rec["id"].(string)
			if id == "" || (rec["version"] == nil) != pickList(f.singular) {
				t.Fatalf("created record without id/version: %v", rec)
			}
			// Paging: page size 1 walks every record; one past the end is 204.
			var ids []string
			for n := 0; ; n++ {
				items, status := listPage(t, c, f.plural, bqecore.FormatPage(n, 1))
				if status == http.StatusNoContent {
					break
				}
				if len(items) != 1 {
					t.Fatalf("page %d: %d items", n, len(items))
				}
				ids = append(ids, items[0]["id"].(string))
				if n > 50 {
					t.Fatal("paging never ended")
				}
			}
			if !slices.Contains(ids, id) {
				t.Fatalf("created id %s not listed: %v", id, ids)
			}
			got, err := call(t, c, "Get"+f.singular+"WithResponse", id, nil)
			if err != nil || record(t, got)["id"] != id {
				t.Fatalf("get: %v", err)
			}
			rec[f.field] = f.value
			js, _ := json.Marshal(rec)
			upd, err := call(t, c, "Update"+f.singular+"WithResponse", id, body(t, c, "Update"+f.singular+"WithResponse", 2, string(js)))
			if err != nil {
				t.Fatalf("update: %v", err)
			}
			u := record(t, upd)
			if u[f.field] != f.value || !pickList(f.singular) && u["version"] == rec["version"] {
				t.Fatalf("update: %s = %v, version %v → %v", f.field, u[f.field], rec["version"], u["version"])
			}
			if f.patch {
				p, err := call(t, c, "Patch"+f.singular+"WithResponse", id, bqecoreapi.PatchRequest{
					Document: []bqecoreapi.PatchOperation{bqecore.Replace("/"+f.field, "patched")}, Version: u["version"].(string)})
				if err != nil || record(t, p)[f.field] != "patched" {
					t.Fatalf("patch: %v", err)
				}
			}
			if _, err := call(t, c, "Delete"+f.singular+"WithResponse", id); err != nil {
				t.Fatalf("delete: %v", err)
			}
			_, err = call(t, c, "Get"+f.singular+"WithResponse", id, nil)
			if !errors.Is(err, bqecore.ErrNotFound) {
				t.Fatalf("get after delete: %v", err)
			}
			_, err = call(t, c, "Delete"+f.singular+"WithResponse", id)
			if !errors.Is(err, bqecore.ErrNotFound) {
				t.Fatalf("delete twice: %v", err)
			}
		})
	}
}
