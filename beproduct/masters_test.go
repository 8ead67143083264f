package beproduct_test

import (
	"context"
	"errors"
	"testing"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/gen/beproductapi"
)

// masterAPI calls one master's generated operations, so the table test below
// runs the same script on the five masters.
type masterAPI struct {
	folders      func(ctx context.Context) ([]beproductapi.Folder, error)
	folderSchema func(ctx context.Context, folderID string) ([]beproductapi.SchemaField, error)
	get          func(ctx context.Context, id string) (*beproductapi.Header, error)
	create       func(ctx context.Context, folderID string, w beproductapi.HeaderWrite) (*beproductapi.Header, error)
	update       func(ctx context.Context, id string, w beproductapi.HeaderWrite) (*beproductapi.Header, error)
	del          func(ctx context.Context, id string) (*beproductapi.MessageResponse, error)
	pages        func(ctx context.Context, id string) ([]beproductapi.PageInfo, error)
	page         func(ctx context.Context, id, pageID string) (*beproductapi.Page, error)
	form         func(ctx context.Context, id, pageID string, f beproductapi.FormUpdate) (*beproductapi.MessageResponse, error)
	pageSchema   func(ctx context.Context, pageID string) ([]beproductapi.SchemaField, error)
}

func val[T any](r interface{ StatusCode() int }, err error, get func() *T) (*T, error) {
	if err != nil {
		return nil, err
	}
	return get(), nil
}

func slice[T any](r interface{ StatusCode() int }, err error, get func() *[]T) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return *get(), nil
}

func apiFor(c *beproduct.Client, m beproduct.Master) masterAPI {
	switch m {
	case beproduct.Style:
		return masterAPI{
			folders: func(ctx context.Context) ([]beproductapi.Folder, error) {
				r, err := c.ListStyleFoldersWithResponse(ctx)
				return slice(r, err, func() *[]beproductapi.Folder { return r.JSON200 })
			},
			folderSchema: func(ctx context.Context, f string) ([]beproductapi.SchemaField, error) {
				r, err := c.GetStyleFolderSchemaWithResponse(ctx, &beproductapi.GetStyleFolderSchemaParams{FolderId: f})
				return slice(r, err, func() *[]beproductapi.SchemaField { return r.JSON200 })
			},
			get: func(ctx context.Context, id string) (*beproductapi.Header, error) {
				r, err := c.GetStyleHeaderWithResponse(ctx, id)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			create: func(ctx context.Context, f string, w beproductapi.HeaderWrite) (*beproductapi.Header, error) {
				r, err := c.CreateStyleHeaderWithResponse(ctx, &beproductapi.CreateStyleHeaderParams{FolderId: f}, w)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			update: func(ctx context.Context, id string, w beproductapi.HeaderWrite) (*beproductapi.Header, error) {
				r, err := c.UpdateStyleHeaderWithResponse(ctx, id, w)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			del: func(ctx context.Context, id string) (*beproductapi.MessageResponse, error) {
				r, err := c.DeleteStyleHeaderWithResponse(ctx, id)
				return val(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
			},
			pages: func(ctx context.Context, id string) ([]beproductapi.PageInfo, error) {
				r, err := c.ListStylePagesWithResponse(ctx, &beproductapi.ListStylePagesParams{HeaderId: id})
				return slice(r, err, func() *[]beproductapi.PageInfo { return r.JSON200 })
			},
			page: func(ctx context.Context, id, p string) (*beproductapi.Page, error) {
				r, err := c.GetStylePageWithResponse(ctx, &beproductapi.GetStylePageParams{HeaderId: id, PageId: p})
				return val(r, err, func() *beproductapi.Page { return r.JSON200 })
			},
			form: func(ctx context.Context, id, p string, f beproductapi.FormUpdate) (*beproductapi.MessageResponse, error) {
				r, err := c.UpdateStylePageFormWithResponse(ctx, &beproductapi.UpdateStylePageFormParams{HeaderId: id, PageId: p}, f)
				return val(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
			},
			pageSchema: func(ctx context.Context, p string) ([]beproductapi.SchemaField, error) {
				r, err := c.GetStylePageSchemaWithResponse(ctx, &beproductapi.GetStylePageSchemaParams{PageId: p})
				return slice(r, err, func() *[]beproductapi.SchemaField { return r.JSON200 })
			},
		}
	case beproduct.Material:
		return masterAPI{
			folders: func(ctx context.Context) ([]beproductapi.Folder, error) {
				r, err := c.ListMaterialFoldersWithResponse(ctx)
				return slice(r, err, func() *[]beproductapi.Folder { return r.JSON200 })
			},
			folderSchema: func(ctx context.Context, f string) ([]beproductapi.SchemaField, error) {
				r, err := c.GetMaterialFolderSchemaWithResponse(ctx, &beproductapi.GetMaterialFolderSchemaParams{FolderId: f})
				return slice(r, err, func() *[]beproductapi.SchemaField { return r.JSON200 })
			},
			get: func(ctx context.Context, id string) (*beproductapi.Header, error) {
				r, err := c.GetMaterialHeaderWithResponse(ctx, id)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			create: func(ctx context.Context, f string, w beproductapi.HeaderWrite) (*beproductapi.Header, error) {
				r, err := c.CreateMaterialHeaderWithResponse(ctx, &beproductapi.CreateMaterialHeaderParams{FolderId: f}, w)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			update: func(ctx context.Context, id string, w beproductapi.HeaderWrite) (*beproductapi.Header, error) {
				r, err := c.UpdateMaterialHeaderWithResponse(ctx, id, w)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			del: func(ctx context.Context, id string) (*beproductapi.MessageResponse, error) {
				r, err := c.DeleteMaterialHeaderWithResponse(ctx, id)
				return val(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
			},
			pages: func(ctx context.Context, id string) ([]beproductapi.PageInfo, error) {
				r, err := c.ListMaterialPagesWithResponse(ctx, &beproductapi.ListMaterialPagesParams{HeaderId: id})
				return slice(r, err, func() *[]beproductapi.PageInfo { return r.JSON200 })
			},
			page: func(ctx context.Context, id, p string) (*beproductapi.Page, error) {
				r, err := c.GetMaterialPageWithResponse(ctx, &beproductapi.GetMaterialPageParams{HeaderId: id, PageId: p})
				return val(r, err, func() *beproductapi.Page { return r.JSON200 })
			},
			form: func(ctx context.Context, id, p string, f beproductapi.FormUpdate) (*beproductapi.MessageResponse, error) {
				r, err := c.UpdateMaterialPageFormWithResponse(ctx, &beproductapi.UpdateMaterialPageFormParams{HeaderId: id, PageId: p}, f)
				return val(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
			},
			pageSchema: func(ctx context.Context, p string) ([]beproductapi.SchemaField, error) {
				r, err := c.GetMaterialPageSchemaWithResponse(ctx, &beproductapi.GetMaterialPageSchemaParams{PageId: p})
				return slice(r, err, func() *[]beproductapi.SchemaField { return r.JSON200 })
			},
		}
	case beproduct.Color:
		return masterAPI{
			folders: func(ctx context.Context) ([]beproductapi.Folder, error) {
				r, err := c.ListColorFoldersWithResponse(ctx)
				return slice(r, err, func() *[]beproductapi.Folder { return r.JSON200 })
			},
			folderSchema: func(ctx context.Context, f string) ([]beproductapi.SchemaField, error) {
				r, err := c.GetColorFolderSchemaWithResponse(ctx, &beproductapi.GetColorFolderSchemaParams{FolderId: f})
				return slice(r, err, func() *[]beproductapi.SchemaField { return r.JSON200 })
			},
			get: func(ctx context.Context, id string) (*beproductapi.Header, error) {
				r, err := c.GetColorHeaderWithResponse(ctx, id)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			create: func(ctx context.Context, f string, w beproductapi.HeaderWrite) (*beproductapi.Header, error) {
				r, err := c.CreateColorHeaderWithResponse(ctx, &beproductapi.CreateColorHeaderParams{FolderId: f}, w)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			update: func(ctx context.Context, id string, w beproductapi.HeaderWrite) (*beproductapi.Header, error) {
				r, err := c.UpdateColorHeaderWithResponse(ctx, id, &beproductapi.UpdateColorHeaderParams{}, w)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			del: func(ctx context.Context, id string) (*beproductapi.MessageResponse, error) {
				r, err := c.DeleteColorHeaderWithResponse(ctx, id)
				return val(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
			},
			pages: func(ctx context.Context, id string) ([]beproductapi.PageInfo, error) {
				r, err := c.ListColorPagesWithResponse(ctx, &beproductapi.ListColorPagesParams{HeaderId: id})
				return slice(r, err, func() *[]beproductapi.PageInfo { return r.JSON200 })
			},
			page: func(ctx context.Context, id, p string) (*beproductapi.Page, error) {
				r, err := c.GetColorPageWithResponse(ctx, &beproductapi.GetColorPageParams{HeaderId: id, PageId: p})
				return val(r, err, func() *beproductapi.Page { return r.JSON200 })
			},
			form: func(ctx context.Context, id, p string, f beproductapi.FormUpdate) (*beproductapi.MessageResponse, error) {
				r, err := c.UpdateColorPageFormWithResponse(ctx, &beproductapi.UpdateColorPageFormParams{HeaderId: id, PageId: p}, f)
				return val(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
			},
			pageSchema: func(ctx context.Context, p string) ([]beproductapi.SchemaField, error) {
				r, err := c.GetColorPageSchemaWithResponse(ctx, &beproductapi.GetColorPageSchemaParams{PageId: p})
				return slice(r, err, func() *[]beproductapi.SchemaField { return r.JSON200 })
			},
		}
	case beproduct.Image:
		return masterAPI{
			folders: func(ctx context.Context) ([]beproductapi.Folder, error) {
				r, err := c.ListImageFoldersWithResponse(ctx)
				return slice(r, err, func() *[]beproductapi.Folder { return r.JSON200 })
			},
			folderSchema: func(ctx context.Context, f string) ([]beproductapi.SchemaField, error) {
				r, err := c.GetImageFolderSchemaWithResponse(ctx, &beproductapi.GetImageFolderSchemaParams{FolderId: f})
				return slice(r, err, func() *[]beproductapi.SchemaField { return r.JSON200 })
			},
			get: func(ctx context.Context, id string) (*beproductapi.Header, error) {
				r, err := c.GetImageHeaderWithResponse(ctx, id)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			create: func(ctx context.Context, f string, w beproductapi.HeaderWrite) (*beproductapi.Header, error) {
				r, err := c.CreateImageHeaderWithResponse(ctx, &beproductapi.CreateImageHeaderParams{FolderId: f}, w)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			update: func(ctx context.Context, id string, w beproductapi.HeaderWrite) (*beproductapi.Header, error) {
				r, err := c.UpdateImageHeaderWithResponse(ctx, id, w)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			del: func(ctx context.Context, id string) (*beproductapi.MessageResponse, error) {
				r, err := c.DeleteImageHeaderWithResponse(ctx, id)
				return val(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
			},
			pages: func(ctx context.Context, id string) ([]beproductapi.PageInfo, error) {
				r, err := c.ListImagePagesWithResponse(ctx, &beproductapi.ListImagePagesParams{HeaderId: id})
				return slice(r, err, func() *[]beproductapi.PageInfo { return r.JSON200 })
			},
			page: func(ctx context.Context, id, p string) (*beproductapi.Page, error) {
				r, err := c.GetImagePageWithResponse(ctx, &beproductapi.GetImagePageParams{HeaderId: id, PageId: p})
				return val(r, err, func() *beproductapi.Page { return r.JSON200 })
			},
			form: func(ctx context.Context, id, p string, f beproductapi.FormUpdate) (*beproductapi.MessageResponse, error) {
				r, err := c.UpdateImagePageFormWithResponse(ctx, &beproductapi.UpdateImagePageFormParams{HeaderId: id, PageId: p}, f)
				return val(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
			},
			pageSchema: func(ctx context.Context, p string) ([]beproductapi.SchemaField, error) {
				r, err := c.GetImagePageSchemaWithResponse(ctx, &beproductapi.GetImagePageSchemaParams{PageId: p})
				return slice(r, err, func() *[]beproductapi.SchemaField { return r.JSON200 })
			},
		}
	default:
		return masterAPI{
			folders: func(ctx context.Context) ([]beproductapi.Folder, error) {
				r, err := c.ListBlockFoldersWithResponse(ctx)
				return slice(r, err, func() *[]beproductapi.Folder { return r.JSON200 })
			},
			folderSchema: func(ctx context.Context, f string) ([]beproductapi.SchemaField, error) {
				r, err := c.GetBlockFolderSchemaWithResponse(ctx, &beproductapi.GetBlockFolderSchemaParams{FolderId: f})
				return slice(r, err, func() *[]beproductapi.SchemaField { return r.JSON200 })
			},
			get: func(ctx context.Context, id string) (*beproductapi.Header, error) {
				r, err := c.GetBlockHeaderWithResponse(ctx, id)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			create: func(ctx context.Context, f string, w beproductapi.HeaderWrite) (*beproductapi.Header, error) {
				r, err := c.CreateBlockHeaderWithResponse(ctx, &beproductapi.CreateBlockHeaderParams{FolderId: f}, w)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			update: func(ctx context.Context, id string, w beproductapi.HeaderWrite) (*beproductapi.Header, error) {
				r, err := c.UpdateBlockHeaderWithResponse(ctx, id, w)
				return val(r, err, func() *beproductapi.Header { return r.JSON200 })
			},
			del: func(ctx context.Context, id string) (*beproductapi.MessageResponse, error) {
				r, err := c.DeleteBlockHeaderWithResponse(ctx, id)
				return val(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
			},
			pages: func(ctx context.Context, id string) ([]beproductapi.PageInfo, error) {
				r, err := c.ListBlockPagesWithResponse(ctx, &beproductapi.ListBlockPagesParams{HeaderId: id})
				return slice(r, err, func() *[]beproductapi.PageInfo { return r.JSON200 })
			},
			page: func(ctx context.Context, id, p string) (*beproductapi.Page, error) {
				r, err := c.GetBlockPageWithResponse(ctx, &beproductapi.GetBlockPageParams{HeaderId: id, PageId: p})
				return val(r, err, func() *beproductapi.Page { return r.JSON200 })
			},
			form: func(ctx context.Context, id, p string, f beproductapi.FormUpdate) (*beproductapi.MessageResponse, error) {
				r, err := c.UpdateBlockPageFormWithResponse(ctx, &beproductapi.UpdateBlockPageFormParams{HeaderId: id, PageId: p}, f)
				return val(r, err, func() *beproductapi.MessageResponse { return r.JSON200 })
			},
			pageSchema: func(ctx context.Context, p string) ([]beproductapi.SchemaField, error) {
				r, err := c.GetBlockPageSchemaWithResponse(ctx, &beproductapi.GetBlockPageSchemaParams{PageId: p})
				return slice(r, err, func() *[]beproductapi.SchemaField { return r.JSON200 })
			},
		}
	}
}

func fields(kv ...any) *[]beproductapi.FieldUpdate {
	var out []beproductapi.FieldUpdate
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, beproductapi.FieldUpdate{Id: kv[i].(string), Value: kv[i+1]})
	}
	return &out
}

func fieldValue(h *beproductapi.Header, id string) any {
	for _, f := range h.HeaderData.Fields {
		if f.Id == id {
			return f.Value
		}
	}
	return nil
}

// TestMasters runs every header and page operation of each master: folders,
// folder schema, filtered list, get, create, update, delete, pages, page,
// form/grid/list updates, page schema, and the error answers.
func TestMasters(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	for _, m := range beproduct.Masters() {
		t.Run(string(m), func(t *testing.T) {
			api := apiFor(e.client, m)
			folders, err := api.folders(ctx)
			if err != nil || len(folders) != 2 {
				t.Fatalf("folders = %v, %v", folders, err)
			}
			schema, err := api.folderSchema(ctx, folders[0].Id)
			if err != nil || len(schema) == 0 || schema[0].FieldId != "header_number" || schema[0].FieldType != "Text" {
				t.Fatalf("folder schema = %v, %v", schema, err)
			}
			if _, err := api.folderSchema(ctx, "no-such-folder"); !errors.Is(err, beproduct.ErrNotFound) {
				t.Fatalf("schema of unknown folder: %v", err)
			}

			// Create: a missing required field is a 400 naming the field.
			_, err = api.create(ctx, folders[0].Id, beproductapi.HeaderWrite{Fields: fields("header_name", "No number")})
			var be *beproduct.Error
			if !errors.As(err, &be) || be.StatusCode != 400 || len(be.Fields["header_number"]) == 0 {
				t.Fatalf("create without number: %v", err)
			}
			h, err := api.create(ctx, folders[0].Id, beproductapi.HeaderWrite{
				Fields:    fields("header_number", "X-100", "header_name", "Test record", "price", 12.5),
				Colorways: &[]beproductapi.ColorwayWrite{{Fields: fields("color_number", "BLK", "color_name", "Black")}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if fieldValue(h, "header_number") != "X-100" || len(h.Colorways) != 1 {
				t.Fatalf("created = %+v", h)
			}
			if m == beproduct.Color && (h.ColorPaletteNumber != "X-100") {
				t.Fatal("color palette number not set")
			}
			got, err := api.get(ctx, h.Id)
			if err != nil || got.Id != h.Id {
				t.Fatalf("get = %v, %v", got, err)
			}
			up, err := api.update(ctx, h.Id, beproductapi.HeaderWrite{Fields: fields("header_name", "Renamed")})
			if err != nil || fieldValue(up, "header_name") != "Renamed" || fieldValue(up, "header_number") != "X-100" {
				t.Fatalf("update = %v, %v", up, err)
			}

			// The new record is found by a filtered list.
			var found []beproductapi.Header
			for hd, err := range e.client.Headers(ctx, m, beproduct.ListOptions{
				FolderID: folders[0].Id, Filters: beproduct.Where(beproduct.FieldHeaderNumber).Eq("X-100"),
			}) {
				if err != nil {
					t.Fatal(err)
				}
				found = append(found, hd)
			}
			if len(found) != 1 || found[0].Id != h.Id {
				t.Fatalf("filtered list = %d records", len(found))
			}

			pages, err := api.pages(ctx, h.Id)
			if err != nil || len(pages) != len(beproducttest.PageIDs(string(m))) || pages[3].Type != "Attachments" {
				t.Fatalf("pages = %v, %v", pages, err)
			}
			if _, err := api.pages(ctx, "missing"); !errors.Is(err, beproduct.ErrNotFound) {
				t.Fatalf("pages of unknown header: %v", err)
			}
			ur, err := api.form(ctx, h.Id, beproducttest.PageDetails, beproductapi.FormUpdate{{Id: "description", Value: "Updated"}})
			if err != nil || ur.Error || ur.Message == "" {
				t.Fatalf("form update = %v, %v", ur, err)
			}
			pg, err := api.page(ctx, h.Id, beproducttest.PageDetails)
			if err != nil {
				t.Fatal(err)
			}
			if data, ok := pg.Data.([]any); !ok || data[0].(map[string]any)["value"] != "Updated" {
				t.Fatalf("page data = %#v", pg.Data)
			}
			if _, err := api.page(ctx, h.Id, "no-page"); !errors.Is(err, beproduct.ErrNotFound) {
				t.Fatalf("unknown page: %v", err)
			}
			res, err := e.client.UpdatePageGrid(ctx, m, h.Id, beproducttest.PageBOM, []beproductapi.GridRow{{RowFields: fields("component", "Lining")}})
			if err != nil || res.Succeeded != 1 {
				t.Fatalf("grid = %+v, %v", res, err)
			}
			res, err = e.client.UpdatePageList(ctx, m, h.Id, beproducttest.PageSizes, []beproductapi.ListItem{{ItemFields: fields("size", "L")}})
			if err != nil || res.Succeeded != 1 {
				t.Fatalf("list = %+v, %v", res, err)
			}
			if n := len(e.fake.PageRows(string(m), h.Id, beproducttest.PageSizes)); n != 2 {
				t.Fatalf("list rows = %d, want 2", n)
			}
			ps, err := api.pageSchema(ctx, beproducttest.PageBOM)
			if err != nil || len(ps) != 2 {
				t.Fatalf("page schema = %v, %v", ps, err)
			}

			grid, err := api.page(ctx, h.Id, beproducttest.PageBOM)
			if err != nil {
				t.Fatal(err)
			}
			gd, _ := grid.Data.(map[string]any)["gridData"].([]any)
			if len(gd) != 2 || gd[1].(map[string]any)["rowId"] == "" {
				t.Fatalf("grid data = %#v", grid.Data)
			}
			dr, err := api.del(ctx, h.Id)
			if err != nil || dr.Error {
				t.Fatalf("delete = %v, %v", dr, err)
			}
			if _, err := api.get(ctx, h.Id); !errors.Is(err, beproduct.ErrNotFound) || !errors.As(err, &be) || be.Message == "" {
				t.Fatalf("get after delete: %v", err)
			}
			// A deleted header is listed only with ShowDeleted.
			var deleted []beproductapi.Header
			for hd, err := range e.client.Headers(ctx, m, beproduct.ListOptions{FolderID: folders[0].Id, ShowDeleted: true,
				Filters: beproduct.Where(beproduct.FieldHeaderNumber).Eq("X-100")}) {
				if err != nil {
					t.Fatal(err)
				}
				deleted = append(deleted, hd)
			}
			if len(deleted) != 1 || !deleted[0].IsDeleted {
				t.Fatalf("showDeleted list = %+v", deleted)
			}
		})
	}
}
