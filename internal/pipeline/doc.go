// Package pipeline is the request path every oasuite vendor client shares.
//
// A call leaves the generated client through a [Doer], which sends it on an
// *http.Client built by [NewClient] and turns every non-2xx answer into the
// vendor's error type. The client's transport is one chain:
//
//		retry/backoff → attach token (401 → one forced refresh, one replay) → vendor headers → base transport
//
//	  - Retry: 429, 502, 503, 504 and connection resets are retried with
//	    exponential backoff and full jitter, honouring Retry-After (seconds or
//	    HTTP date). A request is replayed only when its body can be (GetBody set,
//	    or no body); 5xx answers and connection resets only for idempotent
//	    methods (GET, HEAD, OPTIONS, TRACE, PUT, DELETE, an Idempotency-Key
//	    header, or one Config.Idempotent names — [SpecIdempotent] reads a spec's
//	    x-oasuite-idempotent marks on reads sent as POST). With
//	    Config.RereadCutOff a 2xx JSON answer to such a request is read whole
//	    first and sent again once when its body is cut off. Attempts and each wait are bounded; a Retry-After longer than the
//	    bound, or past the context's deadline, is not waited for: the answer is
//	    returned at once. A cancelled context ends a wait at once.
//	  - Token: the token goes in the Authorization header, or in a named query
//	    parameter. When the vendor says a response is an authentication failure
//	    (401 by default) and the token source can be forced to refresh
//	    (auth.Refresher), the pipeline refreshes once and replays once.
//	  - Transports never turn a response into an error; the Doer does, after
//	    reading at most a bounded number of bytes of the error body.
//
// URLs in errors and log lines go through [RedactURL]: token-carrying query
// parameters never leave the process in clear.
package pipeline
