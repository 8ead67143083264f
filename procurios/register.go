package procurios

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/gen/procuriosapi"
	"github.com/oasuite/sdk/internal/pipeline"
)

// ValidationError is returned, before anything is sent, for a registration
// that does not match its registration set's JSON Schema.
type ValidationError struct {
	// RegistrationSetID is the set the registration was meant for.
	RegistrationSetID int
	// Fields lists every failing field, sorted by path.
	Fields []FieldError
}

// Error lists the failing fields, never their values.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.String()
	}
	return fmt.Sprintf("procurios: registration does not match registration set %d: %s", e.RegistrationSetID, strings.Join(parts, "; "))
}

// Is makes a ValidationError match ErrBadRequest, like the server's own 400.
func (e *ValidationError) Is(target error) bool { return target == ErrBadRequest }

// validatingDoer checks createRegistration bodies against the set's schema
// before handing the request on. It sits between the generated client and the
// pipeline's Doer, so every way of sending a registration is checked.
type validatingDoer struct {
	c    *Client
	next *pipeline.Doer
}

func (d *validatingDoer) Do(req *http.Request) (*http.Response, error) {
	if d.c.validate && req.Method == http.MethodPost && req.Body != nil {
		if rel, ok := strings.CutPrefix(req.URL.Path, strings.TrimSuffix(d.c.base.Path, "/")); ok {
			if r, params := d.c.routes.match(req.Method, rel); r != nil && r.operationID == "createRegistration" && len(params) == 1 {
				if err := d.check(req, params[0]); err != nil {
					if req.Body != nil {
						_ = req.Body.Close()
					}
					return nil, err
				}
			}
		}
	}
	rsp, err := d.next.Do(req)
	if err != nil && errors.Is(err, auth.ErrNoRefreshToken) {
		// A code-flow token without refresh token was refused or ran out.
		return nil, fmt.Errorf("procurios: the access token cannot be renewed without the user; log in again: %w (%w)", ErrUnauthorized, err)
	}
	return rsp, err
}

func (d *validatingDoer) check(req *http.Request, setParam string) error {
	setID, err := strconv.Atoi(setParam)
	if err != nil {
		return nil // not a valid id: let the server answer
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return fmt.Errorf("procurios: reading the registration body: %w", err)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return &ValidationError{RegistrationSetID: setID, Fields: []FieldError{{Message: "the body is not JSON"}}}
	}
	return d.c.validateInstance(req.Context(), setID, inst)
}

// CheckRegistration validates a registration against the registration set's
// JSON Schema without sending it. It returns a *ValidationError listing the
// failing fields, nil when the registration is valid, or another error when
// the schema cannot be had. The schema is fetched once per set and client.
func (c *Client) CheckRegistration(ctx context.Context, registrationSetID int, registration any) error {
	raw, err := json.Marshal(registration)
	if err != nil {
		return fmt.Errorf("procurios: encoding the registration: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("procurios: encoding the registration: %w", err)
	}
	return c.validateInstance(ctx, registrationSetID, inst)
}

// Register sends a registration through a registration set (POST
// /profile_api/registrationset/{id}/registration) after checking it against
// the set's JSON Schema. registration is anything that encodes to a JSON
// object, e.g. map[string]any{"first_name": "Ada", ...}.
// See https://api.procurios.com/api_documentation/registration/profile.
func (c *Client) Register(ctx context.Context, registrationSetID int, registration any) (*procuriosapi.RegistrationResult, error) {
	raw, err := json.Marshal(registration)
	if err != nil {
		return nil, fmt.Errorf("procurios: encoding the registration: %w", err)
	}
	rsp, err := c.CreateRegistrationWithBodyWithResponse(ctx, registrationSetID, "application/json", bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if rsp.ApplicationvndProcuriosProfileJSONVersion1200 == nil {
		return nil, unexpected(rsp.HTTPResponse)
	}
	return rsp.ApplicationvndProcuriosProfileJSONVersion1200, nil
}

// RegisterDefault sends a registration without naming a registration set
// (POST /profile_api/registrationset), as a third-party client does when it
// has no set id; the host checks it against its default set (an assumption,
// see the spec). Nothing is checked before sending, since the set is not
// known here: use [Client.Register] when you know the set's id. A rejected
// registration is an [*Error] (ErrBadRequest) listing the failing fields.
func (c *Client) RegisterDefault(ctx context.Context, registration any) (*procuriosapi.RegistrationResult, error) {
	raw, err := json.Marshal(registration)
	if err != nil {
		return nil, fmt.Errorf("procurios: encoding the registration: %w", err)
	}
	rsp, err := c.CreateDefaultRegistrationWithBodyWithResponse(ctx, "application/json", bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if rsp.ApplicationvndProcuriosProfileJSONVersion1200 == nil {
		return nil, unexpected(rsp.HTTPResponse)
	}
	return rsp.ApplicationvndProcuriosProfileJSONVersion1200, nil
}

// RegistrationSchema returns the compiled JSON Schema of a registration set,
// fetching it on first use. The Procurios schemas' quirks are normalised
// first: the non-standard types "date", "datetime" and "int", and a "$schema"
// written with escaped slashes.
func (c *Client) RegistrationSchema(ctx context.Context, registrationSetID int) (*jsonschema.Schema, error) {
	c.mu.Lock()
	sch, ok := c.schemas[registrationSetID]
	c.mu.Unlock()
	if ok {
		return sch, nil
	}
	// One fetch per set even when registrations race.
	v, err, _ := c.fetches.Do(strconv.Itoa(registrationSetID), func() (any, error) {
		rsp, err := c.GetRegistrationSetSchemaWithResponse(ctx, registrationSetID)
		if err != nil {
			return nil, fmt.Errorf("procurios: fetching the schema of registration set %d: %w", registrationSetID, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(rsp.Body))
		if err != nil {
			return nil, fmt.Errorf("procurios: reading the schema of registration set %d: %w", registrationSetID, err)
		}
		sch, err := compileSchema(fmt.Sprintf("https://procurios.invalid/profile_api/registrationset/%d/schema", registrationSetID), doc)
		if err != nil {
			return nil, fmt.Errorf("procurios: compiling the schema of registration set %d: %w", registrationSetID, err)
		}
		return sch, nil
	})
	if err != nil {
		return nil, err
	}
	sch = v.(*jsonschema.Schema)
	c.mu.Lock()
	c.schemas[registrationSetID] = sch
	c.mu.Unlock()
	return sch, nil
}

func (c *Client) validateInstance(ctx context.Context, setID int, inst any) error {
	sch, err := c.RegistrationSchema(ctx, setID)
	if err != nil {
		return err
	}
	err = sch.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("procurios: validating the registration: %w", err)
	}
	fields := fieldErrors(ve)
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
	return &ValidationError{RegistrationSetID: setID, Fields: fields}
}

// compileSchema normalises a Procurios JSON Schema and compiles it (draft-07).
func compileSchema(loc string, doc any) (*jsonschema.Schema, error) {
	doc = normaliseSchema(doc, true)
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft7)
	if err := comp.AddResource(loc, doc); err != nil {
		return nil, err
	}
	return comp.Compile(loc)
}

// typeAliases maps the non-standard "type" values Procurios schemas use.
var typeAliases = map[string][2]string{ // alias → type, format
	"date":     {"string", "date"},
	"datetime": {"string", "date-time"},
	"int":      {"integer", ""},
	"float":    {"number", ""},
	"double":   {"number", ""},
	"bool":     {"boolean", ""},
}

func normaliseSchema(v any, root bool) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			switch k {
			case "$schema":
				// Served as "http:\/\/json-schema.org\/draft-07\/schema#" with
				// literal backslashes; the documents are draft-07.
				if root {
					out[k] = "http://json-schema.org/draft-07/schema#"
				}
				continue
			case "$id":
				// A relative $id ("relations") is only a name; keep the
				// resource at the location we give it.
				if s, ok := val.(string); ok && !strings.Contains(s, "://") {
					continue
				}
			case "enum", "const", "default", "examples":
				out[k] = val
				continue
			case "type":
				if s, ok := val.(string); ok {
					if a, ok := typeAliases[s]; ok {
						out[k] = a[0]
						if a[1] != "" {
							if _, has := t["format"]; !has {
								out["format"] = a[1]
							}
						}
						continue
					}
				}
				if arr, ok := val.([]any); ok {
					conv := make([]any, len(arr))
					for i, x := range arr {
						conv[i] = x
						if s, ok := x.(string); ok {
							if a, ok := typeAliases[s]; ok {
								conv[i] = a[0]
							}
						}
					}
					out[k] = conv
					continue
				}
			}
			out[k] = normaliseSchema(val, false)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = normaliseSchema(x, false)
		}
		return out
	default:
		return v
	}
}

var printer = message.NewPrinter(language.English)

// fieldErrors flattens a validation error tree into its leaves.
func fieldErrors(ve *jsonschema.ValidationError) []FieldError {
	var out []FieldError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		path := strings.Join(e.InstanceLocation, "/")
		if missing := missingOf(e); len(missing) > 0 {
			for _, m := range missing {
				out = append(out, FieldError{Field: joinPath(path, m), Message: "is required"})
			}
			return
		}
		out = append(out, FieldError{Field: path, Message: safeMessage(path, e)})
	}
	walk(ve)
	return out
}

func missingOf(e *jsonschema.ValidationError) []string {
	if r, ok := e.ErrorKind.(*kind.Required); ok {
		return r.Missing
	}
	return nil
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "/" + name
}

var secretWords = []string{"password", "passwd", "secret", "token", "pin", "iban"}

// safeMessage is the validator's message, unless the field looks secret: then
// only the failing keyword is named, so that no value leaks into an error.
func safeMessage(path string, e *jsonschema.ValidationError) string {
	low := strings.ToLower(path)
	for _, w := range secretWords {
		if strings.Contains(low, w) {
			return "invalid value (" + strings.Join(e.ErrorKind.KeywordPath(), "/") + ")"
		}
	}
	return e.ErrorKind.LocalizedString(printer)
}

// unexpected is the error for a 2xx answer the generated client could not
// decode (e.g. a Content-Type without "json").
func unexpected(r *http.Response) error {
	if r == nil {
		return errors.New("procurios: no response")
	}
	return fmt.Errorf("procurios: %s %s: unexpected %d answer with Content-Type %q", r.Request.Method, pipeline.RedactURL(r.Request.URL), r.StatusCode, r.Header.Get("Content-Type"))
}
