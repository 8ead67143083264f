// Package beproduct is the Go client of the BeProduct Public API
// (https://developers.beproduct.com), the product lifecycle management
// service for fashion and consumer goods.
//
// Client embeds the client generated from specs/beproduct.yaml
// (beproductapi.ClientWithResponses), so every operation of the spec is a
// typed method (ListStyleHeadersWithResponse, GetMaterialHeaderWithResponse,
// ListTrackingPlansWithResponse, …). Non-2xx answers come back as *Error.
// On top of that the package adds what the generated code cannot know:
//
//   - the tenant: WithCompany (required) puts the company slug into
//     https://developers.beproduct.com/api/{company};
//   - login on the identity server https://id.winks.io/ids (OpenID Connect):
//     the authorization code flow with PKCE, state and nonce, the browser
//     "id_token token" flow, refresh with rotated refresh tokens kept in a
//     store, the actas impersonation grant, userinfo and end session
//     (NewIdentity, OAuthConfig);
//   - one refresh and one replay after a 401, and retries of 429 and 5xx
//     (the shared pipeline);
//   - the rate-limit headers X-RateLimit-* of the latest answer
//     (Client.RateLimit);
//   - the API limits: reads of at most 200 records per request
//     (Client.Headers and Client.ListHeaders refuse larger pages before
//     sending) and writes of at most 100 records per request (Client.UpdatePageGrid,
//     Client.UpdatePageList and Client.UpdateTrackingTimelines split larger
//     writes and report which records failed);
//   - a filter builder for header lists (Where; several values travel
//     "■"-joined, as the SDKs send them) and iterators over every paged list
//     (Headers, CompanyColors, TrackingPlans, TrackingTimelines,
//     TrackingRevisions, DataTables, DataTableRows, InboxTasks,
//     InboxMessages, DirectoryCompanies, DirectoryContacts), all on one
//     paging loop;
//   - streamed multipart uploads from a path, bytes, a reader or a URL
//     (File, Client.Multipart for any upload operation, UploadHeaderImage,
//     UploadAttachment), retried only when the body can be sent again;
//     RemoveAttachments; WaitImageProcessing; Download of linked files;
//   - reads sent as POST retried like GETs (the spec's x-oasuite-idempotent),
//     and a 200 cut off mid-body read again once;
//   - an optional wait for the rate-limit reset when the quota is spent
//     (WithQuotaWait);
//   - the Automation API (autonumbers, locks) on its own host
//     (Client.Automation).
//
// The package beproduct/beproducttest is an in-memory fake of the service
// for tests.
package beproduct
