package bidcoretest

// ref is a field of an entity that names another entity by id.
type ref struct {
	field  string // JSON field, e.g. "advertiser"
	target string // collection of the referenced entity, e.g. "advertisers"
	many   bool   // the field is a list of ids
}

// entityDef describes one collection of the Workflow API as the fake serves it.
type entityDef struct {
	collection string   // URL segment, e.g. "line-items"
	schema     string   // spec schema name, e.g. "LineItem"
	singular   string   // for messages, e.g. "line item"
	refs       []ref    // references to other entities (parents and targeting)
	filters    []string // list query parameters that filter by equal field value
	unique     [][]string
}

// entityDefs returns the data model: parents (advertiser → campaign → line item; advertiser → creative,
// pixel; SSP → deal) and the targeting lists line items refer to. Deleting an entity that another
// one still refers to answers 406, as BidCore documents for deleting dependent entities.
func entityDefs() []entityDef {
	return []entityDef{
		{collection: "advertisers", schema: "Advertiser", singular: "advertiser"},
		{collection: "campaigns", schema: "Campaign", singular: "campaign",
			refs:    []ref{{field: "advertiser", target: "advertisers"}},
			filters: []string{"advertiser", "status"}},
		{collection: "line-items", schema: "LineItem", singular: "line item",
			refs: []ref{
				{field: "campaign", target: "campaigns"},
				{field: "creatives", target: "creatives", many: true},
				{field: "deals", target: "deals", many: true},
				{field: "postcode_lists", target: "postcode-lists", many: true},
				{field: "app_bundle_lists", target: "app-bundle-lists", many: true},
			},
			filters: []string{"campaign"}},
		{collection: "creatives", schema: "Creative", singular: "creative",
			refs: []ref{{field: "advertiser", target: "advertisers"}}, filters: []string{"advertiser"}},
		{collection: "pixels", schema: "Pixel", singular: "pixel",
			refs: []ref{{field: "advertiser", target: "advertisers"}}, filters: []string{"advertiser"}},
		{collection: "deals", schema: "Deal", singular: "deal",
			refs: []ref{{field: "ssp", target: "ssps"}}, filters: []string{"ssp"},
			unique: [][]string{{"ssp", "deal_id"}}},
		{collection: "ssps", schema: "Ssp", singular: "SSP", unique: [][]string{{"code"}}},
		{collection: "postcode-lists", schema: "PostcodeList", singular: "postcode list"},
		{collection: "app-bundle-lists", schema: "AppBundleList", singular: "app-bundle list"},
	}
}

// Collections lists the URL segments of every collection the fake serves, in spec order.
func Collections() []string {
	defs := entityDefs()
	out := make([]string, len(defs))
	for i, e := range defs {
		out[i] = e.collection
	}
	return out
}
