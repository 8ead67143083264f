package replay

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/dnaeon/go-vcr/v2/cassette"
)

// PlaceholderPrefix starts every value the scrubber writes in place of a secret.
const PlaceholderPrefix = "REDACTED"

// Placeholder returns the deterministic stand-in for a secret found under key, such as
// "REDACTED-access_token".
func Placeholder(key string) string { return PlaceholderPrefix + "-" + key }

// IsPlaceholder reports whether v is a value the scrubber wrote.
func IsPlaceholder(v string) bool { return strings.HasPrefix(v, PlaceholderPrefix) }

// DefaultSecretKeys returns the keys whose values are secrets wherever they appear: query
// parameters, URL fragments, form fields and JSON keys at any depth. Keys compare without
// regard to case. Besides these, any key ending in "token", "secret" or "password"
// (accessToken, clientSecret, dbPassword…) is secret too (see IsSecretKey).
// Bouquet's token JSON ({"id":{"tokenId":…},"refreshToken":…,"authorizationCode":…}) is covered.
func DefaultSecretKeys() []string {
	return []string{
		"access_token", "refresh_token", "id_token", "code", "client_secret", "password",
		"assertion", "client_assertion", "code_verifier", "token", "id_token_hint",
		"squidapitoken", "tokenId", "refreshToken", "authorizationCode",
		"apikey", "api_key", "x-api-key",
	}
}

// secretSuffixes make any key ending in one of them secret.
func secretSuffixes() []string { return []string{"token", "secret", "password"} }

// RandomKeys returns the keys whose values change on every run (state, nonce, PKCE). The
// matcher compares them by presence only; they are not secrets and are kept in request URLs.
func RandomKeys() []string { return []string{"state", "nonce", "code_challenge", "code_verifier"} }

// Scrubber removes secrets from recorded interactions and normalises requests for matching.
// Its methods are pure: they return new values and never change their arguments.
type Scrubber struct {
	// Keys are secret keys in addition to DefaultSecretKeys.
	Keys []string
	// KeepJSON are keys not treated as secret inside JSON bodies (still secret elsewhere).
	KeepJSON []string
	// Known maps literal secret values (collected by KnownSecrets) to their placeholders; every
	// occurrence of such a value, wherever it is (a token in a URL path, say), is replaced.
	Known map[string]string
}

// IsSecretKey reports whether values under key are secrets.
func (s Scrubber) IsSecretKey(key string) bool {
	k := strings.ToLower(strings.TrimSpace(key))
	if k == "" {
		return false
	}
	for _, d := range DefaultSecretKeys() {
		if k == strings.ToLower(d) {
			return true
		}
	}
	for _, d := range s.Keys {
		if k == strings.ToLower(d) {
			return true
		}
	}
	for _, suf := range secretSuffixes() {
		if strings.HasSuffix(k, suf) {
			return true
		}
	}
	return false
}

// IsSecretJSONKey reports whether values under key are secrets inside a JSON body.
func (s Scrubber) IsSecretJSONKey(key string) bool {
	for _, k := range s.KeepJSON {
		if strings.EqualFold(k, key) {
			return false
		}
	}
	return s.IsSecretKey(key)
}

func isRandomKey(key string) bool {
	for _, k := range RandomKeys() {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

var (
	// jwtRe matches a JWS compact serialisation (and the first three parts of a JWE).
	jwtRe = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)
	// bearerRe matches "Bearer <credential>".
	bearerRe = regexp.MustCompile(`(?i)\b(bearer)\s+([A-Za-z0-9._~+/-]+=*)`)
	// userinfoRe matches the password part of user:password@ in a URL.
	userinfoRe = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9+.-]*://[^/@:?#]*):[^/@?#]*@`)
)

// looksLikeCredential tells a bearer credential from prose ("Bearer authentication required")
// and from challenge parameters ("Bearer realm=…").
func looksLikeCredential(tok string) bool {
	if IsPlaceholder(tok) || len(tok) < 8 {
		return false
	}
	return strings.ContainsAny(tok, "0123456789") || len(tok) >= 20
}

// Text replaces JWT-looking strings, bearer credentials and known secret values in free text.
func (s Scrubber) Text(v string) string {
	if v == "" {
		return v
	}
	if len(s.Known) > 0 {
		keys := make([]string, 0, len(s.Known))
		for k := range s.Known {
			keys = append(keys, k)
		}
		// Longest first, so that a secret containing another is replaced whole.
		sort.Slice(keys, func(i, j int) bool {
			if len(keys[i]) != len(keys[j]) {
				return len(keys[i]) > len(keys[j])
			}
			return keys[i] < keys[j]
		})
		for _, k := range keys {
			if k != "" {
				v = strings.ReplaceAll(v, k, s.Known[k])
			}
		}
	}
	v = jwtRe.ReplaceAllString(v, Placeholder("jwt"))
	v = bearerRe.ReplaceAllStringFunc(v, func(m string) string {
		sub := bearerRe.FindStringSubmatch(m)
		if !looksLikeCredential(sub[2]) {
			return m
		}
		return sub[1] + " " + Placeholder("authorization")
	})
	return v
}

// URL scrubs a URL: secret query parameters and fragment parameters, a password in the
// userinfo, and JWTs and known secrets anywhere (a token in the path, say).
func (s Scrubber) URL(raw string) string { return s.url(raw) }

// Location scrubs a redirect target: like URL, and the state parameter too.
func (s Scrubber) Location(raw string) string { return s.url(raw, "state") }

func (s Scrubber) url(raw string, also ...string) string {
	base, frag, hasFrag := strings.Cut(raw, "#")
	base, query, hasQuery := strings.Cut(base, "?")
	base = userinfoRe.ReplaceAllString(base, "${1}:"+Placeholder("password")+"@")
	var b strings.Builder
	b.WriteString(s.Text(base))
	if hasQuery {
		b.WriteByte('?')
		b.WriteString(s.query(query, also...))
	}
	if hasFrag {
		b.WriteByte('#')
		if strings.Contains(frag, "=") {
			b.WriteString(s.query(frag, also...))
		} else {
			b.WriteString(s.Text(frag))
		}
	}
	return b.String()
}

// Query scrubs an application/x-www-form-urlencoded string (a query, a form body, an implicit
// grant fragment), keeping the order and encoding of everything it does not change.
func (s Scrubber) Query(raw string) string { return s.query(raw) }

func (s Scrubber) query(raw string, also ...string) string {
	if raw == "" {
		return raw
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, v, hasEq := strings.Cut(p, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if !hasEq || v == "" {
			continue
		}
		if s.IsSecretKey(key) || containsFold(also, key) {
			parts[i] = k + "=" + url.QueryEscape(Placeholder(key))
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			parts[i] = k + "=" + s.Text(v)
			continue
		}
		if nv := s.Text(val); nv != val {
			parts[i] = k + "=" + url.QueryEscape(nv)
		}
	}
	return strings.Join(parts, "&")
}

func containsFold(list []string, k string) bool {
	for _, x := range list {
		if strings.EqualFold(x, k) {
			return true
		}
	}
	return false
}

// Form scrubs parsed form values (go-vcr's Request.Form), returning a new map.
func (s Scrubber) Form(form url.Values) url.Values {
	if form == nil {
		return nil
	}
	out := make(url.Values, len(form))
	for k, vs := range form {
		nv := make([]string, len(vs))
		for i, v := range vs {
			switch {
			case v == "":
			case s.IsSecretKey(k):
				v = Placeholder(k)
			default:
				v = s.Text(v)
			}
			nv[i] = v
		}
		out[k] = nv
	}
	return out
}

// JSON scrubs a JSON document: string values under secret keys (at any depth) become
// placeholders, other strings go through Text. Key order and numbers are kept; the output is
// compact. ok is false when body is not JSON. An unchanged document is returned as is.
func (s Scrubber) JSON(body []byte) (out []byte, ok bool) {
	var buf bytes.Buffer
	changed := false
	err := walkJSON(body, &buf, func(key string, inObject bool, v string) string {
		nv := v
		if inObject && s.IsSecretJSONKey(key) {
			if v != "" {
				nv = Placeholder(key)
			}
		} else {
			nv = s.Text(v)
		}
		if nv != v {
			changed = true
		}
		return nv
	})
	if err != nil {
		return body, false
	}
	if !changed {
		return body, true
	}
	return buf.Bytes(), true
}

// brokenJSON scrubs a document that does not parse as JSON (a truncated body, say): every
// string found under a secret key before the error is replaced where it appears as a JSON
// string literal.
func (s Scrubber) brokenJSON(body string) string {
	var sink bytes.Buffer
	repl := map[string]string{}
	_ = walkJSON([]byte(body), &sink, func(key string, inObj bool, v string) string {
		if inObj && v != "" && s.IsSecretJSONKey(key) {
			var lit bytes.Buffer
			writeJSONString(&lit, v)
			var ph bytes.Buffer
			writeJSONString(&ph, Placeholder(key))
			repl[lit.String()] = ph.String()
		}
		return v
	})
	for lit, ph := range repl {
		body = strings.ReplaceAll(body, lit, ph)
	}
	return body
}

// walkJSON re-encodes the JSON in body to w, passing every string value (not keys) through f
// with the key it sits under (inObject false for array elements and top-level values).
func walkJSON(body []byte, w *bytes.Buffer, f func(key string, inObject bool, v string) string) error {
	type frame struct {
		obj     bool
		n       int
		key     string
		wantVal bool
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*frame
	top := 0
	sep := func() {
		if len(stack) == 0 {
			if top > 0 {
				w.WriteByte('\n')
			}
			top++
			return
		}
		fr := stack[len(stack)-1]
		if fr.obj && fr.wantVal {
			fr.wantVal = false
			return
		}
		if fr.n > 0 {
			w.WriteByte(',')
		}
		fr.n++
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				sep()
				w.WriteByte(byte(v))
				stack = append(stack, &frame{obj: v == '{'})
			default:
				w.WriteByte(byte(v))
				stack = stack[:len(stack)-1]
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].obj && !stack[n-1].wantVal {
				fr := stack[n-1]
				sep()
				writeJSONString(w, v)
				w.WriteByte(':')
				fr.key = v
				fr.wantVal = true
				continue
			}
			key, inObj := "", false
			if n := len(stack); n > 0 && stack[n-1].obj {
				key, inObj = stack[n-1].key, true
			}
			sep()
			writeJSONString(w, f(key, inObj, v))
		case json.Number:
			sep()
			w.WriteString(v.String())
		case bool:
			sep()
			w.WriteString(strconv.FormatBool(v))
		case nil:
			sep()
			w.WriteString("null")
		}
	}
	if len(stack) != 0 || top == 0 {
		return io.ErrUnexpectedEOF
	}
	return nil
}

func writeJSONString(w *bytes.Buffer, v string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // a string always encodes
	w.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// mediaType returns the lower-case media type of a Content-Type value.
func mediaType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	}
	return mt
}

func isJSONType(mt string) bool { return mt == "application/json" || strings.HasSuffix(mt, "+json") }

const formType = "application/x-www-form-urlencoded"

// looksLikeForm reports whether a body of unknown type reads as key=value&… (some token
// endpoints answer that way with text/plain).
func looksLikeForm(body string) bool {
	if !strings.Contains(body, "=") || strings.ContainsAny(body, " \t\r\n{}<>\"") {
		return false
	}
	_, err := url.ParseQuery(body)
	return err == nil
}

// Body scrubs a request or response body given its Content-Type: forms and JSON by key, then
// JWTs, bearer credentials and known secrets anywhere.
func (s Scrubber) Body(contentType, body string) string {
	if body == "" {
		return body
	}
	mt := mediaType(contentType)
	trimmed := strings.TrimSpace(body)
	switch {
	case mt == formType:
		body = s.Query(body)
	case isJSONType(mt) || strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "["):
		if out, ok := s.JSON([]byte(body)); ok {
			body = string(out)
		} else {
			body = s.brokenJSON(body)
		}
	case looksLikeForm(trimmed):
		body = s.Query(body)
	}
	return s.Text(body)
}

// Header scrubs headers, returning a new map: Authorization and Proxy-Authorization keep
// their scheme ("Bearer REDACTED-authorization"); Cookie and Set-Cookie become
// "REDACTED-cookie" / "REDACTED-set-cookie"; headers whose name is a secret key (X-Auth-Token,
// X-Api-Key) become placeholders; Location and Content-Location are scrubbed as redirect URLs;
// every other value goes through Text.
func (s Scrubber) Header(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		nv := make([]string, len(vs))
		for i, v := range vs {
			switch {
			case v == "":
			case ck == "Authorization" || ck == "Proxy-Authorization":
				if scheme, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
					v = scheme + " " + Placeholder("authorization")
				} else {
					v = Placeholder("authorization")
				}
			case ck == "Cookie":
				v = Placeholder("cookie")
			case ck == "Set-Cookie":
				v = Placeholder("set-cookie")
			case ck == "Location" || ck == "Content-Location":
				v = s.Location(v)
			case s.IsSecretKey(k):
				v = Placeholder(strings.ToLower(k))
			default:
				v = s.Text(v)
			}
			nv[i] = v
		}
		out[k] = nv
	}
	return out
}

// Interaction returns a scrubbed copy of i: URL, headers, form and bodies of both sides.
// The response Content-Length header follows the new body, and the recorded duration is
// dropped so that re-recording gives the same file.
func (s Scrubber) Interaction(i cassette.Interaction) cassette.Interaction {
	out := i
	out.Request.URL = s.URL(i.Request.URL)
	out.Request.Headers = s.Header(i.Request.Headers)
	out.Request.Form = s.Form(i.Request.Form)
	out.Request.Body = s.Body(i.Request.Headers.Get("Content-Type"), i.Request.Body)
	out.Response.Headers = s.Header(i.Response.Headers)
	out.Response.Body = s.Body(i.Response.Headers.Get("Content-Type"), i.Response.Body)
	if out.Response.Body != i.Response.Body && out.Response.Headers.Get("Content-Length") != "" {
		out.Response.Headers.Set("Content-Length", strconv.Itoa(len(out.Response.Body)))
	}
	if out.Request.Body != i.Request.Body && out.Request.Headers.Get("Content-Length") != "" {
		out.Request.Headers.Set("Content-Length", strconv.Itoa(len(out.Request.Body)))
	}
	out.Response.Duration = 0
	return out
}

// minKnownSecret is the shortest value KnownSecrets remembers: shorter ones would replace
// ordinary text.
const minKnownSecret = 8

// secretSpellings returns the ways v may be written in a body or URL besides
// itself: JSON string escaping as Go writes it by default (HTML-escaped) and
// without HTML escaping, and URL query and path escaping.
func secretSpellings(v string) []string {
	var out []string
	if b, err := json.Marshal(v); err == nil {
		out = append(out, string(b[1:len(b)-1]))
	}
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	if e.Encode(v) == nil {
		b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if len(b) >= 2 {
			out = append(out, string(b[1:len(b)-1]))
		}
	}
	out = append(out, url.QueryEscape(v), url.PathEscape(v))
	return out
}

// KnownSecrets collects the literal secret values found under secret keys in the interactions
// (URL and fragment parameters, forms, form and JSON bodies, Location headers) and the
// credentials of Authorization headers, mapped to their placeholders, for Scrubber.Known.
// Values shorter than 8 bytes and placeholders are left out.
func KnownSecrets(s Scrubber, is ...*cassette.Interaction) map[string]string {
	known := map[string]string{}
	put := func(v, ph string) {
		if len(v) < minKnownSecret || IsPlaceholder(v) {
			return
		}
		if _, ok := known[v]; !ok {
			known[v] = ph
		}
	}
	// add remembers v and the spellings a server may echo it in: JSON-escaped
	// (with and without Go's HTML escaping, \u0026 for '&') and URL-escaped.
	add := func(key, v string) {
		if len(v) < minKnownSecret || IsPlaceholder(v) {
			return
		}
		ph := Placeholder(key)
		put(v, ph)
		for _, enc := range secretSpellings(v) {
			put(enc, ph)
		}
	}
	fromQuery := func(raw string) {
		for _, p := range strings.Split(raw, "&") {
			k, v, _ := strings.Cut(p, "=")
			key, err1 := url.QueryUnescape(k)
			val, err2 := url.QueryUnescape(v)
			if err1 == nil && err2 == nil && s.IsSecretKey(key) {
				add(key, val)
			}
		}
	}
	fromURL := func(raw string) {
		base, frag, _ := strings.Cut(raw, "#")
		_, q, _ := strings.Cut(base, "?")
		fromQuery(q)
		fromQuery(frag)
	}
	fromBody := func(contentType, body string) {
		mt := mediaType(contentType)
		trimmed := strings.TrimSpace(body)
		switch {
		case mt == formType || looksLikeForm(trimmed):
			fromQuery(trimmed)
		case isJSONType(mt) || strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "["):
			var sink bytes.Buffer
			_ = walkJSON([]byte(body), &sink, func(key string, inObj bool, v string) string {
				if inObj && s.IsSecretJSONKey(key) {
					add(key, v)
				}
				return v
			})
		}
	}
	for _, i := range is {
		if i == nil {
			continue
		}
		fromURL(i.Request.URL)
		for k, vs := range i.Request.Form {
			if s.IsSecretKey(k) {
				for _, v := range vs {
					add(k, v)
				}
			}
		}
		fromBody(i.Request.Headers.Get("Content-Type"), i.Request.Body)
		fromBody(i.Response.Headers.Get("Content-Type"), i.Response.Body)
		for _, v := range i.Response.Headers.Values("Location") {
			fromURL(v)
		}
	}
	// Header credentials last, so that a token already known by its key keeps that name.
	for _, i := range is {
		if i == nil {
			continue
		}
		for _, h := range []string{"Authorization", "Proxy-Authorization"} {
			for _, v := range i.Request.Headers.Values(h) {
				if _, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
					add("authorization", strings.TrimSpace(cred))
				}
			}
		}
		// Cookie values are session credentials: one echoed in a body is a leak too.
		for _, v := range i.Request.Headers.Values("Cookie") {
			for _, part := range strings.Split(v, ";") {
				if _, val, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
					add("cookie", strings.Trim(val, `"`))
				}
			}
		}
		for _, v := range i.Response.Headers.Values("Set-Cookie") {
			first, _, _ := strings.Cut(v, ";")
			if _, val, ok := strings.Cut(strings.TrimSpace(first), "="); ok {
				add("set-cookie", strings.Trim(val, `"`))
			}
		}
	}
	return known
}
