package bqecoretest

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/oasuite/sdk/internal/fakekit"
)

// Record is one stored CORE record, as the JSON object the API sends.
type Record = map[string]any

// resourceDef names one CRUD resource and its spec operations.
type resourceDef struct {
	path     string // URL segment, e.g. "timeentry"
	singular string // operationId stem, e.g. "TimeEntry"
	plural   string // e.g. "TimeEntries"
	patch    bool
}

var resources = []resourceDef{
	{"activity", "Activity", "Activities", false},
	{"client", "Client", "Clients", false},
	{"project", "Project", "Projects", true},
	{"timeentry", "TimeEntry", "TimeEntries", false},
	{"expenseentry", "ExpenseEntry", "ExpenseEntries", false},
	{"expense", "Expense", "Expenses", false},
	{"invoice", "Invoice", "Invoices", false},
	{"bill", "Bill", "Bills", false},
	{"payment", "Payment", "Payments", false},
	{"employee", "Employee", "Employees", true},
	{"allocation", "Allocation", "Allocations", false},
	{"check", "Check", "Checks", false},
	{"document", "Document", "Documents", false},
	{"feeschedule", "FeeSchedule", "FeeSchedules", false},
	{"hr/benefit", "Benefit", "Benefits", false},
	{"hr/employeebenefit", "EmployeeBenefit", "EmployeeBenefits", false},
	{"hr/employeebenefitusage", "EmployeeBenefitUsage", "EmployeeBenefitUsages", false},
	{"hr/journal", "Journal", "Journals", false},
	{"hr/journaltype", "JournalType", "JournalTypes", false},
	{"hr/question", "Question", "Questions", false},
	{"hr/review", "Review", "Reviews", false},
	{"hr/reviewtemplate", "ReviewTemplate", "ReviewTemplates", false},
	{"crm/prospect", "Prospect", "Prospects", false},
	{"crm/lists/leadsource", "LeadSource", "LeadSources", false},
	{"crm/lists/region", "Region", "Regions", false},
	{"crm/lists/score", "Score", "Scores", false},
}

// pickLists are the CRM lists: plain named entries without the audit fields
// (the third-party exporter never syncs them by lastUpdated).
var pickLists = map[string]bool{"crm/lists/leadsource": true, "crm/lists/region": true, "crm/lists/score": true}

// store holds the fake's records, one collection per resource.
type store struct {
	now     func() time.Time
	version atomic.Uint64
	cols    map[string]*fakekit.Collection[Record]
	company Record
}

// serverFields are set by the server, never taken from a request body.
var serverFields = []string{"id", "version", "createdOn", "createdById", "lastUpdated", "lastUpdatedById", "objectState", "token"}

const timeLayout = "2006-01-02T15:04:05"

func newStore(now func() time.Time, seed bool) *store {
	st := &store{now: now, cols: map[string]*fakekit.Collection[Record]{}}
	st.version.Store(0x1a5800)
	for _, r := range resources {
		st.cols[r.path] = fakekit.NewCollection[Record](fakekit.UUIDs, "")
	}
	for _, extra := range []string{"account", "resourceschedule", "deletedhistory"} {
		st.cols[extra] = fakekit.NewCollection[Record](fakekit.UUIDs, "")
	}
	st.company = Record{"id": TestCompanyID, "name": "Lee & Partners Architects", "email": "office@leepartners.example",
		"phone": "+1 310 555 0100", "baseCurrency": "USD",
		"address": map[string]any{"street": "100 Main St", "city": "Santa Monica", "state": "CA", "zip": "90401", "country": "US"}}
	for _, a := range []Record{
		{"code": "1000", "name": "Operating Account", "type": 0, "balance": 25000.0, "isActive": true},
		{"code": "4000", "name": "Fee Income", "type": 3, "balance": 0.0, "isActive": true},
	} {
		st.put("account", seedID("acc", len(st.cols["account"].IDs())+1), a)
	}
	if seed {
		st.seed()
	}
	return st
}

// seedID makes the fixed uuid of seeded record n of a kind.
func seedID(kind string, n int) string {
	var k uint32
	for _, c := range kind {
		k = k*31 + uint32(c)
	}
	return fmt.Sprintf("%08x-0000-4000-8000-%012d", k, n)
}

// nextVersion returns a fresh rowversion-like token ("AAAAAAAaWBI=").
func (st *store) nextVersion() string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], st.version.Add(1))
	return base64.StdEncoding.EncodeToString(b[:])
}

func (st *store) stamp() string { return st.now().UTC().Format(timeLayout) }

// put stores rec under id with fresh server fields, and returns a copy.
func (st *store) put(kind, id string, rec Record) Record {
	rec = clone(rec)
	if pickLists[kind] {
		rec["id"] = id
		st.cols[kind].Put(id, rec)
		return clone(rec)
	}
	now := st.stamp()
	rec["id"] = id
	rec["version"] = st.nextVersion()
	rec["createdOn"], rec["lastUpdated"] = now, now
	rec["createdById"], rec["lastUpdatedById"] = TestUserID, TestUserID
	rec["objectState"], rec["token"] = 0, 0
	st.cols[kind].Put(id, rec)
	return clone(rec)
}

func (st *store) seed() {
	acts := []Record{
		{"code": "DES", "name": "Design", "description": "Schematic and detailed design", "billable": true, "billRate": 150.0, "costRate": 60.0, "isActive": true},
		{"code": "DRA", "name": "Drafting", "description": "CAD drafting", "billable": true, "billRate": 95.0, "costRate": 40.0, "isActive": true},
		{"code": "PM", "name": "Project Management", "description": "Coordination and meetings", "billable": true, "billRate": 130.0, "costRate": 55.0, "isActive": true},
		{"code": "SIT", "name": "Site Visit", "description": "Construction site visit", "billable": true, "billRate": 120.0, "costRate": 50.0, "isActive": true},
		{"code": "ADM", "name": "Administration", "description": "Internal administration", "billable": false, "billRate": 0.0, "costRate": 35.0, "isActive": true,
			"customFields": []any{map[string]any{"definitionId": seedID("cfd", 1), "label": "Department", "type": 0, "value": "Office"}}},
	}
	for i, a := range acts {
		st.put("activity", seedID("activity", i+1), a)
	}
	emp := seedID("employee", 1)
	st.put("employee", emp, Record{"firstName": "Pat", "lastName": "Lee", "displayName": "Lee, Pat", "email": TestUser, "title": "Principal", "billRate": 150.0, "costRate": 70.0, "isActive": true})
	st.put("employee", seedID("employee", 2), Record{"firstName": "Sam", "lastName": "Ortiz", "displayName": "Ortiz, Sam", "email": "sam.ortiz@example.com", "title": "Drafter", "billRate": 95.0, "costRate": 40.0, "isActive": true})
	cli := seedID("client", 1)
	st.put("client", cli, Record{"name": "Harbor View Estates", "company": "Harbor View Estates LLC", "firstName": "Alex", "lastName": "Morgan",
		"address":      map[string]any{"street": "5 Ocean Ave", "city": "Santa Monica", "state": "CA", "zip": "90402", "country": "US"},
		"currencyName": "USD", "mainServiceTax": 0.0, "mainExpenseTax": 0.0})
	prj := seedID("project", 1)
	st.put("project", prj, Record{"code": "HVE-01", "name": "Harbor View Residence", "displayName": "HVE-01 Harbor View Residence", "clientId": cli, "client": "Harbor View Estates", "managerId": emp, "status": 0, "contractAmount": 120000.0})
	phase := seedID("project", 2)
	st.put("project", phase, Record{"code": "HVE-01.1", "name": "Schematic Design", "parentId": prj, "clientId": cli, "status": 0})
	st.put("timeentry", seedID("timeentry", 1), Record{"activityId": seedID("activity", 1), "activity": "Design", "projectId": phase, "project": "Schematic Design",
		"resourceId": emp, "resource": "Lee, Pat", "date": "2026-11-02T00:00:00", "description": "Concept sketches", "actualHours": 3.5, "clientHours": 3.5, "billable": true, "billRate": 150.0, "costRate": 70.0, "billStatus": 0, "clientId": cli, "client": "Harbor View Estates"})
	exp := seedID("expense", 1)
	st.put("expense", exp, Record{"code": "MIL", "description": "Mileage", "billable": true, "billRate": 0.7, "costRate": 0.655, "isActive": true})
	st.put("expenseentry", seedID("expenseentry", 1), Record{"date": "2026-11-03T00:00:00", "description": "Site visit mileage", "expenseId": exp, "projectId": phase, "resourceId": emp, "billable": true, "billStatus": 0, "units": 42.0, "costRate": 0.655, "chargeAmount": 29.4})
	inv := seedID("invoice", 1)
	st.put("invoice", inv, Record{"date": "2026-10-31T00:00:00", "invoiceNumber": "INV-0001", "invoiceAmount": 4500.0, "balance": 4500.0, "dueDate": "2026-11-30T00:00:00", "clientId": cli,
		"accountSplits": []any{map[string]any{"accountId": seedID("acc", 2), "account": "Fee Income", "amount": 4500.0}}})
	st.put("bill", seedID("bill", 1), Record{"date": "2026-10-15T00:00:00", "number": "B-1001", "vendorId": seedID("vendor", 1), "amount": 800.0, "balance": 800.0,
		"expenseItems": []any{map[string]any{"expenseId": exp, "description": "Printing", "units": 1.0, "costRate": 800.0, "amount": 800.0}}})
	st.put("payment", seedID("payment", 1), Record{"date": "2026-11-10T00:00:00", "amount": 1500.0, "clientId": cli, "invoiceId": inv, "method": 1, "reference": "CHK 2211"})
	st.put("allocation", seedID("allocation", 1), Record{"projectId": prj, "resourceId": emp, "activityId": seedID("activity", 1), "hours": 120.0, "amount": 18000.0, "startDate": "2026-11-01T00:00:00", "endDate": "2027-01-31T00:00:00"})
	st.put("check", seedID("check", 1), Record{"date": "2026-10-20T00:00:00", "number": "1042", "amount": 800.0, "payeeId": seedID("vendor", 1), "payee": "Coastal Print Co", "accountId": seedID("acc", 1)})
	st.put("document", seedID("document", 1), Record{"name": "Contract", "fileName": "contract.pdf", "description": "Signed contract", "entityId": prj, "entityType": 1, "url": "https://files.example.com/contract.pdf"})
	st.put("feeschedule", seedID("feeschedule", 1), Record{"name": "Standard 2026", "description": "Standard hourly rates", "isActive": true, "feeType": 0})
	ben := seedID("benefit", 1)
	st.put("hr/benefit", ben, Record{"name": "Vacation", "description": "Paid vacation", "type": 0, "isActive": true})
	st.put("hr/employeebenefit", seedID("employeebenefit", 1), Record{"employeeId": emp, "employee": "Lee, Pat", "benefitId": ben, "benefit": "Vacation", "accrualRate": 6.67, "balance": 40.0, "startDate": "2026-01-01T00:00:00"})
	st.put("hr/employeebenefitusage", seedID("employeebenefitusage", 1), Record{"employeeId": emp, "benefitId": ben, "date": "2026-08-14T00:00:00", "hours": 8.0, "description": "Summer day off"})
	jt := seedID("journaltype", 1)
	st.put("hr/journaltype", jt, Record{"name": "Recognition", "description": "Praise and awards", "isActive": true})
	st.put("hr/journal", seedID("journal", 1), Record{"employeeId": emp, "journalTypeId": jt, "journalType": "Recognition", "date": "2026-10-01T00:00:00", "subject": "Client praise", "description": "Harbor View client thanked the team."})
	st.put("hr/question", seedID("question", 1), Record{"question": "How well does the employee communicate?", "type": 0, "isActive": true})
	tpl := seedID("reviewtemplate", 1)
	st.put("hr/reviewtemplate", tpl, Record{"name": "Annual review", "description": "Yearly performance review", "isActive": true})
	st.put("hr/review", seedID("review", 1), Record{"employeeId": seedID("employee", 2), "reviewerId": emp, "reviewTemplateId": tpl, "date": "2026-06-30T00:00:00", "status": 1, "rating": 4.0, "comments": "Reliable drafter."})
	ls := seedID("leadsource", 1)
	st.put("crm/lists/leadsource", ls, Record{"name": "Referral", "description": "Referred by a client", "isActive": true})
	rg := seedID("region", 1)
	st.put("crm/lists/region", rg, Record{"name": "West", "description": "West coast", "isActive": true})
	sc := seedID("score", 1)
	st.put("crm/lists/score", sc, Record{"name": "Hot", "description": "Likely to sign", "isActive": true})
	st.put("crm/prospect", seedID("prospect", 1), Record{"name": "Bayside Library", "company": "City of Bayside", "firstName": "Rene", "lastName": "Park",
		"email": "rene.park@example.org", "leadSourceId": ls, "regionId": rg, "scoreId": sc, "status": 0,
		"address": map[string]any{"street": "1 Civic Plaza", "city": "Bayside", "state": "CA", "zip": "90000", "country": "US"}})
	st.put("resourceschedule", seedID("resourceschedule", 1), Record{"resourceId": emp, "projectId": prj, "activityId": seedID("activity", 1), "startDate": "2026-11-16T00:00:00", "endDate": "2026-11-20T00:00:00", "hours": 20.0})
}

// clone deep-copies a JSON record.
func clone(r Record) Record {
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("bqecoretest: record not JSON: %v", err))
	}
	var out Record
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("bqecoretest: %v", err))
	}
	return out
}
