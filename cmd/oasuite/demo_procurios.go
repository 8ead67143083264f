package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/oasuite/sdk/gen/procuriosapi"
	"github.com/oasuite/sdk/procurios"
	"github.com/oasuite/sdk/procurios/procuriostest"
)

// demoProcurios runs the Procurios client against the in-process fake: a
// client-credentials login, the paged CRM iterator, the per-module media
// types, a validated registration, a meeting created, and a 403.
func demoProcurios(ctx context.Context, w io.Writer) error {
	srv := procuriostest.NewServer()
	defer srv.Close()
	ts, err := procurios.OAuthConfig{
		BaseURL: srv.BaseURL(), ClientID: procuriostest.TestClientID, ClientSecret: procuriostest.TestClientSecret,
		Scopes: []string{"relation_list_api/relation", "profile/registration", "meeting2/read", "meeting2/write"},
	}.ClientCredentials()
	if err != nil {
		return err
	}
	c, err := procurios.New(ctx, procurios.WithBaseURL(srv.BaseURL()), procurios.WithTokenSource(ts), procurios.WithLanguage("nl-NL"))
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "procurios: logged in with client credentials")

	cols, err := c.Collections(ctx)
	if err != nil {
		return fmt.Errorf("collections: %w", err)
	}
	if len(cols) == 0 {
		return errors.New("no collections")
	}
	n := 0
	for _, err := range c.Relations(ctx, cols[0].Id.String()) {
		if err != nil {
			return fmt.Errorf("relations: %w", err)
		}
		n++
	}
	fmt.Fprintf(w, "procurios: collection %q: %d relations over %d pages (Accept: %s)\n", cols[0].Title, n, srv.Requests("getCollection"), c.MediaType("getCollection"))

	_, err = c.Register(ctx, procuriostest.RegistrationSetID, map[string]any{"first_name": "Ada"})
	var ve *procurios.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("an invalid registration was not caught: %v", err)
	}
	fmt.Fprintf(w, "procurios: invalid registration stopped before sending: %d failing fields\n", len(ve.Fields))
	res, err := c.Register(ctx, procuriostest.RegistrationSetID, map[string]any{"first_name": "Ada", "name": "Lovelace", "email": "ada@example.nl"})
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	fmt.Fprintf(w, "procurios: registered relation %d\n", res.RelationId)

	id, err := c.CreateMeeting(ctx, procuriosapi.MeetingInput{Title: "Ledenvergadering", Start: "2027-03-01T19:30:00+01:00", End: "2027-03-01T22:00:00+01:00"})
	if err != nil {
		return fmt.Errorf("create meeting: %w", err)
	}
	ms, err := c.Meetings(ctx, "")
	if err != nil {
		return fmt.Errorf("meetings: %w", err)
	}
	fmt.Fprintf(w, "procurios: created meeting %d; %d meetings listed (Accept: %s)\n", id, len(ms), c.MediaType("listMeetings"))

	if _, err := c.Locations(ctx, nil, nil); !errors.Is(err, procurios.ErrForbidden) {
		return fmt.Errorf("locations without meeting2/location/read: want 403, got %v", err)
	}
	fmt.Fprintln(w, "procurios: locations without their scope: 403 as expected")
	return nil
}
