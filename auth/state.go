package auth

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// stateEnvelope is the JSON inside a state value.
type stateEnvelope struct {
	Nonce   string          `json:"n"`
	Payload json.RawMessage `json:"p,omitempty"`
}

// EncodeState makes an OAuth "state" value: base64url (no padding) of a JSON
// object holding 128 random bits and the app's payload (any JSON-encodable
// value, nil for none). BQE CORE documents state as "a base64 encoded JSON
// object" that may carry several values
// (https://api-explorer.bqecore.com/docs/authentication-authorization); the
// random part makes every state unguessable, so it also serves as the CSRF
// check. Read the payload back with [DecodeState].
func EncodeState(payload any) (string, error) {
	var env stateEnvelope
	env.Nonce = randomString(16)
	if payload != nil {
		p, err := json.Marshal(payload)
		if err != nil {
			return "", fmt.Errorf("auth: encoding state payload: %w", err)
		}
		env.Payload = p
	}
	b, err := json.Marshal(env)
	if err != nil {
		return "", fmt.Errorf("auth: encoding state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// DecodeState reads the payload of a state made by [EncodeState] into
// payload (a pointer, as for json.Unmarshal). It does not check the state
// against an expected one: [CodeFlow.Exchange] does.
func DecodeState(state string, payload any) error {
	b, err := base64.RawURLEncoding.DecodeString(state)
	if err != nil {
		// Tolerate padded or standard base64 that a server re-encoded.
		if b, err = base64.URLEncoding.DecodeString(state); err != nil {
			if b, err = base64.StdEncoding.DecodeString(state); err != nil {
				return errors.New("auth: state is not base64")
			}
		}
	}
	var env stateEnvelope
	if err := json.Unmarshal(b, &env); err != nil || env.Nonce == "" {
		return errors.New("auth: state was not made by EncodeState")
	}
	if payload == nil || len(env.Payload) == 0 {
		return nil
	}
	if err := json.Unmarshal(env.Payload, payload); err != nil {
		return fmt.Errorf("auth: decoding state payload: %w", err)
	}
	return nil
}

// randomString returns n random bytes as base64url.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
