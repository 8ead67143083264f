package bidcore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/gen/bidcoreapi"
)

func ptr[T any](v T) *T { return &v }

// parents holds the ids of the entities a scenario's entity depends on.
type parents struct {
	advertiser, campaign, ssp int64
}

// entityCase drives one collection through the public API, whatever answers (the fake or a cassette).
type entityCase struct {
	name string
	// needs creates the parents the entity needs.
	needs func(ctx context.Context, c *bidcore.Client, p *parents) error
	// create makes entity number i; update renames id; name reads id's name; list lists every id
	// with the given page size, following next.
	create func(ctx context.Context, c *bidcore.Client, p parents, i int) (int64, error)
	update func(ctx context.Context, c *bidcore.Client, p parents, id int64, name string) (int, error)
	name_  func(ctx context.Context, c *bidcore.Client, id int64) (string, error)
	del    func(ctx context.Context, c *bidcore.Client, id int64) (int, error)
	list   func(ctx context.Context, c *bidcore.Client, p parents, pageSize int) ([]int64, error)
	// firstPage returns count and whether next is set for page 1 with the page size.
	firstPage func(ctx context.Context, c *bidcore.Client, p parents, pageSize int) (int, bool, error)
}

func needAdvertiser(ctx context.Context, c *bidcore.Client, p *parents) error {
	r, err := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "Parent Advertiser", Currency: ptr("EUR")})
	if err != nil {
		return err
	}
	p.advertiser = r.JSON201.Id
	return nil
}

func needCampaign(ctx context.Context, c *bidcore.Client, p *parents) error {
	if err := needAdvertiser(ctx, c, p); err != nil {
		return err
	}
	r, err := c.CreateCampaignWithResponse(ctx, bidcoreapi.CampaignInput{Advertiser: p.advertiser, Name: "Parent Campaign"})
	if err != nil {
		return err
	}
	p.campaign = r.JSON201.Id
	return nil
}

func needSsp(ctx context.Context, c *bidcore.Client, p *parents) error {
	r, err := c.CreateSspWithResponse(ctx, bidcoreapi.SspInput{Name: "Parent SSP", Code: "parent-ssp"})
	if err != nil {
		return err
	}
	p.ssp = r.JSON201.Id
	return nil
}

func noParents(context.Context, *bidcore.Client, *parents) error { return nil }

func collect[T any](seq func(yield func(T, error) bool), id func(T) int64) ([]int64, error) {
	var ids []int64
	for v, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, id(v))
	}
	return ids, nil
}

func status(r interface{ StatusCode() int }, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return r.StatusCode(), nil
}

func nth(prefix string, i int) string { return fmt.Sprintf("%s %02d", prefix, i) }

var entityCases = []entityCase{
	{
		name:  "advertisers",
		needs: noParents,
		create: func(ctx context.Context, c *bidcore.Client, _ parents, i int) (int64, error) {
			r, err := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: nth("Advertiser", i), Domain: ptr("example.com")})
			if err != nil {
				return 0, err
			}
			return r.JSON201.Id, nil
		},
		update: func(ctx context.Context, c *bidcore.Client, _ parents, id int64, name string) (int, error) {
			return status(c.UpdateAdvertiserWithResponse(ctx, id, bidcoreapi.AdvertiserInput{Name: name, Active: ptr(false)}))
		},
		name_: func(ctx context.Context, c *bidcore.Client, id int64) (string, error) {
			r, err := c.GetAdvertiserWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return r.JSON200.Name, nil
		},
		del: func(ctx context.Context, c *bidcore.Client, id int64) (int, error) {
			return status(c.DeleteAdvertiserWithResponse(ctx, id))
		},
		list: func(ctx context.Context, c *bidcore.Client, _ parents, n int) ([]int64, error) {
			return collect(c.AllAdvertisers(ctx, &bidcoreapi.ListAdvertisersParams{PageSize: &n}), func(v bidcoreapi.Advertiser) int64 { return v.Id })
		},
		firstPage: func(ctx context.Context, c *bidcore.Client, _ parents, n int) (int, bool, error) {
			r, err := c.ListAdvertisersWithResponse(ctx, &bidcoreapi.ListAdvertisersParams{PageSize: &n})
			if err != nil {
				return 0, false, err
			}
			return r.JSON200.Count, r.JSON200.Next != nil, nil
		},
	},
	{
		name:  "campaigns",
		needs: needAdvertiser,
		create: func(ctx context.Context, c *bidcore.Client, p parents, i int) (int64, error) {
			r, err := c.CreateCampaignWithResponse(ctx, bidcoreapi.CampaignInput{Advertiser: p.advertiser, Name: nth("Campaign", i),
				Budget: ptr(1000.5), Status: ptr(bidcoreapi.CampaignStatusScheduled)})
			if err != nil {
				return 0, err
			}
			return r.JSON201.Id, nil
		},
		update: func(ctx context.Context, c *bidcore.Client, p parents, id int64, name string) (int, error) {
			return status(c.UpdateCampaignWithResponse(ctx, id, bidcoreapi.CampaignInput{Advertiser: p.advertiser, Name: name,
				Status: ptr(bidcoreapi.CampaignStatusActive)}))
		},
		name_: func(ctx context.Context, c *bidcore.Client, id int64) (string, error) {
			r, err := c.GetCampaignWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return r.JSON200.Name, nil
		},
		del: func(ctx context.Context, c *bidcore.Client, id int64) (int, error) {
			return status(c.DeleteCampaignWithResponse(ctx, id))
		},
		list: func(ctx context.Context, c *bidcore.Client, p parents, n int) ([]int64, error) {
			return collect(c.AllCampaigns(ctx, &bidcoreapi.ListCampaignsParams{Advertiser: &p.advertiser, PageSize: &n}), func(v bidcoreapi.Campaign) int64 { return v.Id })
		},
		firstPage: func(ctx context.Context, c *bidcore.Client, p parents, n int) (int, bool, error) {
			r, err := c.ListCampaignsWithResponse(ctx, &bidcoreapi.ListCampaignsParams{Advertiser: &p.advertiser, PageSize: &n})
			if err != nil {
				return 0, false, err
			}
			return r.JSON200.Count, r.JSON200.Next != nil, nil
		},
	},
	{
		name:  "line-items",
		needs: needCampaign,
		create: func(ctx context.Context, c *bidcore.Client, p parents, i int) (int64, error) {
			r, err := c.CreateLineItemWithResponse(ctx, bidcoreapi.LineItemInput{Campaign: p.campaign, Name: nth("Line item", i), BidPrice: ptr(2.25)})
			if err != nil {
				return 0, err
			}
			return r.JSON201.Id, nil
		},
		update: func(ctx context.Context, c *bidcore.Client, p parents, id int64, name string) (int, error) {
			return status(c.UpdateLineItemWithResponse(ctx, id, bidcoreapi.LineItemInput{Campaign: p.campaign, Name: name,
				Status: ptr(bidcoreapi.LineItemStatusActive), DailyBudget: ptr(50.0)}))
		},
		name_: func(ctx context.Context, c *bidcore.Client, id int64) (string, error) {
			r, err := c.GetLineItemWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return r.JSON200.Name, nil
		},
		del: func(ctx context.Context, c *bidcore.Client, id int64) (int, error) {
			return status(c.DeleteLineItemWithResponse(ctx, id))
		},
		list: func(ctx context.Context, c *bidcore.Client, p parents, n int) ([]int64, error) {
			return collect(c.AllLineItems(ctx, &bidcoreapi.ListLineItemsParams{Campaign: &p.campaign, PageSize: &n}), func(v bidcoreapi.LineItem) int64 { return v.Id })
		},
		firstPage: func(ctx context.Context, c *bidcore.Client, p parents, n int) (int, bool, error) {
			r, err := c.ListLineItemsWithResponse(ctx, &bidcoreapi.ListLineItemsParams{Campaign: &p.campaign, PageSize: &n})
			if err != nil {
				return 0, false, err
			}
			return r.JSON200.Count, r.JSON200.Next != nil, nil
		},
	},
	{
		name:  "creatives",
		needs: needAdvertiser,
		create: func(ctx context.Context, c *bidcore.Client, p parents, i int) (int64, error) {
			r, err := c.CreateCreativeWithResponse(ctx, bidcoreapi.CreativeInput{Advertiser: p.advertiser, Name: nth("Creative", i),
				Format: bidcoreapi.CreativeFormatBanner, Width: ptr[int32](300), Height: ptr[int32](250), ClickUrl: ptr("https://example.com/landing")})
			if err != nil {
				return 0, err
			}
			return r.JSON201.Id, nil
		},
		update: func(ctx context.Context, c *bidcore.Client, p parents, id int64, name string) (int, error) {
			return status(c.UpdateCreativeWithResponse(ctx, id, bidcoreapi.CreativeInput{Advertiser: p.advertiser, Name: name, Format: bidcoreapi.CreativeFormatVideo}))
		},
		name_: func(ctx context.Context, c *bidcore.Client, id int64) (string, error) {
			r, err := c.GetCreativeWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return r.JSON200.Name, nil
		},
		del: func(ctx context.Context, c *bidcore.Client, id int64) (int, error) {
			return status(c.DeleteCreativeWithResponse(ctx, id))
		},
		list: func(ctx context.Context, c *bidcore.Client, p parents, n int) ([]int64, error) {
			return collect(c.AllCreatives(ctx, &bidcoreapi.ListCreativesParams{Advertiser: &p.advertiser, PageSize: &n}), func(v bidcoreapi.Creative) int64 { return v.Id })
		},
		firstPage: func(ctx context.Context, c *bidcore.Client, p parents, n int) (int, bool, error) {
			r, err := c.ListCreativesWithResponse(ctx, &bidcoreapi.ListCreativesParams{Advertiser: &p.advertiser, PageSize: &n})
			if err != nil {
				return 0, false, err
			}
			return r.JSON200.Count, r.JSON200.Next != nil, nil
		},
	},
	{
		name:  "pixels",
		needs: needAdvertiser,
		create: func(ctx context.Context, c *bidcore.Client, p parents, i int) (int64, error) {
			r, err := c.CreatePixelWithResponse(ctx, bidcoreapi.PixelInput{Advertiser: p.advertiser, Name: nth("Pixel", i)})
			if err != nil {
				return 0, err
			}
			return r.JSON201.Id, nil
		},
		update: func(ctx context.Context, c *bidcore.Client, p parents, id int64, name string) (int, error) {
			return status(c.UpdatePixelWithResponse(ctx, id, bidcoreapi.PixelInput{Advertiser: p.advertiser, Name: name, Type: ptr(bidcoreapi.PixelTypeRetargeting)}))
		},
		name_: func(ctx context.Context, c *bidcore.Client, id int64) (string, error) {
			r, err := c.GetPixelWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return r.JSON200.Name, nil
		},
		del: func(ctx context.Context, c *bidcore.Client, id int64) (int, error) {
			return status(c.DeletePixelWithResponse(ctx, id))
		},
		list: func(ctx context.Context, c *bidcore.Client, p parents, n int) ([]int64, error) {
			return collect(c.AllPixels(ctx, &bidcoreapi.ListPixelsParams{Advertiser: &p.advertiser, PageSize: &n}), func(v bidcoreapi.Pixel) int64 { return v.Id })
		},
		firstPage: func(ctx context.Context, c *bidcore.Client, p parents, n int) (int, bool, error) {
			r, err := c.ListPixelsWithResponse(ctx, &bidcoreapi.ListPixelsParams{Advertiser: &p.advertiser, PageSize: &n})
			if err != nil {
				return 0, false, err
			}
			return r.JSON200.Count, r.JSON200.Next != nil, nil
		},
	},
	{
		name:  "deals",
		needs: needSsp,
		create: func(ctx context.Context, c *bidcore.Client, p parents, i int) (int64, error) {
			r, err := c.CreateDealWithResponse(ctx, bidcoreapi.DealInput{Ssp: p.ssp, Name: nth("Deal", i), DealId: fmt.Sprintf("PMP-%03d", i), FloorPrice: ptr(1.5)})
			if err != nil {
				return 0, err
			}
			return r.JSON201.Id, nil
		},
		update: func(ctx context.Context, c *bidcore.Client, p parents, id int64, name string) (int, error) {
			return status(c.UpdateDealWithResponse(ctx, id, bidcoreapi.DealInput{Ssp: p.ssp, Name: name, DealId: fmt.Sprintf("PMP-%03d-R", id), Currency: ptr("EUR")}))
		},
		name_: func(ctx context.Context, c *bidcore.Client, id int64) (string, error) {
			r, err := c.GetDealWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return r.JSON200.Name, nil
		},
		del: func(ctx context.Context, c *bidcore.Client, id int64) (int, error) {
			return status(c.DeleteDealWithResponse(ctx, id))
		},
		list: func(ctx context.Context, c *bidcore.Client, p parents, n int) ([]int64, error) {
			return collect(c.AllDeals(ctx, &bidcoreapi.ListDealsParams{Ssp: &p.ssp, PageSize: &n}), func(v bidcoreapi.Deal) int64 { return v.Id })
		},
		firstPage: func(ctx context.Context, c *bidcore.Client, p parents, n int) (int, bool, error) {
			r, err := c.ListDealsWithResponse(ctx, &bidcoreapi.ListDealsParams{Ssp: &p.ssp, PageSize: &n})
			if err != nil {
				return 0, false, err
			}
			return r.JSON200.Count, r.JSON200.Next != nil, nil
		},
	},
	{
		name:  "ssps",
		needs: noParents,
		create: func(ctx context.Context, c *bidcore.Client, _ parents, i int) (int64, error) {
			r, err := c.CreateSspWithResponse(ctx, bidcoreapi.SspInput{Name: nth("SSP", i), Code: fmt.Sprintf("ssp-%02d", i)})
			if err != nil {
				return 0, err
			}
			return r.JSON201.Id, nil
		},
		update: func(ctx context.Context, c *bidcore.Client, _ parents, id int64, name string) (int, error) {
			return status(c.UpdateSspWithResponse(ctx, id, bidcoreapi.SspInput{Name: name, Code: fmt.Sprintf("ssp-%02d-renamed", id), Enabled: ptr(false)}))
		},
		name_: func(ctx context.Context, c *bidcore.Client, id int64) (string, error) {
			r, err := c.GetSspWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return r.JSON200.Name, nil
		},
		del: func(ctx context.Context, c *bidcore.Client, id int64) (int, error) {
			return status(c.DeleteSspWithResponse(ctx, id))
		},
		list: func(ctx context.Context, c *bidcore.Client, _ parents, n int) ([]int64, error) {
			return collect(c.AllSsps(ctx, &bidcoreapi.ListSspsParams{PageSize: &n}), func(v bidcoreapi.Ssp) int64 { return v.Id })
		},
		firstPage: func(ctx context.Context, c *bidcore.Client, _ parents, n int) (int, bool, error) {
			r, err := c.ListSspsWithResponse(ctx, &bidcoreapi.ListSspsParams{PageSize: &n})
			if err != nil {
				return 0, false, err
			}
			return r.JSON200.Count, r.JSON200.Next != nil, nil
		},
	},
	{
		name:  "postcode-lists",
		needs: noParents,
		create: func(ctx context.Context, c *bidcore.Client, _ parents, i int) (int64, error) {
			r, err := c.CreatePostcodeListWithResponse(ctx, bidcoreapi.PostcodeListInput{Name: nth("Postcodes", i), Country: "GB", Postcodes: &[]string{"EC1A 1BB", "W1A 0AX"}})
			if err != nil {
				return 0, err
			}
			return r.JSON201.Id, nil
		},
		update: func(ctx context.Context, c *bidcore.Client, _ parents, id int64, name string) (int, error) {
			return status(c.UpdatePostcodeListWithResponse(ctx, id, bidcoreapi.PostcodeListInput{Name: name, Country: "DE", Postcodes: &[]string{"10115"}}))
		},
		name_: func(ctx context.Context, c *bidcore.Client, id int64) (string, error) {
			r, err := c.GetPostcodeListWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return r.JSON200.Name, nil
		},
		del: func(ctx context.Context, c *bidcore.Client, id int64) (int, error) {
			return status(c.DeletePostcodeListWithResponse(ctx, id))
		},
		list: func(ctx context.Context, c *bidcore.Client, _ parents, n int) ([]int64, error) {
			return collect(c.AllPostcodeLists(ctx, &bidcoreapi.ListPostcodeListsParams{PageSize: &n}), func(v bidcoreapi.PostcodeList) int64 { return v.Id })
		},
		firstPage: func(ctx context.Context, c *bidcore.Client, _ parents, n int) (int, bool, error) {
			r, err := c.ListPostcodeListsWithResponse(ctx, &bidcoreapi.ListPostcodeListsParams{PageSize: &n})
			if err != nil {
				return 0, false, err
			}
			return r.JSON200.Count, r.JSON200.Next != nil, nil
		},
	},
	{
		name:  "app-bundle-lists",
		needs: noParents,
		create: func(ctx context.Context, c *bidcore.Client, _ parents, i int) (int64, error) {
			r, err := c.CreateAppBundleListWithResponse(ctx, bidcoreapi.AppBundleListInput{Name: nth("Bundles", i), Platform: bidcoreapi.AppPlatformAndroid,
				Bundles: &[]string{"com.example.game"}})
			if err != nil {
				return 0, err
			}
			return r.JSON201.Id, nil
		},
		update: func(ctx context.Context, c *bidcore.Client, _ parents, id int64, name string) (int, error) {
			return status(c.UpdateAppBundleListWithResponse(ctx, id, bidcoreapi.AppBundleListInput{Name: name, Platform: bidcoreapi.AppPlatformIos, Bundles: &[]string{"1234567890"}}))
		},
		name_: func(ctx context.Context, c *bidcore.Client, id int64) (string, error) {
			r, err := c.GetAppBundleListWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return r.JSON200.Name, nil
		},
		del: func(ctx context.Context, c *bidcore.Client, id int64) (int, error) {
			return status(c.DeleteAppBundleListWithResponse(ctx, id))
		},
		list: func(ctx context.Context, c *bidcore.Client, _ parents, n int) ([]int64, error) {
			return collect(c.AllAppBundleLists(ctx, &bidcoreapi.ListAppBundleListsParams{PageSize: &n}), func(v bidcoreapi.AppBundleList) int64 { return v.Id })
		},
		firstPage: func(ctx context.Context, c *bidcore.Client, _ parents, n int) (int, bool, error) {
			r, err := c.ListAppBundleListsWithResponse(ctx, &bidcoreapi.ListAppBundleListsParams{PageSize: &n})
			if err != nil {
				return 0, false, err
			}
			return r.JSON200.Count, r.JSON200.Next != nil, nil
		},
	},
}

// runCRUD drives one collection through create ×5, list with paging (page size 2: three pages),
// get, update (204), get again, delete (204), get of the deleted one (404). It is the same sequence
// against the fake and against a cassette.
func runCRUD(t *testing.T, ctx context.Context, c *bidcore.Client, e entityCase) {
	t.Helper()
	var p parents
	if err := e.needs(ctx, c, &p); err != nil {
		t.Fatalf("creating parents: %v", err)
	}
	var ids []int64
	for i := 1; i <= 5; i++ {
		id, err := e.create(ctx, c, p, i)
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		ids = append(ids, id)
	}
	count, hasNext, err := e.firstPage(ctx, c, p, 2)
	if err != nil {
		t.Fatalf("first page: %v", err)
	}
	if count != 5 || !hasNext {
		t.Fatalf("first page: count %d, next %v; want 5 and a next link", count, hasNext)
	}
	listed, err := e.list(ctx, c, p, 2)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if fmt.Sprint(listed) != fmt.Sprint(ids) {
		t.Fatalf("listed %v over all pages, want %v", listed, ids)
	}
	name, err := e.name_(ctx, c, ids[2])
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if name == "" {
		t.Fatalf("get: empty name")
	}
	code, err := e.update(ctx, c, p, ids[2], "Renamed")
	if err != nil || code != http.StatusNoContent {
		t.Fatalf("update: %d, %v; want 204", code, err)
	}
	if name, err := e.name_(ctx, c, ids[2]); err != nil || name != "Renamed" {
		t.Fatalf("get after update: %q, %v", name, err)
	}
	code, err = e.del(ctx, c, ids[4])
	if err != nil || code != http.StatusNoContent {
		t.Fatalf("delete: %d, %v; want 204", code, err)
	}
	_, err = e.name_(ctx, c, ids[4])
	if !errors.Is(err, bidcore.ErrNotFound) {
		t.Fatalf("get after delete: %v, want ErrNotFound", err)
	}
	var be *bidcore.Error
	if !errors.As(err, &be) || be.StatusCode != 404 || be.Detail == "" {
		t.Fatalf("get after delete: error %#v, want a 404 *bidcore.Error with a detail", err)
	}
}
