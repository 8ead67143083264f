package benchkit

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The loopback server answers four routes of the BeProduct API under
// /api/acme with payloads built once, so that every request of a benchmark
// costs the server the same and raw and suite read identical bytes.
const (
	Company     = "acme"
	AccessToken = "bench-access-token-0123456789abcdef"
	FolderID    = "f0000000-0000-4000-8000-000000000001"
	HeaderID    = "h0000000-0000-4000-8000-000000000042"
	// IterFolderID selects the list whose total is IterTotal; every other
	// folder answers one page whose total is PageSize.
	IterFolderID = "f0000000-0000-4000-8000-0000000000ff"
	PageSize     = 200
	IterTotal    = 100_000
	// TestFolderID selects a list of TestTotal records, for the
	// equivalence test.
	TestFolderID = "f0000000-0000-4000-8000-0000000000fe"
	TestTotal    = 1000
)

// The hand-written types of the raw client: what a Go developer writes for
// BeProduct's header without a generator — value fields, not pointers.
type RawHeader struct {
	ID                 string        `json:"id"`
	HeaderNumber       string        `json:"headerNumber"`
	HeaderName         string        `json:"headerName"`
	ColorPaletteNumber string        `json:"colorPaletteNumber,omitempty"`
	ColorPaletteName   string        `json:"colorPaletteName,omitempty"`
	Folder             RawFolderRef  `json:"folder"`
	HeaderData         RawHeaderData `json:"headerData"`
	Colorways          []RawColorway `json:"colorways"`
	SizeRange          []RawSize     `json:"sizeRange"`
	CreatedBy          RawUserRef    `json:"createdBy"`
	CreatedAt          time.Time     `json:"createdAt"`
	ModifiedBy         RawUserRef    `json:"modifiedBy"`
	ModifiedAt         time.Time     `json:"modifiedAt"`
	Deleted            bool          `json:"deleted"`
}

type RawFolderRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type RawHeaderData struct {
	Fields []RawField `json:"fields"`
}

type RawField struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Value    any    `json:"value"`
	Type     string `json:"type"`
	Required bool   `json:"required"`
}

type RawColorway struct {
	ID             string `json:"id"`
	ColorNumber    string `json:"colorNumber"`
	ColorName      string `json:"colorName"`
	PrimaryColor   string `json:"primaryColor"`
	SecondaryColor string `json:"secondaryColor"`
	ImageHeaderID  string `json:"imageHeaderId"`
	ColorSourceID  string `json:"colorSourceId"`
	// Fields holds a colorway's values keyed by field id (the SDKs' docs and
	// the TypeScript SDK's ColorwaySchema), unlike a header's field list.
	Fields map[string]any `json:"fields"`
}

type RawSize struct {
	Name         string  `json:"name"`
	Price        float64 `json:"price"`
	Currency     string  `json:"currency"`
	IsDefault    bool    `json:"isDefault"`
	IsSampleSize bool    `json:"isSampleSize"`
}

type RawUserRef struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type RawHeaderPage struct {
	Result []RawHeader `json:"result"`
	Total  int64       `json:"total"`
}

type RawFieldUpdate struct {
	ID    string `json:"id"`
	Value any    `json:"value"`
}

type RawHeaderWrite struct {
	Fields []RawFieldUpdate `json:"fields"`
	Sizes  []RawSize        `json:"sizes"`
}

type RawListRequest struct {
	Filters         []any `json:"filters,omitempty"`
	ColorwayFilters []any `json:"colorwayFilters,omitempty"`
}

var (
	seasons    = []string{"Spring", "Summer", "Fall", "Holiday"}
	divisions  = []string{"Womens", "Mens", "Kids"}
	categories = []string{"Dresses", "Tops", "Outerwear", "Knitwear", "Denim", "Accessories"}
	statuses   = []string{"Concept", "Development", "Sampling", "Approved", "Production"}
	colors     = []struct{ number, name, primary, secondary string }{
		{"19-4052", "Classic Blue", "#0F4C81", "#FFFFFF"},
		{"16-1546", "Living Coral", "#FF6F61", "#F5DF4D"},
		{"18-3838", "Ultra Violet", "#5F4B8B", "#939597"},
		{"11-0601", "Bright White", "#F4F5F0", "#0F4C81"},
	}
	sizeNames = []string{"XS", "S", "M", "L", "XL"}
)

// SampleHeader is the n-th record of a list: a style header with the
// attributes of a real BeProduct style (16 fields of the folder schema,
// three colorways with their own fields, a five-size range, users and
// timestamps), about 3.8 KB of JSON.
func SampleHeader(n int) RawHeader {
	base := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	number := "S" + strconv.Itoa(45000+n)
	name := fmt.Sprintf("%s %s %d", seasons[n%len(seasons)], categories[n%len(categories)], n)
	designer := RawUserRef{ID: "248289761001", Name: "John Smith", Email: "john.smith@beproduct.com"}
	fields := []RawField{
		{ID: "header_number", Name: "Style Number", Value: number, Type: "Text", Required: true},
		{ID: "header_name", Name: "Style Name", Value: name, Type: "Text", Required: true},
		{ID: "season", Name: "Season", Value: seasons[n%len(seasons)], Type: "DropDown", Required: true},
		{ID: "year", Name: "Year", Value: strconv.Itoa(2026 + n%2), Type: "DropDown", Required: true},
		{ID: "division", Name: "Division", Value: divisions[n%len(divisions)], Type: "DropDown"},
		{ID: "category", Name: "Category", Value: categories[n%len(categories)], Type: "DropDown"},
		{ID: "status", Name: "Status", Value: statuses[n%len(statuses)], Type: "DropDown"},
		{ID: "brand", Name: "Brand", Value: "Northwind Apparel", Type: "DropDown"},
		{ID: "target_cost", Name: "Target Cost", Value: 12.5 + float64(n%40), Type: "Currency"},
		{ID: "retail_price", Name: "Retail Price", Value: 49.99 + float64(n%60), Type: "Currency"},
		{ID: "units_planned", Name: "Units Planned", Value: float64(1200 + n%900), Type: "Number"},
		{ID: "launch_date", Name: "Launch Date", Value: base.AddDate(0, n%12, 0).Format(time.RFC3339), Type: "Date"},
		{ID: "carry_over", Name: "Carry Over", Value: n%3 == 0, Type: "TrueFalse"},
		{ID: "tags", Name: "Tags", Value: []any{"core", "sustainable", seasons[(n+1)%len(seasons)]}, Type: "MultiSelect"},
		{ID: "designer", Name: "Designer", Value: map[string]any{"id": designer.ID, "name": designer.Name}, Type: "UserLabel"},
		{ID: "description", Name: "Description", Value: "Relaxed fit with dropped shoulders, recycled cotton blend, garment dyed; trims per BOM v" + strconv.Itoa(n%7+1) + ".", Type: "Memo"},
	}
	var ways []RawColorway
	for i := range 3 {
		c := colors[(n+i)%len(colors)]
		ways = append(ways, RawColorway{
			ID:             fmt.Sprintf("c%07d-0000-4000-8000-%012d", n, i),
			ColorNumber:    c.number,
			ColorName:      c.name,
			PrimaryColor:   c.primary,
			SecondaryColor: c.secondary,
			ImageHeaderID:  fmt.Sprintf("i%07d-0000-4000-8000-%012d", n, i),
			ColorSourceID:  "pantone-tcx",
			Fields: map[string]any{
				"colorway_status": statuses[(n+i)%len(statuses)],
				"hero":            i == 0,
			},
		})
	}
	var sizes []RawSize
	for i, s := range sizeNames {
		sizes = append(sizes, RawSize{Name: s, Price: 49.99 + float64(n%60) + float64(i), Currency: "USD", IsDefault: s == "M", IsSampleSize: s == "M"})
	}
	return RawHeader{
		ID:           fmt.Sprintf("h%07d-0000-4000-8000-%012d", n, n),
		HeaderNumber: number,
		HeaderName:   name,
		Folder:       RawFolderRef{ID: FolderID, Name: "Spring 2026"},
		HeaderData:   RawHeaderData{Fields: fields},
		Colorways:    ways,
		SizeRange:    sizes,
		CreatedBy:    designer,
		CreatedAt:    base.Add(time.Duration(n) * time.Minute),
		ModifiedBy:   RawUserRef{ID: "248289761002", Name: "Jane Doe", Email: "jane.doe@beproduct.com"},
		ModifiedAt:   base.Add(time.Duration(n)*time.Minute + 36*time.Hour),
	}
}

// SmallHeader is the answer of the small GET and of the POST: a header with
// a few fields, about 840 bytes of JSON.
func SmallHeader() RawHeader {
	h := SampleHeader(42)
	h.ID = HeaderID
	h.HeaderData.Fields = h.HeaderData.Fields[:4]
	h.Colorways = []RawColorway{}
	h.SizeRange = []RawSize{}
	return h
}

// CreateBody is what both clients send to create a header.
func CreateBody() RawHeaderWrite {
	return RawHeaderWrite{
		Fields: []RawFieldUpdate{
			{ID: "header_number", Value: "S99001"},
			{ID: "header_name", Value: "Spring Dresses 99001"},
			{ID: "season", Value: "Spring"},
			{ID: "year", Value: "2026"},
			{ID: "retail_price", Value: 89.5},
		},
		Sizes: []RawSize{{Name: "S", Price: 89.5, Currency: "USD"}, {Name: "M", Price: 89.5, Currency: "USD", IsDefault: true, IsSampleSize: true}},
	}
}

func MustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// server is the loopback BeProduct stand-in.
type Server struct {
	*httptest.Server
	Small    []byte // GET Style/Header/{id} and POST Style/Header/Create
	Page     []byte // POST Style/Headers: 200 records, total 200
	IterPage []byte // POST Style/Headers?folderId=IterFolderID: 200 records, total 100000
	TestPage []byte // POST Style/Headers?folderId=TestFolderID: 200 records, total 1000

	Mu       sync.Mutex
	LastBody []byte // the latest create body, for the equivalence test
	KeepBody bool
}

var (
	jsonType = []string{"application/json; charset=utf-8"}
	rlLimit  = []string{"2000"}
	rlRemain = []string{"1999"}
	rlReset  = []string{"1767312000"}
)

func NewServer(tb testing.TB) *Server {
	tb.Helper()
	recs := make([]RawHeader, PageSize)
	for i := range recs {
		recs[i] = SampleHeader(i)
	}
	s := &Server{
		Small:    MustJSON(SmallHeader()),
		Page:     MustJSON(RawHeaderPage{Result: recs, Total: PageSize}),
		IterPage: MustJSON(RawHeaderPage{Result: recs, Total: IterTotal}),
		TestPage: MustJSON(RawHeaderPage{Result: recs, Total: TestTotal}),
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

const prefix = "/api/" + Company + "/"

// serve answers like BeProduct: JSON with the X-RateLimit-* headers. It
// checks the bearer token so that a client that forgets it fails.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if auth := r.Header["Authorization"]; len(auth) != 1 || auth[0] != "Bearer "+AccessToken {
		http.Error(w, `{"message":"unauthorized"}`, http.StatusUnauthorized)
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	var body []byte
	switch {
	case r.Method == http.MethodGet && path == "Style/Header/"+HeaderID:
		body = s.Small
	case r.Method == http.MethodPost && path == "Style/Header/Create":
		b, err := io.ReadAll(r.Body)
		if err != nil || r.URL.Query().Get("folderId") != FolderID {
			http.Error(w, `{"message":"bad request"}`, http.StatusBadRequest)
			return
		}
		s.Mu.Lock()
		if s.KeepBody {
			s.LastBody = b
		}
		s.Mu.Unlock()
		body = s.Small
	case r.Method == http.MethodPost && path == "Style/Headers":
		_, _ = io.Copy(io.Discard, r.Body)
		body = s.Page
		switch {
		case strings.Contains(r.URL.RawQuery, "folderId="+IterFolderID):
			body = s.IterPage
		case strings.Contains(r.URL.RawQuery, "folderId="+TestFolderID):
			body = s.TestPage
		}
	default:
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h["Content-Type"] = jsonType
	h["X-Ratelimit-Limit"] = rlLimit
	h["X-Ratelimit-Remaining"] = rlRemain
	h["X-Ratelimit-Reset"] = rlReset
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	_, _ = w.Write(body)
}
