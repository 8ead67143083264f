package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oasuite/sdk/auth"
)

func logoutCommand() command {
	return command{
		name: "logout", synopsis: "[flags]",
		about: `Logs the account out: revokes its token at the vendor where the vendor supports it
(BQE CORE: refresh and access token at the revocation endpoint; Bouquet: DELETE
/rs/token/{id}), then removes the stored token and the account's saved settings. A
revocation that fails is reported and the local copy is removed anyway (use the vendor's
own console to revoke it then). BidCore, BeProduct and Procurios document no revocation:
their tokens lapse at expiry.`,
		examples: `  oasuite logout procurios
  oasuite logout procurios --account batch`,
	}
}

// logout revokes (where the vendor can) and removes the stored token and
// profile of the account.
func (a *app) logout(ctx context.Context, args []string) int {
	s, _, stop, code := a.parseVendorCommand(ctx, logoutCommand(), args)
	defer stop()
	if code >= 0 {
		return code
	}
	if s.fake != nil {
		fmt.Fprintf(a.stderr, "oasuite logout: --sandbox keeps its token in memory only: there is nothing to log out of\n")
		return 2
	}
	profileErr := s.loadProfile()
	tok, err := s.store.Load(ctx, s.key())
	switch {
	case errors.Is(err, auth.ErrNoToken) && errors.Is(profileErr, errNotLoggedIn):
		return a.fail("logout", s, errNotLoggedIn)
	case err != nil && !errors.Is(err, auth.ErrNoToken):
		return a.fail("logout", s, fmt.Errorf("reading the stored token: %w", err))
	}
	status := 0
	revoked := false
	if r, ok := s.v.(revoker); ok && tok != nil && profileErr == nil {
		if err := r.revoke(ctx, s, tok); err != nil {
			fmt.Fprintf(a.stderr, "oasuite logout: revoking the %s token: %v (removing the local copy anyway)\n", s.info.title, err)
			status = 1
		} else {
			revoked = true
		}
	}
	for _, f := range []string{s.tokenFile(), s.profileFile(), filepath.Join(s.configDir, "tokens", s.key()+".lock")} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return a.fail("logout", s, fmt.Errorf("removing %s: %w", f, err))
		}
	}
	what := "removed the stored token"
	if revoked {
		what = "revoked the token at " + s.info.title + " and removed it"
	}
	fmt.Fprintf(a.stdout, "Logged out of %s (account %q): %s.\n", s.info.title, s.account, what)
	return status
}
