package readme

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/bidcore/bidcoretest"
	"github.com/oasuite/sdk/gen/bidcoreapi"
)

// bidcoreLogin is compiled only: it names the real service.
func bidcoreLogin(ctx context.Context) (*bidcore.Client, error) {
	// readme:begin bidcore-login
	c, err := bidcore.New(ctx,
		bidcore.WithService("demo.bidcore.iponweb.com"), // optional; default my.bidcore.iponweb.com
		bidcore.WithLogin(os.Getenv("BIDCORE_USERNAME"), os.Getenv("BIDCORE_PASSWORD")))
	if err != nil {
		return nil, err
	}
	// readme:end
	return c, nil
}

// bidcoreUse runs against the fake (TestBidCoreSnippets).
func bidcoreUse(ctx context.Context, c *bidcore.Client) error {
	// readme:begin bidcore-use
	adv, err := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "Acme"})
	if err != nil {
		return err
	}
	camp, err := c.CreateCampaignWithResponse(ctx, bidcoreapi.CampaignInput{Advertiser: adv.JSON201.Id, Name: "Spring"})
	if err != nil {
		return err
	}
	for li, err := range c.AllLineItems(ctx, &bidcoreapi.ListLineItemsParams{Campaign: &camp.JSON201.Id}) {
		if err != nil {
			return err
		}
		fmt.Println(li.Name, li.Status)
	}
	_, err = c.DeleteAdvertiserWithResponse(ctx, adv.JSON201.Id)
	if errors.Is(err, bidcore.ErrNotAcceptable) {
		fmt.Println("campaigns still depend on the advertiser: delete them first")
		return nil
	}
	return err
	// readme:end
}

func TestBidCoreSnippets(t *testing.T) {
	ctx := context.Background()
	if _, err := bidcoreLogin(ctx); err != nil {
		t.Fatalf("New refused the documented options: %v", err)
	}
	srv := bidcoretest.NewServer()
	defer srv.Close()
	c, err := bidcore.New(ctx, bidcore.WithLogin(bidcoretest.TestUser, bidcoretest.TestPassword),
		bidcore.WithBaseURL(srv.BaseURL()), bidcore.WithTokenURL(srv.TokenURL()))
	if err != nil {
		t.Fatal(err)
	}
	out := captureStdout(t, func() {
		if err := bidcoreUse(ctx, c); err != nil {
			t.Fatal(err)
		}
	})
	if out != "campaigns still depend on the advertiser: delete them first\n" {
		t.Fatalf("output %q", out)
	}
}
