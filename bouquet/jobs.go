package bouquet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/oasuite/sdk/gen/bouquetapi"
	"github.com/oasuite/sdk/validate"
)

// Analysis-job statuses (ProjectAnalysisJob.status).
const (
	JobPending = bouquetapi.ProjectAnalysisJobStatusPENDING
	JobRunning = bouquetapi.ProjectAnalysisJobStatusRUNNING
	JobDone    = bouquetapi.ProjectAnalysisJobStatusDONE
)

// JobError is an analysis job that finished with an error set.
type JobError struct {
	JobID   string
	Type    string
	Message string
}

// Error names the job and Bouquet's message.
func (e *JobError) Error() string {
	return fmt.Sprintf("bouquet: analysis job %s failed: %s: %s", e.JobID, e.Type, e.Message)
}

// RunAnalysisJob creates an analysis job in project projectID (POST
// /rs/projects/{projectId}/analysisjobs) and waits until Bouquet has
// computed it, within ctx's deadline (see [Client.WaitAnalysisJob]).
func (c *Client) RunAnalysisJob(ctx context.Context, projectID string, job bouquetapi.ProjectAnalysisJob) (*bouquetapi.ProjectAnalysisJob, error) {
	resp, err := c.CreateAnalysisJobWithResponse(ctx, projectID, nil, job)
	if err != nil {
		return nil, fmt.Errorf("bouquet: creating analysis job: %w", err)
	}
	created := resp.JSON200
	if created == nil {
		return nil, errors.New("bouquet: creating analysis job: empty answer")
	}
	if done, err := jobDone(created); done || err != nil {
		return created, err
	}
	if created.Id == nil || created.Id.AnalysisJobId == "" {
		return nil, errors.New("bouquet: creating analysis job: answer has no job id")
	}
	return c.WaitAnalysisJob(ctx, projectID, created.Id.AnalysisJobId)
}

// WaitAnalysisJob waits until an analysis job is computed and returns it as
// Bouquet then reports it (status DONE). It polls the job's results with
// maxResults=1: that starts a job created without a timeout, which
// bouquet-server leaves PENDING (AnalysisJobServiceBaseImpl.store), and
// answers ComputingInProgress while it runs. Between polls it waits the
// answer's Retry-After, else the poll interval ([WithPollInterval]). When
// the next poll would come after ctx's deadline it stops at once with an
// error matching both context.DeadlineExceeded and [ErrComputingInProgress].
// A job that ends with an error gives a [*JobError] (or the [*Error] of the
// failed computation).
func (c *Client) WaitAnalysisJob(ctx context.Context, projectID, jobID string) (*bouquetapi.ProjectAnalysisJob, error) {
	one := int32(1)
	if _, err := c.AnalysisJobResults(ctx, projectID, jobID, &bouquetapi.GetAnalysisJobResultsParams{MaxResults: &one}); err != nil {
		return nil, err
	}
	resp, err := c.GetAnalysisJobWithResponse(ctx, projectID, jobID, nil)
	if err != nil {
		return nil, fmt.Errorf("bouquet: reading analysis job: %w", err)
	}
	if resp.JSON200 == nil {
		return nil, missingField(resp.HTTPResponse, "", "a ProjectAnalysisJob JSON body")
	}
	if _, err := jobDone(resp.JSON200); err != nil {
		return resp.JSON200, err
	}
	return resp.JSON200, nil
}

// AnalysisJobResults reads one page of a job's results (GET
// …/analysisjobs/{jobId}/results), polling while Bouquet answers
// ComputingInProgress, within ctx's deadline. params may be nil; set
// StartIndex and MaxResults to page.
func (c *Client) AnalysisJobResults(ctx context.Context, projectID, jobID string, params *bouquetapi.GetAnalysisJobResultsParams) (*bouquetapi.DataTable, error) {
	for {
		resp, err := c.GetAnalysisJobResultsWithResponse(ctx, projectID, jobID, params)
		if err == nil {
			if resp.JSON200 == nil {
				return nil, missingField(resp.HTTPResponse, "", "a DataTable JSON body")
			}
			if resp.JSON200.Rows == nil {
				return nil, missingField(resp.HTTPResponse, "rows", "the page's rows, an array")
			}
			return resp.JSON200, nil
		}
		var be *Error
		if !errors.As(err, &be) || !be.ComputingInProgress() {
			return nil, fmt.Errorf("bouquet: reading results: %w", err)
		}
		wait := be.RetryAfter
		if wait == 0 {
			wait = c.pollInterval
		}
		if err := c.pause(ctx, wait, jobID); err != nil {
			return nil, err
		}
	}
}

// pause waits d before the next poll, or fails when ctx ends first or its
// deadline falls before the next poll.
func (c *Client) pause(ctx context.Context, d time.Duration, jobID string) error {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return fmt.Errorf("bouquet: job %s still computing at the context's deadline: %w (%w)", jobID, context.DeadlineExceeded, ErrComputingInProgress)
	}
	if err := c.sleep(ctx, d); err != nil {
		return fmt.Errorf("bouquet: job %s still computing: %w (%w)", jobID, err, ErrComputingInProgress)
	}
	return nil
}

func jobDone(j *bouquetapi.ProjectAnalysisJob) (bool, error) {
	if j.Error != nil && (j.Error.Type != nil || j.Error.Error != nil) {
		e := &JobError{}
		if j.Id != nil {
			e.JobID = j.Id.AnalysisJobId
		}
		if j.Error.Type != nil {
			e.Type = *j.Error.Type
		}
		if j.Error.Error != nil {
			e.Message = *j.Error.Error
		}
		if e.Type != TypeComputingInProgress {
			return true, e
		}
	}
	return j.Status != nil && *j.Status == JobDone, nil
}

// ExportAnalysisJobFile streams an analysis job's results as a file
// (GET …/analysisjobs/{jobId}.{ext}: "csv", "csv.gz", "xls", …). The body is
// not buffered: read it and close it. While the job computes, the error
// matches [ErrComputingInProgress] (wait with [Client.WaitAnalysisJob]).
func (c *Client) ExportAnalysisJobFile(ctx context.Context, projectID, jobID, ext string, params *bouquetapi.ExportAnalysisJobParams) (io.ReadCloser, error) {
	resp, err := c.ExportAnalysisJob(ctx, projectID, jobID, ext, params)
	if err != nil {
		return nil, fmt.Errorf("bouquet: export %s.%s: %w", jobID, ext, err)
	}
	return resp.Body, nil
}

// missingField is the error of a 2xx answer that lacks what a helper reads:
// never an empty result.
func missingField(resp *http.Response, field, want string) error {
	return validate.MissingField("bouquet", resp, field, want, nil)
}
