// Package bidcore is the client for the IPONWEB BidCore Workflow API v2: CRUD over advertisers,
// campaigns, line items, creatives, pixels, deals, SSPs and targeting lists
// (https://docs.bidcore.iponweb.com/api/workflow.html).
//
// [Client] embeds the generated [bidcoreapi.ClientWithResponses], so every operation of
// specs/bidcore.yaml is a typed method (ListAdvertisersWithResponse, CreateCampaignWithResponse,
// UpdateLineItemWithResponse, DeleteDealWithResponse, …). The wrapper adds what the generated code
// cannot know:
//
//   - Authentication. BidCore issues temporary tokens through the password grant at IPONWEB's uauth
//     server (scope "service_id=<service host>", no refresh token): [WithLogin] (or [PasswordLogin] for
//     a stand-alone token source) logs in and logs in again shortly before each token expires, and
//     once more if the API answers 401. Permanent tokens issued in the IPONWEB SSO portal are static:
//     [WithPermanentToken].
//   - The service host. Each customer has its own host (my.bidcore.iponweb.com by default);
//     [WithService] sets both the API base URL https://<host>/api/v2 and the login scope.
//   - Errors. Every non-2xx answer is returned as err, an [*Error] that matches the status sentinels
//     ([ErrNotFound], [ErrNotAcceptable], …) with errors.Is. PUT and DELETE answer 204 with no body.
//   - Retries of 429, 504 and connection failures with jittered backoff honouring Retry-After
//     ([WithRetry]).
//   - Pagination: AllAdvertisers, AllCampaigns, … follow the list envelope's "next" link as
//     iter.Seq2 iterators.
//
// Assumptions: the v2 path prefix (/api/v2), the entity paths and fields, the paging parameters and the
// error body are not public; they are modelled on the v1 API (Django REST framework) and are listed in
// docs/bidcore.md and in the spec's "Assumption:" notes.
//
// The package bidcore/bidcoretest holds an in-memory fake of the service for tests.
package bidcore
