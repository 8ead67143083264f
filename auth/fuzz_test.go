package auth_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/oasuite/sdk/auth"
)

// Fuzz targets for what auth parses from outside: token-endpoint answers,
// authorization callbacks, implicit-grant fragments, state values and stored
// token files. Run one with: go test -run '^$' -fuzz '^FuzzParseCallback$' ./auth/

// secretsIn returns the values (8 bytes or more) of the token-carrying keys of
// a JSON object or form.
func secretsIn(body string, keys ...string) []string {
	var out []string
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) == nil {
		for _, k := range keys {
			if s, ok := m[k].(string); ok && len(s) >= 8 {
				out = append(out, s)
			}
		}
	}
	if q, err := url.ParseQuery(strings.TrimPrefix(body, "#")); err == nil {
		for _, k := range keys {
			for _, s := range q[k] {
				if len(s) >= 8 {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func noSecretIn(t *testing.T, err error, secrets []string, except ...string) {
	t.Helper()
	msg := err.Error()
	for _, s := range secrets {
		echoed := false
		for _, e := range except { // a value the server itself put in a message
			if strings.Contains(e, s) {
				echoed = true
			}
		}
		if !echoed && strings.Contains(msg, s) {
			t.Errorf("a secret is in the error: %q", msg)
		}
	}
}

// FuzzParseTokenResponse: any token-endpoint body gives a token with an access
// token (which survives MarshalToken/UnmarshalToken, extras included) or an
// error quoting no token of the body.
func FuzzParseTokenResponse(f *testing.F) {
	for _, s := range []struct{ body, ct string }{
		{`{"access_token":"abcdefgh12345678","token_type":"Bearer","expires_in":3600,"refresh_token":"rrrrrrrr12345678","endpoint":"https://api.bqecore.com/api/"}`, "application/json"},
		{`{"access_token":"abcdefgh12345678","expires_in":"3600","scope":"a b"}`, "application/json; charset=utf-8"},
		{`access_token=abcdefgh12345678&token_type=bearer&expires_in=60`, "application/x-www-form-urlencoded"},
		{`access_token=abcdefgh12345678&expires_in=1e3`, "text/plain"},
		{`{"error":"invalid_grant","error_description":"nope"}`, "application/json"},
		{`{"access_token":""}`, "application/json"},
		{`{"access_token":"abcdefgh12345678","expires_in":-1,"nested":{"a":[1,{"b":null}]}}`, "application/json"},
		{`{"access_token":"abcdefgh12345678","expires_in":1e300}`, "application/json"},
		{`{"access_token":"abcdefgh12345678","expires_in":"10000000000"}`, "application/json"},
		{`null`, ""},
		{`[]`, "application/json"},
	} {
		f.Add([]byte(s.body), s.ct)
	}
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		tok, err := auth.ParseTokenResponse(body, ct)
		if err != nil {
			var te *auth.TokenError
			desc := ""
			if errors.As(err, &te) {
				desc = te.Description + te.URI + te.ErrorCode
			}
			noSecretIn(t, err, secretsIn(string(body), "access_token", "refresh_token", "id_token"), desc)
			return
		}
		if tok == nil || tok.AccessToken == "" {
			t.Fatalf("success without an access token: %#v", tok)
		}
		if tok.ExpiresIn > 0 && !tok.Expiry.After(time.Now()) {
			t.Errorf("expires_in %d gave an expiry in the past: %v", tok.ExpiresIn, tok.Expiry)
		}
		data, err := auth.MarshalToken(tok)
		if err != nil {
			t.Fatalf("MarshalToken: %v", err)
		}
		back, err := auth.UnmarshalToken(data)
		if err != nil {
			t.Fatalf("UnmarshalToken(MarshalToken(tok)): %v", err)
		}
		if back.AccessToken != tok.AccessToken || back.RefreshToken != tok.RefreshToken ||
			back.TokenType != tok.TokenType || !back.Expiry.Equal(tok.Expiry) {
			t.Errorf("token changed through MarshalToken/UnmarshalToken")
		}
		kept := auth.Extras(back)
		for k, v := range auth.Extras(tok) {
			switch k {
			case "access_token", "token_type", "refresh_token", "expires_in", "expiry":
				continue // stored in the token's own fields
			}
			if !utf8.ValidString(k) {
				continue // a JSON file cannot name it; values are compared as JSON writes them
			}
			a, _ := json.Marshal(v) // as the file holds it
			b, _ := json.Marshal(kept[k])
			var x, y any
			_ = json.Unmarshal(a, &x)
			_ = json.Unmarshal(b, &y)
			if !reflect.DeepEqual(x, y) {
				t.Errorf("extra %q changed through MarshalToken/UnmarshalToken: %s → %s", k, a, b)
			}
		}
	})
}

// FuzzParseCallback: a callback is accepted only with the expected, non-empty
// state and a code, and then the code is the query's; no error quotes the code.
func FuzzParseCallback(f *testing.F) {
	f.Add("code=abcdefgh12345678&state=s1", "s1")
	f.Add("code=abcdefgh12345678&state=s2", "s1")
	f.Add("code=abcdefgh12345678", "")
	f.Add("error=access_denied&error_description=User+denied&state=s1", "s1")
	f.Add("state=s1&state=s2&code=a&code=b", "s1")
	f.Add("code=abcdefgh12345678&state=%zz", "s1")
	f.Add("code=&state=s1", "s1")
	f.Fuzz(func(t *testing.T, query, want string) {
		q, _ := url.ParseQuery(query) // a partly malformed query keeps what parsed
		code, err := auth.ParseCallback(q, want)
		if err == nil {
			if want == "" || q.Get("state") != want || code == "" || code != q.Get("code") || q.Get("error") != "" {
				t.Fatalf("accepted %q for state %q: code %q", query, want, code)
			}
			return
		}
		if want == "" || q.Get("state") != want {
			if !errors.Is(err, auth.ErrStateMismatch) {
				t.Errorf("wrong state: err = %v, want ErrStateMismatch", err)
			}
		}
		noSecretIn(t, err, secretsIn(query, "code"), q.Get("error"), q.Get("error_description"), q.Get("error_uri"))
	})
}

// FuzzParseFragment: an implicit-grant fragment gives a token only with the
// expected state and an access token; no error quotes a token.
func FuzzParseFragment(f *testing.F) {
	f.Add("#access_token=abcdefgh12345678&token_type=Bearer&expires_in=3600&state=s1", "s1")
	f.Add("https://app.example.com/cb#access_token=abcdefgh12345678&id_token=x.y.z&state=s1", "s1")
	f.Add("access_token=abcdefgh12345678&state=s2", "s1")
	f.Add("id_token=iiiiiiii12345678&state=s1", "s1")
	f.Add("error=access_denied&state=s1", "s1")
	f.Add("access_token=abcdefgh12345678&expires_in=abc&state=s1", "s1")
	f.Add("#a#b%zz", "")
	f.Fuzz(func(t *testing.T, fragment, want string) {
		tok, err := auth.ParseFragment(fragment, want)
		frag := fragment
		if i := strings.IndexByte(frag, '#'); i >= 0 {
			frag = frag[i+1:]
		}
		q, _ := url.ParseQuery(frag)
		if err == nil {
			if want == "" || q.Get("state") != want || tok == nil || tok.AccessToken == "" || tok.AccessToken != q.Get("access_token") {
				t.Fatalf("accepted %q for state %q: %#v", fragment, want, tok)
			}
			return
		}
		noSecretIn(t, err, secretsIn(frag, "access_token", "id_token", "refresh_token"),
			q.Get("error"), q.Get("error_description"), q.Get("error_uri"))
	})
}

// FuzzState: EncodeState/DecodeState carry any payload back unchanged, and
// DecodeState never panics on a forged state.
func FuzzState(f *testing.F) {
	f.Add("return=/projects/42", "eyJ4IjoxfQ")
	f.Add("", "")
	f.Add("ünïcødé \x00", "!!!not base64")
	f.Fuzz(func(t *testing.T, payload, forged string) {
		var v any
		_ = auth.DecodeState(forged, &v)
		s, err := auth.EncodeState(map[string]string{"p": payload})
		if err != nil {
			t.Fatalf("EncodeState: %v", err)
		}
		if strings.ContainsAny(s, "+/=&#? ") {
			t.Errorf("state %q is not URL-safe", s)
		}
		var got map[string]string
		if err := auth.DecodeState(s, &got); err != nil {
			t.Fatalf("DecodeState(EncodeState(x)): %v", err)
		}
		// JSON replaces each invalid UTF-8 byte; a valid payload comes back as is.
		if utf8.ValidString(payload) && got["p"] != payload {
			t.Errorf("payload %q came back as %q", payload, got["p"])
		}
	})
}

// FuzzUnmarshalToken: a stored token file, however damaged, loads as a token
// or an error, and what loads saves and loads again unchanged.
func FuzzUnmarshalToken(f *testing.F) {
	f.Add([]byte(`{"access_token":"a","token_type":"Bearer","refresh_token":"r","expiry":"2026-11-23T10:00:00.123456789Z","extra":{"endpoint":"https://api.bqecore.com/api/"}}`))
	f.Add([]byte(`{"access_token":"a","expiry":"not a time"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"extra":[1,2]}`))
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := auth.UnmarshalToken(data)
		if err != nil {
			return
		}
		again, err := auth.MarshalToken(tok)
		if err != nil {
			t.Fatalf("MarshalToken of a loaded token: %v", err)
		}
		back, err := auth.UnmarshalToken(again)
		if err != nil {
			t.Fatalf("reload: %v", err)
		}
		if back.AccessToken != tok.AccessToken || back.RefreshToken != tok.RefreshToken || !back.Expiry.Equal(tok.Expiry) {
			t.Errorf("token changed on a save/load cycle")
		}
	})
}
