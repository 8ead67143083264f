package fakekit

import (
	"crypto/subtle"
	"net/http"
)

// OAuth error codes of RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1 and OIDC Core §3.1.2.6.
const (
	ErrCodeInvalidRequest          = "invalid_request"
	ErrCodeInvalidClient           = "invalid_client"
	ErrCodeInvalidGrant            = "invalid_grant"
	ErrCodeUnauthorizedClient      = "unauthorized_client"
	ErrCodeUnsupportedGrantType    = "unsupported_grant_type"
	ErrCodeUnsupportedResponseType = "unsupported_response_type"
	ErrCodeInvalidScope            = "invalid_scope"
	ErrCodeAccessDenied            = "access_denied"
	ErrCodeServerError             = "server_error"
	ErrCodeInvalidToken            = "invalid_token"
	ErrCodeInsufficientScope       = "insufficient_scope"
	ErrCodeLoginRequired           = "login_required"
	ErrCodeUnsupportedTokenType    = "unsupported_token_type"
)

// OAuthError is an OAuth error answer: Code and Description become "error" and
// "error_description"; Status is the HTTP status of a direct (non-redirect) answer.
type OAuthError struct {
	Status      int
	Code        string
	Description string
}

// Error returns the code and description.
func (e *OAuthError) Error() string {
	if e.Description == "" {
		return e.Code
	}
	return e.Code + ": " + e.Description
}

// NewOAuthError returns an OAuthError with the status RFC 6749 §5.2 implies for code
// (401 for invalid_client, 403 for insufficient_scope, 401 for invalid_token, else 400).
func NewOAuthError(code, description string) *OAuthError {
	status := http.StatusBadRequest
	switch code {
	case ErrCodeInvalidClient, ErrCodeInvalidToken:
		status = http.StatusUnauthorized
	case ErrCodeInsufficientScope:
		status = http.StatusForbidden
	case ErrCodeServerError:
		status = http.StatusInternalServerError
	}
	return &OAuthError{Status: status, Code: code, Description: description}
}

// writeError answers a direct OAuth error through OAuthConfig.ErrorResponse or as RFC 6749 JSON.
func (o *OAuth) writeError(w http.ResponseWriter, r *http.Request, e *OAuthError) {
	if o.cfg.ErrorResponse != nil {
		o.cfg.ErrorResponse(w, r, e)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	body := map[string]string{"error": e.Code}
	if e.Description != "" {
		body["error_description"] = e.Description
	}
	WriteJSON(w, e.Status, body)
}

func constantEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
