package bidcore_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/bidcore/bidcoretest"
	"github.com/oasuite/sdk/gen/bidcoreapi"
)

// Log in with the password grant and create an advertiser and a campaign. Against the real service,
// leave out WithBaseURL and WithTokenURL (and set WithService to your host if it is not
// my.bidcore.iponweb.com).
func Example() {
	srv := bidcoretest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	c, err := bidcore.New(ctx,
		bidcore.WithLogin(bidcoretest.TestUser, bidcoretest.TestPassword),
		bidcore.WithBaseURL(srv.BaseURL()), bidcore.WithTokenURL(srv.TokenURL()))
	if err != nil {
		log.Fatal(err)
	}
	adv, err := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "Acme"})
	if err != nil {
		log.Fatal(err)
	}
	camp, err := c.CreateCampaignWithResponse(ctx, bidcoreapi.CampaignInput{Advertiser: adv.JSON201.Id, Name: "Spring sale"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(adv.JSON201.Name, adv.JSON201.Currency, "/", camp.JSON201.Name, camp.JSON201.Status)
	// Output: Acme USD / Spring sale paused
}

// Iterate over every campaign of one advertiser; the iterator follows the "next" links.
func ExampleClient_AllCampaigns() {
	srv := bidcoretest.NewServer(bidcoretest.WithPageSize(2))
	defer srv.Close()
	ctx := context.Background()
	c, err := bidcore.New(ctx, bidcore.WithPermanentToken(bidcoretest.TestPermanentToken), bidcore.WithBaseURL(srv.BaseURL()))
	if err != nil {
		log.Fatal(err)
	}
	adv, _ := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "Acme"})
	for _, name := range []string{"Spring", "Summer", "Autumn"} {
		if _, err := c.CreateCampaignWithResponse(ctx, bidcoreapi.CampaignInput{Advertiser: adv.JSON201.Id, Name: name}); err != nil {
			log.Fatal(err)
		}
	}
	for camp, err := range c.AllCampaigns(ctx, &bidcoreapi.ListCampaignsParams{Advertiser: &adv.JSON201.Id}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(camp.Id, camp.Name)
	}
	// Output:
	// 1 Spring
	// 2 Summer
	// 3 Autumn
}

// Branch on the documented status codes with errors.Is, and read the details with errors.As.
func ExampleError() {
	srv := bidcoretest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c, _ := bidcore.New(ctx, bidcore.WithPermanentToken(bidcoretest.TestPermanentToken), bidcore.WithBaseURL(srv.BaseURL()))

	adv, _ := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "Acme"})
	_, _ = c.CreatePixelWithResponse(ctx, bidcoreapi.PixelInput{Advertiser: adv.JSON201.Id, Name: "Checkout"})

	_, err := c.DeleteAdvertiserWithResponse(ctx, adv.JSON201.Id)
	if errors.Is(err, bidcore.ErrNotAcceptable) {
		var e *bidcore.Error
		errors.As(err, &e)
		fmt.Println(e.StatusCode, e.Detail)
	}
	_, err = c.CreateCampaignWithResponse(ctx, bidcoreapi.CampaignInput{Advertiser: 99, Name: "Orphan"})
	var e *bidcore.Error
	if errors.As(err, &e) && errors.Is(err, bidcore.ErrBadRequest) {
		fmt.Println(e.StatusCode, e.Fields["advertiser"][0])
	}
	// Output:
	// 406 Cannot delete advertiser 1: 1 pixels depend on it. Delete or reassign them first.
	// 400 Invalid pk "99" - object does not exist.
}

// A stand-alone login source, e.g. to share one token between clients.
func ExamplePasswordLogin() {
	srv := bidcoretest.NewServer()
	defer srv.Close()
	ts := bidcore.PasswordLogin(bidcore.Login{
		Username: bidcoretest.TestUser, Password: bidcoretest.TestPassword,
		Service: "my.bidcore.iponweb.com", TokenURL: srv.TokenURL(),
	})
	tok, err := ts.Token()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.TokenType, tok.Extra("scope"))
	// Output: Bearer my.bidcore.iponweb.com
}
