package bouquet

import (
	"context"
	"iter"

	"github.com/oasuite/sdk/gen/bouquetapi"
)

// AnalysisJobRows iterates over every row of a job's results, reading pages
// of pageSize rows (startIndex, maxResults) until totalSize rows have been
// seen or a page comes back empty. Pages still computing are waited for as
// in [Client.AnalysisJobResults]. pageSize <= 0 means 1000.
func (c *Client) AnalysisJobRows(ctx context.Context, projectID, jobID string, pageSize int) iter.Seq2[bouquetapi.DataTableRow, error] {
	if pageSize <= 0 {
		pageSize = 1000
	}
	return func(yield func(bouquetapi.DataTableRow, error) bool) {
		start := 0
		for {
			si, mr := int32(start), int32(pageSize)
			page, err := c.AnalysisJobResults(ctx, projectID, jobID, &bouquetapi.GetAnalysisJobResultsParams{StartIndex: &si, MaxResults: &mr})
			if err != nil {
				yield(bouquetapi.DataTableRow{}, err)
				return
			}
			if page.Rows == nil || len(*page.Rows) == 0 {
				return
			}
			for _, r := range *page.Rows {
				if !yield(r, nil) {
					return
				}
			}
			start += len(*page.Rows)
			if page.TotalSize != nil && int64(start) >= *page.TotalSize {
				return
			}
		}
	}
}
