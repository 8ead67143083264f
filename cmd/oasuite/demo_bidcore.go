package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/bidcore/bidcoretest"
	"github.com/oasuite/sdk/gen/bidcoreapi"
	"github.com/oasuite/sdk/ptr"
)

// demoBidCore runs the BidCore client against the in-process fake: a password-grant login at the
// fake uauth, creates, the paging iterator, a get, a 204 update, a 406 delete refused, and a fresh
// login after the token is rejected.
func demoBidCore(ctx context.Context, w io.Writer) error {
	srv := bidcoretest.NewServer(bidcoretest.WithPageSize(2))
	defer srv.Close()
	c, err := bidcore.New(ctx, bidcore.WithBaseURL(srv.BaseURL()), bidcore.WithTokenURL(srv.TokenURL()),
		bidcore.WithLogin(bidcoretest.TestUser, bidcoretest.TestPassword))
	if err != nil {
		return err
	}
	adv, err := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "Acme", Domain: ptr.To("acme.example")})
	if err != nil {
		return fmt.Errorf("create advertiser: %w", err)
	}
	fmt.Fprintf(w, "bidcore: logged in with the password grant (scope %s); created advertiser %d %q\n",
		bidcore.Scope(c.Service()), adv.JSON201.Id, adv.JSON201.Name)

	for _, name := range []string{"Spring", "Summer", "Autumn"} {
		if _, err := c.CreateCampaignWithResponse(ctx, bidcoreapi.CampaignInput{Advertiser: adv.JSON201.Id, Name: name}); err != nil {
			return fmt.Errorf("create campaign: %w", err)
		}
	}
	var names []string
	for camp, err := range c.AllCampaigns(ctx, &bidcoreapi.ListCampaignsParams{Advertiser: &adv.JSON201.Id}) {
		if err != nil {
			return fmt.Errorf("list campaigns: %w", err)
		}
		names = append(names, camp.Name)
	}
	if len(names) != 3 {
		return fmt.Errorf("listed %d campaigns, want 3", len(names))
	}
	fmt.Fprintf(w, "bidcore: listed campaigns %v over %d pages (following next)\n", names, srv.Requests("listCampaigns"))

	got, err := c.GetCampaignWithResponse(ctx, 1)
	if err != nil {
		return fmt.Errorf("get campaign: %w", err)
	}
	up, err := c.UpdateCampaignWithResponse(ctx, 1, bidcoreapi.CampaignInput{Advertiser: adv.JSON201.Id, Name: got.JSON200.Name,
		Status: ptr.To(bidcoreapi.CampaignStatusActive)})
	if err != nil {
		return fmt.Errorf("update campaign: %w", err)
	}
	again, err := c.GetCampaignWithResponse(ctx, 1)
	if err != nil {
		return fmt.Errorf("get campaign: %w", err)
	}
	if up.StatusCode() != 204 || again.JSON200.Status != bidcoreapi.CampaignStatusActive {
		return fmt.Errorf("update answered %d, status now %s", up.StatusCode(), again.JSON200.Status)
	}
	fmt.Fprintf(w, "bidcore: campaign %q %s -> %s (PUT answered 204, no body)\n", got.JSON200.Name, got.JSON200.Status, again.JSON200.Status)

	_, err = c.DeleteAdvertiserWithResponse(ctx, adv.JSON201.Id)
	var be *bidcore.Error
	if !errors.Is(err, bidcore.ErrNotAcceptable) || !errors.As(err, &be) {
		return fmt.Errorf("deleting an advertiser with campaigns: %v, want 406", err)
	}
	fmt.Fprintf(w, "bidcore: delete refused: %d %s\n", be.StatusCode, be.Detail)

	srv.ExpireTokens()
	if _, err := c.ListAdvertisersWithResponse(ctx, nil); err != nil {
		return fmt.Errorf("call after expiry: %w", err)
	}
	if srv.Logins() != 2 {
		return fmt.Errorf("%d logins, want 2", srv.Logins())
	}
	fmt.Fprintln(w, "bidcore: token rejected (401); logged in again and retried once")
	return nil
}
