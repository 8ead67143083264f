package bqecore_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/gen/bqecoreapi"
	"github.com/oasuite/sdk/validate"
)

// TestHRAndCRMBatches covers the batch routes of documents, prospects,
// employee benefits and their usages: each answers the saved records, in
// order, and the records are then listed.
func TestHRAndCRMBatches(t *testing.T) {
	fake := newFake(t, bqecoretest.WithoutSeed())
	c, _ := newClient(t, fake)
	ctx := context.Background()
	db, err := c.CreateDocumentBatchWithResponse(ctx, []bqecoreapi.Document{
		{Name: ptr("Survey"), Url: ptr("https://files.example.com/survey.pdf")}, {Name: ptr("Permit"), Url: ptr("https://files.example.com/permit.pdf")}})
	if err != nil || len(*db.JSON200) != 2 || *(*db.JSON200)[1].Name != "Permit" || (*db.JSON200)[0].Id == nil {
		t.Fatalf("document batch: %v", err)
	}
	pb, err := c.CreateProspectBatchWithResponse(ctx, []bqecoreapi.Prospect{{Name: ptr("Dune Museum")}})
	if err != nil || len(*pb.JSON200) != 1 || *(*pb.JSON200)[0].Name != "Dune Museum" {
		t.Fatalf("prospect batch: %v", err)
	}
	eb, err := c.CreateEmployeeBenefitBatchWithResponse(ctx, []bqecoreapi.EmployeeBenefit{{EmployeeId: ptr("e1"), BenefitId: ptr("b1")}, {EmployeeId: ptr("e2"), BenefitId: ptr("b1")}})
	if err != nil || len(*eb.JSON200) != 2 || *(*eb.JSON200)[1].EmployeeId != "e2" {
		t.Fatalf("employee benefit batch: %v", err)
	}
	ub, err := c.CreateEmployeeBenefitUsageBatchWithResponse(ctx, []bqecoreapi.EmployeeBenefitUsage{{EmployeeId: ptr("e1"), Hours: ptr(2.5)}})
	if err != nil || len(*ub.JSON200) != 1 || *(*ub.JSON200)[0].Hours != 2.5 {
		t.Fatalf("usage batch: %v", err)
	}
	ls, err := c.ListEmployeeBenefitsWithResponse(ctx, nil)
	if err != nil || len(*ls.JSON200) != 2 {
		t.Fatalf("listed after batch: %v", err)
	}
	// The batch body must be an array: a single object is refused by the spec.
	_, err = c.CreateDocumentBatchWithBodyWithResponse(ctx, "application/json", stringsReader(`{"name":"x"}`))
	if !errors.Is(err, bqecore.ErrBadRequest) {
		t.Fatalf("object as batch: %v", err)
	}
}

// TestDocumentURI reads a document's link as JSON, as plain text, and fails
// loudly on an answer that holds no link.
func TestDocumentURI(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	docs, err := c.ListDocumentsWithResponse(ctx, nil)
	if err != nil || len(*docs.JSON200) == 0 {
		t.Fatal(err)
	}
	id := *(*docs.JSON200)[0].Id
	link, err := c.DocumentURI(ctx, id)
	if err != nil || link != "https://files.example.com/contract.pdf" {
		t.Fatalf("document uri: %q %v", link, err)
	}
	// A text/plain answer.
	fake.AddFault(fakes.Fault{OperationID: "getDocumentUri", Status: 200, Body: []byte("https://files.example.com/plain.pdf\n"),
		Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}})
	if link, err = c.DocumentURI(ctx, id); err != nil || link != "https://files.example.com/plain.pdf" {
		t.Fatalf("text/plain uri: %q %v", link, err)
	}
	// An empty string, and something that is not a link.
	for _, body := range []string{`""`, `"contract.pdf"`} {
		fake.AddFault(fakes.Fault{OperationID: "getDocumentUri", Status: 200, Body: []byte(body),
			Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}})
		var mf *validate.MissingFieldError
		if link, err = c.DocumentURI(ctx, id); !errors.As(err, &mf) || link != "" || mf.Path == "" {
			t.Fatalf("%s: %q %v", body, link, err)
		}
	}
	if _, err := c.DocumentURI(ctx, "no-such-document"); !errors.Is(err, bqecore.ErrNotFound) {
		t.Fatalf("missing document: %v", err)
	}
}

// TestResourceScheduleWeekAndAccountQuery covers /resourceschedule/week (the
// schedules of the fake clock's week) and /account/query, and the Account
// fields the ASP.NET sample sends.
func TestResourceScheduleWeekAndAccountQuery(t *testing.T) {
	clock := time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC) // a Wednesday; the seeded schedule runs 16–20 Nov
	fake := newFake(t, bqecoretest.WithClock(func() time.Time { return clock }))
	c, _ := newClient(t, fake)
	ctx := context.Background()
	wk, err := c.ListResourceScheduleWeekWithResponse(ctx, nil)
	if err != nil || wk.StatusCode() != 200 || len(*wk.JSON200) != 1 || wk.JSON200 == nil || (*wk.JSON200)[0].Hours != 20 {
		t.Fatalf("week: %v", err)
	}
	clock = clock.AddDate(0, 0, 7)
	wk, err = c.ListResourceScheduleWeekWithResponse(ctx, nil)
	if err != nil || wk.StatusCode() != http.StatusNoContent {
		t.Fatalf("next week: %v %d", err, wk.StatusCode())
	}

	in := bqecoreapi.Account{Code: ptr("10500"), Type: ptr(int32(1)), Name: ptr("Test Account"), DisplayAccount: ptr("10500 - Test Account"),
		Description: ptr("Accounts Test"), Level: ptr(int32(0)), IsActive: ptr(true), OpeningBalance: ptr(0.0), RunningBalance: ptr(118737.58)}
	acc, err := c.CreateAccountWithResponse(ctx, in)
	if err != nil || acc.JSON201 == nil {
		t.Fatalf("create account: %v", err)
	}
	got := acc.JSON201
	if *got.DisplayAccount != "10500 - Test Account" || *got.RunningBalance != 118737.58 || *got.Level != 0 || got.ParentAccountId != nil {
		t.Fatalf("account fields: %+v", got)
	}
	// The sample sends nulls for the tree and bank fields.
	r, err := c.CreateAccountWithBodyWithResponse(ctx, "application/json", stringsReader(
		`{"code":"10600","type":1,"name":"Sub","displayAccount":"10600 - Sub","level":1,"rootAccountId":"`+*got.Id+`","isActive":true,`+
			`"parentAccountId":"`+*got.Id+`","parentAccount":null,"openingBalance":0.0,"openingBalanceAsOf":null,"routingNumber":null,"runningBalance":0}`))
	if err != nil || r.JSON201 == nil || *r.JSON201.ParentAccountId != *got.Id || r.JSON201.RoutingNumber != nil {
		t.Fatalf("account with nulls: %v", err)
	}
	q, err := c.QueryAccountsWithResponse(ctx, &bqecoreapi.QueryAccountsParams{Where: ptr("level = 1")})
	if err != nil || len(*q.JSON200) != 1 || *(*q.JSON200)[0].Code != "10600" {
		t.Fatalf("account query: %v", err)
	}
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// TestBatchAnsweringAJob: a batch answered with a job (202, or an object
// where the records were expected) is a *BatchJobError carrying the job,
// through the generated methods and through Do.
func TestBatchAnsweringAJob(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	job := map[string]any{"id": "8f2c0d7e-job", "status": "Queued"}
	for _, status := range []int{http.StatusAccepted, http.StatusOK} {
		fake.AddFault(fakes.Fault{OperationID: "createProjectBatch", Status: status, JSON: job})
		r, err := c.CreateProjectBatchWithResponse(ctx, []bqecoreapi.Project{{Name: ptr("Queued")}})
		var je *bqecore.BatchJobError
		if !errors.As(err, &je) || !errors.Is(err, bqecore.ErrBatchJob) || r != nil || je.StatusCode != status || je.Job["id"] != "8f2c0d7e-job" ||
			!strings.HasSuffix(je.URL, "/project/batch") || strings.Contains(err.Error(), "Queued") {
			t.Fatalf("%d job: %v %+v", status, err, je)
		}
	}
	fake.AddFault(fakes.Fault{OperationID: "createDocumentBatch", Status: http.StatusAccepted, Body: []byte("queued")})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "document/batch", stringsReader(`[{"name":"x"}]`))
	req.Header.Set("Content-Type", "application/json")
	var je *bqecore.BatchJobError
	if _, err := c.Do(req); !errors.As(err, &je) || je.Job != nil || je.StatusCode != 202 {
		t.Fatalf("Do, 202 text: %v", err)
	}
	// The records as an array are the normal answer, and an object elsewhere is not a job.
	if r, err := c.CreateTimeEntryBatchWithResponse(ctx, []bqecoreapi.TimeEntry{{Description: ptr("ok")}}); err != nil || len(*r.JSON200) != 1 {
		t.Fatalf("array answer: %v", err)
	}
	if _, err := c.CreateActivityWithResponse(ctx, bqecoreapi.Activity{Name: ptr("Not a batch")}); err != nil {
		t.Fatal(err)
	}
}
