package fakekit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// DefaultBodyLimit is the request-body limit ReadJSON applies when given a limit ≤ 0, and the
// Validator's default.
const DefaultBodyLimit = 1 << 20

// ErrBodyTooLarge is returned (wrapped) by ReadJSON when the body exceeds the limit.
var ErrBodyTooLarge = errors.New("fakekit: request body too large")

// WriteJSON answers status with v marshalled as JSON ("application/json").
func WriteJSON(w http.ResponseWriter, status int, v any) {
	WriteJSONAs(w, status, "application/json", v)
}

// WriteJSONAs answers status with v marshalled as JSON under the given content type (Procurios'
// vendor media types, e.g. "application/vnd.procurios.relation+json; version=1"). A value that
// cannot be marshalled answers 500.
func WriteJSONAs(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "fakekit: cannot encode response", http.StatusInternalServerError)
		return
	}
	b = append(b, '\n')
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// ReadJSON decodes the request body into v, reading at most limit bytes (DefaultBodyLimit when
// limit ≤ 0). Unknown fields are allowed; trailing data after the value is an error.
func ReadJSON(r *http.Request, limit int64, v any) error {
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	if r.Body == nil {
		return errors.New("fakekit: empty request body")
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return fmt.Errorf("fakekit: read body: %w", err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("%w (limit %d bytes)", ErrBodyTooLarge, limit)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("fakekit: decode body: %w", err)
	}
	if dec.More() {
		return errors.New("fakekit: decode body: trailing data after JSON value")
	}
	return nil
}
