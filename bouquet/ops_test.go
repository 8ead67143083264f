package bouquet_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bouquet/bouquettest"
	"github.com/oasuite/sdk/gen/bouquetapi"
)

// resourceOps are the regular operations of one resource, as closures over
// the typed client. nil entries are operations the resource lacks.
type resourceOps struct {
	create    func() (id string, err error)
	get       func(id string) (name string, err error)
	update    func(id, name string) error
	list      func() (n int, err error)
	del       func(id string) error
	getAccess func(id string) (n int, err error)
	setAccess func(id string, ar []bouquetapi.AccessRight) (n int, err error)
}

// checkCRUD runs create → list → get → update → get → access → delete → get (404).
func checkCRUD(t *testing.T, name string, ops resourceOps) {
	t.Helper()
	n0 := 0
	if ops.list != nil {
		var err error
		if n0, err = ops.list(); err != nil {
			t.Fatalf("%s list: %v", name, err)
		}
	}
	id, err := ops.create()
	if err != nil || id == "" {
		t.Fatalf("%s create: id %q, %v", name, id, err)
	}
	if ops.list != nil {
		if n, err := ops.list(); err != nil || n != n0+1 {
			t.Errorf("%s list after create: %d (was %d), %v", name, n, n0, err)
		}
	}
	if _, err := ops.get(id); err != nil {
		t.Errorf("%s get: %v", name, err)
	}
	if ops.update != nil {
		if err := ops.update(id, "renamed"); err != nil {
			t.Errorf("%s update: %v", name, err)
		}
		if got, err := ops.get(id); err != nil || got != "renamed" {
			t.Errorf("%s get after update: %q, %v", name, got, err)
		}
	}
	if ops.getAccess != nil {
		if n, err := ops.getAccess(id); err != nil || n != 1 {
			t.Errorf("%s access: %d rights (want the owner's), %v", name, n, err)
		}
	}
	if ops.setAccess != nil {
		ar := []bouquetapi.AccessRight{{Role: ptr(bouquetapi.AccessRightRoleOWNER), UserId: ptr(bouquettest.TestUserID)},
			{Role: ptr(bouquetapi.AccessRightRoleREAD), GroupId: ptr("analysts")}}
		if n, err := ops.setAccess(id, ar); err != nil || n != 2 {
			t.Errorf("%s set access: %d, %v", name, n, err)
		}
		if n, err := ops.getAccess(id); err != nil || n != 2 {
			t.Errorf("%s access after set: %d, %v", name, n, err)
		}
	}
	if ops.del != nil {
		if err := ops.del(id); err != nil {
			t.Errorf("%s delete: %v", name, err)
		}
		if _, err := ops.get(id); !errors.Is(err, bouquet.ErrNotFound) {
			t.Errorf("%s get after delete: %v", name, err)
		}
		if err := ops.del(id); !errors.Is(err, bouquet.ErrNotFound) {
			t.Errorf("%s delete twice: %v", name, err)
		}
	}
}

func s(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func lenOf[T any](p *[]T) int {
	if p == nil {
		return 0
	}
	return len(*p)
}

func TestProjectModelCRUD(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := newClient(t, f)
	ctx := context.Background()

	var pid, did, dimID string
	checkCRUD(t, "project", resourceOps{
		create: func() (string, error) {
			r, err := c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr("P"), DbUrl: ptr("jdbc:postgresql://db/x"),
				DbUser: ptr("bq"), DbPassword: ptr("db-secret-value"), DbSchemas: &[]string{"public"}})
			if err != nil {
				return "", err
			}
			if r.JSON200.DbPassword != nil {
				t.Error("dbPassword sent back")
			}
			return r.JSON200.Id.ProjectId, nil
		},
		get: func(id string) (string, error) {
			r, err := c.GetProjectWithResponse(ctx, id, nil)
			if err != nil {
				return "", err
			}
			return s(r.JSON200.Name), nil
		},
		update: func(id, n string) error {
			_, err := c.UpdateProjectWithResponse(ctx, id, bouquetapi.Project{Name: &n})
			return err
		},
		list: func() (int, error) {
			r, err := c.ListProjectsWithResponse(ctx)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		del: func(id string) error { _, err := c.DeleteProjectWithResponse(ctx, id); return err },
		getAccess: func(id string) (int, error) {
			r, err := c.GetProjectAccessWithResponse(ctx, id)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		setAccess: func(id string, ar []bouquetapi.AccessRight) (int, error) {
			r, err := c.SetProjectAccessWithResponse(ctx, id, ar)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
	})

	p, err := c.CreateProjectWithResponse(ctx, bouquetapi.Project{Name: ptr("Sales")})
	if err != nil {
		t.Fatal(err)
	}
	pid = p.JSON200.Id.ProjectId
	if p.JSON200.Oid == nil || *p.JSON200.Oid != pid || p.JSON200.UnderscoreVctrl == nil || *p.JSON200.UnderscoreVctrl != 0 ||
		p.JSON200.UnderscoreRole == nil || *p.JSON200.UnderscoreRole != bouquetapi.ObjectRoleOWNER {
		t.Errorf("persistent fields: oid %v _vctrl %v _role %v", p.JSON200.Oid, p.JSON200.UnderscoreVctrl, p.JSON200.UnderscoreRole)
	}

	checkCRUD(t, "domain", resourceOps{
		create: func() (string, error) {
			r, err := c.CreateDomainWithResponse(ctx, pid, bouquetapi.Domain{Name: ptr("D"), Subject: &bouquetapi.Expression{Value: ptr("'orders'")}})
			if err != nil {
				return "", err
			}
			if r.JSON200.Id.ProjectId == nil || *r.JSON200.Id.ProjectId != pid {
				t.Errorf("domain id = %+v", r.JSON200.Id)
			}
			return r.JSON200.Id.DomainId, nil
		},
		get: func(id string) (string, error) {
			r, err := c.GetDomainWithResponse(ctx, pid, id, nil)
			if err != nil {
				return "", err
			}
			return s(r.JSON200.Name), nil
		},
		update: func(id, n string) error {
			_, err := c.UpdateDomainWithResponse(ctx, pid, id, bouquetapi.Domain{Name: &n})
			return err
		},
		list: func() (int, error) {
			r, err := c.ListDomainsWithResponse(ctx, pid)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		del: func(id string) error { _, err := c.DeleteDomainWithResponse(ctx, pid, id); return err },
		getAccess: func(id string) (int, error) {
			r, err := c.GetDomainAccessWithResponse(ctx, pid, id)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		setAccess: func(id string, ar []bouquetapi.AccessRight) (int, error) {
			r, err := c.SetDomainAccessWithResponse(ctx, pid, id, ar)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
	})
	d, err := c.CreateDomainWithResponse(ctx, pid, bouquetapi.Domain{Name: ptr("Orders")})
	if err != nil {
		t.Fatal(err)
	}
	did = d.JSON200.Id.DomainId
	// A domain in a missing project: 404.
	if _, err := c.CreateDomainWithResponse(ctx, "no-such-project", bouquetapi.Domain{Name: ptr("x")}); !errors.Is(err, bouquet.ErrNotFound) {
		t.Errorf("domain in missing project: %v", err)
	}

	checkCRUD(t, "dimension", resourceOps{
		create: func() (string, error) {
			r, err := c.CreateDimensionWithResponse(ctx, pid, did, bouquetapi.Dimension{Name: ptr("X"), Type: ptr(bouquetapi.DimensionTypeCATEGORICAL),
				Expression: &bouquetapi.Expression{Value: ptr("'x'")}})
			if err != nil {
				return "", err
			}
			return r.JSON200.Id.DimensionId, nil
		},
		get: func(id string) (string, error) {
			r, err := c.GetDimensionWithResponse(ctx, pid, did, id, nil)
			if err != nil {
				return "", err
			}
			return s(r.JSON200.Name), nil
		},
		update: func(id, n string) error {
			_, err := c.UpdateDimensionWithResponse(ctx, pid, did, id, bouquetapi.Dimension{Name: &n})
			return err
		},
		list: func() (int, error) {
			r, err := c.ListDimensionsWithResponse(ctx, pid, did)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		del: func(id string) error { _, err := c.DeleteDimensionWithResponse(ctx, pid, did, id); return err },
		getAccess: func(id string) (int, error) {
			r, err := c.GetDimensionAccessWithResponse(ctx, pid, did, id)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		setAccess: func(id string, ar []bouquetapi.AccessRight) (int, error) {
			r, err := c.SetDimensionAccessWithResponse(ctx, pid, did, id, ar)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
	})
	dim, err := c.CreateDimensionWithResponse(ctx, pid, did, bouquetapi.Dimension{Name: ptr("date"), Type: ptr(bouquetapi.DimensionTypeCONTINUOUS)})
	if err != nil {
		t.Fatal(err)
	}
	dimID = dim.JSON200.Id.DimensionId
	sub, err := c.CreateDimensionWithResponse(ctx, pid, did, bouquetapi.Dimension{Name: ptr("year"), ParentId: dim.JSON200.Id})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := c.ListSubDimensionsWithResponse(ctx, pid, did, dimID)
	if err != nil || len(*subs.JSON200) != 1 || (*subs.JSON200)[0].Id.DimensionId != sub.JSON200.Id.DimensionId {
		t.Errorf("sub-dimensions: %v", err)
	}

	// Dimension options.
	opts, err := c.AddDimensionOptionWithResponse(ctx, pid, did, dimID, bouquetapi.DimensionOption{SingleSelection: ptr(true)})
	if err != nil || len(*opts.JSON200) != 1 {
		t.Fatalf("add option: %v", err)
	}
	oid := (*opts.JSON200)[0].Id.OptionId
	if _, err := c.AddDimensionOptionWithResponse(ctx, pid, did, dimID, bouquetapi.DimensionOption{Hidden: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if l, err := c.ListDimensionOptionsWithResponse(ctx, pid, did, dimID); err != nil || len(*l.JSON200) != 2 {
		t.Errorf("list options: %v", err)
	}
	if _, err := c.UpdateDimensionOptionWithResponse(ctx, pid, did, dimID, oid, bouquetapi.DimensionOption{MandatorySelection: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if o, err := c.GetDimensionOptionWithResponse(ctx, pid, did, dimID, oid); err != nil || o.JSON200.MandatorySelection == nil || !*o.JSON200.MandatorySelection {
		t.Errorf("get option after update: %v", err)
	}
	if l, err := c.DeleteDimensionOptionWithResponse(ctx, pid, did, dimID, oid); err != nil || len(*l.JSON200) != 1 {
		t.Errorf("delete option: %v", err)
	}
	if _, err := c.GetDimensionOptionWithResponse(ctx, pid, did, dimID, oid); !errors.Is(err, bouquet.ErrNotFound) {
		t.Errorf("deleted option: %v", err)
	}

	checkCRUD(t, "attribute", resourceOps{
		create: func() (string, error) {
			r, err := c.CreateAttributeWithResponse(ctx, pid, did, dimID, bouquetapi.Attribute{Name: ptr("A"), Expression: &bouquetapi.Expression{Value: ptr("'a'")}})
			if err != nil {
				return "", err
			}
			return r.JSON200.Id.AttributeId, nil
		},
		get: func(id string) (string, error) {
			r, err := c.GetAttributeWithResponse(ctx, pid, did, dimID, id)
			if err != nil {
				return "", err
			}
			return s(r.JSON200.Name), nil
		},
		update: func(id, n string) error {
			_, err := c.UpdateAttributeWithResponse(ctx, pid, did, dimID, id, bouquetapi.Attribute{Name: &n})
			return err
		},
		list: func() (int, error) {
			r, err := c.ListAttributesWithResponse(ctx, pid, did, dimID)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		del: func(id string) error { _, err := c.DeleteAttributeWithResponse(ctx, pid, did, dimID, id); return err },
		getAccess: func(id string) (int, error) {
			r, err := c.GetAttributeAccessWithResponse(ctx, pid, did, dimID, id)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		setAccess: func(id string, ar []bouquetapi.AccessRight) (int, error) {
			r, err := c.SetAttributeAccessWithResponse(ctx, pid, did, dimID, id, ar)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
	})

	checkCRUD(t, "metric", resourceOps{
		create: func() (string, error) {
			r, err := c.CreateMetricWithResponse(ctx, pid, did, bouquetapi.Metric{Name: ptr("M"), Expression: &bouquetapi.Expression{Value: ptr("COUNT()")}, DisplayFormat: ptr("#,##0")})
			if err != nil {
				return "", err
			}
			return r.JSON200.Id.MetricId, nil
		},
		get: func(id string) (string, error) {
			r, err := c.GetMetricWithResponse(ctx, pid, did, id, nil)
			if err != nil {
				return "", err
			}
			return s(r.JSON200.Name), nil
		},
		update: func(id, n string) error {
			_, err := c.UpdateMetricWithResponse(ctx, pid, did, id, bouquetapi.Metric{Name: &n})
			return err
		},
		list: func() (int, error) {
			r, err := c.ListMetricsWithResponse(ctx, pid, did)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		del: func(id string) error { _, err := c.DeleteMetricWithResponse(ctx, pid, did, id); return err },
		getAccess: func(id string) (int, error) {
			r, err := c.GetMetricAccessWithResponse(ctx, pid, did, id)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		setAccess: func(id string, ar []bouquetapi.AccessRight) (int, error) {
			r, err := c.SetMetricAccessWithResponse(ctx, pid, did, id, ar)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
	})

	d2, err := c.CreateDomainWithResponse(ctx, pid, bouquetapi.Domain{Name: ptr("Customers")})
	if err != nil {
		t.Fatal(err)
	}
	checkCRUD(t, "relation", resourceOps{
		create: func() (string, error) {
			r, err := c.CreateRelationWithResponse(ctx, pid, bouquetapi.Relation{LeftId: d.JSON200.Id, RightId: d2.JSON200.Id,
				LeftCardinality: ptr(bouquetapi.RelationLeftCardinalityMANY), RightCardinality: ptr(bouquetapi.RelationRightCardinalityONE),
				LeftName: ptr("orders"), RightName: ptr("customer"), JoinExpression: &bouquetapi.Expression{Value: ptr("'left'.'cid'='right'.'id'")}})
			if err != nil {
				return "", err
			}
			return r.JSON200.Id.RelationId, nil
		},
		get: func(id string) (string, error) {
			r, err := c.GetRelationWithResponse(ctx, pid, id)
			if err != nil {
				return "", err
			}
			return s(r.JSON200.LeftName), nil
		},
		update: func(id, n string) error {
			_, err := c.UpdateRelationWithResponse(ctx, pid, id, bouquetapi.Relation{LeftName: &n, LeftId: d.JSON200.Id, RightId: d2.JSON200.Id})
			return err
		},
		list: func() (int, error) {
			r, err := c.ListRelationsWithResponse(ctx, pid)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		del: func(id string) error { _, err := c.DeleteRelationWithResponse(ctx, pid, id); return err },
		getAccess: func(id string) (int, error) {
			r, err := c.GetRelationAccessWithResponse(ctx, pid, id)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		setAccess: func(id string, ar []bouquetapi.AccessRight) (int, error) {
			r, err := c.SetRelationAccessWithResponse(ctx, pid, id, ar)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
	})

	checkCRUD(t, "bookmark", resourceOps{
		create: func() (string, error) {
			r, err := c.CreateBookmarkWithResponse(ctx, pid, bouquetapi.Bookmark{Name: ptr("B"), Path: ptr("/SHARED/sales"),
				Config: &map[string]interface{}{"domain": did}})
			if err != nil {
				return "", err
			}
			return r.JSON200.Id.BookmarkId, nil
		},
		get: func(id string) (string, error) {
			r, err := c.GetBookmarkWithResponse(ctx, pid, id)
			if err != nil {
				return "", err
			}
			return s(r.JSON200.Name), nil
		},
		update: func(id, n string) error {
			_, err := c.UpdateBookmarkWithResponse(ctx, pid, id, bouquetapi.Bookmark{Name: &n, Path: ptr("/SHARED/sales")})
			return err
		},
		list: func() (int, error) {
			r, err := c.ListBookmarksWithResponse(ctx, pid, nil)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		del: func(id string) error { _, err := c.DeleteBookmarkWithResponse(ctx, pid, id); return err },
		getAccess: func(id string) (int, error) {
			r, err := c.GetBookmarkAccessWithResponse(ctx, pid, id)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		setAccess: func(id string, ar []bouquetapi.AccessRight) (int, error) {
			r, err := c.SetBookmarkAccessWithResponse(ctx, pid, id, ar)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
	})

	// Deep read brings the children along.
	deep, err := c.GetProjectWithResponse(ctx, pid, &bouquetapi.GetProjectParams{Deepread: ptr(true)})
	if err != nil || lenOf(deep.JSON200.Domains) != 2 {
		t.Errorf("deep read: %d domains, %v", lenOf(deep.JSON200.Domains), err)
	}
	dd, err := c.GetDomainWithResponse(ctx, pid, did, &bouquetapi.GetDomainParams{Deepread: ptr(true)})
	if err != nil || lenOf(dd.JSON200.Dimensions) != 2 {
		t.Errorf("domain deep read: %v", err)
	}
}

// lenOfResp turns a (response, error) into (count, error) without touching a nil response.
func lenOfResp[R any](r *R, err error, n func() int) (int, error) {
	if err != nil {
		return 0, err
	}
	return n(), nil
}

func TestCustomerAndAuthOperations(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := newClient(t, f)
	ctx := context.Background()
	info, err := c.GetCustomerInfoWithResponse(ctx)
	if err != nil || s(info.JSON200.Id) != bouquettest.TestCustomerID {
		t.Fatalf("customer: %v", err)
	}
	if u, err := c.UpdateCustomerInfoWithResponse(ctx, bouquetapi.CustomerInfo{Name: ptr("Acme Inc")}); err != nil || s(u.JSON200.Name) != "Acme Inc" {
		t.Errorf("update customer: %v", err)
	}
	ar := []bouquetapi.AccessRight{{Role: ptr(bouquetapi.AccessRightRoleWRITE), GroupId: ptr("admins")}}
	if r, err := c.SetCustomerAccessWithResponse(ctx, ar); err != nil || len(*r.JSON200) != 1 {
		t.Errorf("set customer access: %v", err)
	}
	if r, err := c.GetCustomerAccessWithResponse(ctx); err != nil || s((*r.JSON200)[0].GroupId) != "admins" {
		t.Errorf("customer access: %v", err)
	}
	st, err := c.GetStatusWithResponse(ctx)
	if err != nil || st.JSON200.BouquetServer == nil {
		t.Errorf("status: %v", err)
	}
	me, err := c.GetCurrentUserWithResponse(ctx)
	if err != nil || s(me.JSON200.Login) != bouquettest.TestLogin {
		t.Errorf("current user: %v", err)
	}

	// The raw auth operations, through the generated client.
	anon, _ := bouquet.New(ctx, bouquet.WithBaseURL(f.BaseURL()), bouquet.WithoutCredentials())
	at, err := anon.CreateAuthTokenWithFormdataBodyWithResponse(ctx, bouquetapi.AuthTokenRequest{CustomerId: bouquettest.TestCustomerID,
		ClientId: bouquettest.TestClientID, RedirectUri: bouquettest.TestRedirectURI, Login: bouquettest.TestLogin, Password: bouquettest.TestPassword})
	if err != nil || at.JSON200.Id.TokenId == "" || at.JSON200.ObjectType != "AccessToken" {
		t.Fatalf("auth-token: %v", err)
	}
	code, err := anon.CreateAuthCodeWithFormdataBodyWithResponse(ctx, bouquetapi.AuthCodeRequest{CustomerId: bouquettest.TestCustomerID,
		ClientId: bouquettest.TestClientID, RedirectUri: bouquettest.TestRedirectURI, Login: bouquettest.TestLogin, Password: bouquettest.TestPassword,
		AccessType: ptr(bouquetapi.AuthCodeRequestAccessTypeOffline)})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := anon.CreateTokenWithFormdataBodyWithResponse(ctx, bouquetapi.TokenRequest{GrantType: ptr("authorization_code"), Code: &code.JSON200.Code,
		ClientId: bouquettest.TestClientID, ClientSecret: ptr(bouquettest.TestClientSecret), RedirectUri: ptr(bouquettest.TestRedirectURI)})
	if err != nil || tok.JSON200.RefreshToken == "" {
		t.Fatalf("token: %v", err)
	}
	ti, err := anon.GetTokenInfoWithResponse(ctx, &bouquetapi.GetTokenInfoParams{AccessToken: &tok.JSON200.Id.TokenId})
	if err != nil || ti.JSON200.ClientId != bouquettest.TestClientID {
		t.Errorf("tokeninfo: %v", err)
	}
	if r, err := anon.DeleteTokenWithResponse(ctx, tok.JSON200.Id.TokenId); err != nil || !*r.JSON200 {
		t.Errorf("delete token: %v", err)
	}
	lo, err := c.LogoutWithResponse(ctx)
	if err != nil || lo.JSON200.Logout != "true" {
		t.Errorf("logout: %v", err)
	}
}

func TestAdministrationCRUD(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := newClient(t, f)
	ctx := context.Background()

	checkCRUD(t, "user", resourceOps{
		create: func() (string, error) {
			r, err := c.CreateUserWithResponse(ctx, bouquetapi.User{Login: ptr("carol"), Email: ptr("carol@example.com"), Password: ptr("carol-secret-pw")})
			if err != nil {
				return "", err
			}
			if r.JSON200.Password != nil {
				t.Error("password sent back")
			}
			return r.JSON200.Id.UserId, nil
		},
		get: func(id string) (string, error) {
			r, err := c.GetUserWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return s(r.JSON200.Login), nil
		},
		update: func(id, n string) error {
			_, err := c.UpdateUserWithResponse(ctx, id, bouquetapi.User{Login: &n})
			return err
		},
		list: func() (int, error) {
			r, err := c.ListUsersWithResponse(ctx)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		del: func(id string) error { _, err := c.DeleteUserWithResponse(ctx, id); return err },
	})

	checkCRUD(t, "user group", resourceOps{
		create: func() (string, error) {
			r, err := c.CreateUserGroupWithResponse(ctx, bouquetapi.UserGroup{Name: ptr("analysts")})
			if err != nil {
				return "", err
			}
			return r.JSON200.Id.UserGroupId, nil
		},
		get: func(id string) (string, error) {
			r, err := c.GetUserGroupWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return s(r.JSON200.Name), nil
		},
		update: func(id, n string) error {
			_, err := c.UpdateUserGroupWithResponse(ctx, id, bouquetapi.UserGroup{Name: &n})
			return err
		},
		list: func() (int, error) {
			r, err := c.ListUserGroupsWithResponse(ctx)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		del: func(id string) error { _, err := c.DeleteUserGroupWithResponse(ctx, id); return err },
		getAccess: func(id string) (int, error) {
			r, err := c.GetUserGroupAccessWithResponse(ctx, id)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		setAccess: func(id string, ar []bouquetapi.AccessRight) (int, error) {
			r, err := c.SetUserGroupAccessWithResponse(ctx, id, ar)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
	})

	checkCRUD(t, "client", resourceOps{
		create: func() (string, error) {
			r, err := c.CreateClientWithResponse(ctx, bouquetapi.APIClient{Name: ptr("dashboard"), Urls: &[]string{"https://dash.example.com"},
				AllowRefreshToken: ptr(true)})
			if err != nil {
				return "", err
			}
			return r.JSON200.Id.ClientId, nil
		},
		get: func(id string) (string, error) {
			r, err := c.GetClientWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return s(r.JSON200.Name), nil
		},
		update: func(id, n string) error {
			_, err := c.UpdateClientWithResponse(ctx, id, bouquetapi.APIClient{Name: &n})
			return err
		},
		list: func() (int, error) {
			r, err := c.ListClientsWithResponse(ctx)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		del: func(id string) error { _, err := c.DeleteClientWithResponse(ctx, id); return err },
		getAccess: func(id string) (int, error) {
			r, err := c.GetClientAccessWithResponse(ctx, id)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
	})

	var stateID string
	checkCRUD(t, "state", resourceOps{
		create: func() (string, error) {
			r, err := c.CreateStateWithResponse(ctx, bouquetapi.State{Config: &map[string]interface{}{"page": "sales"}})
			if err != nil {
				return "", err
			}
			stateID = r.JSON200.Id.StateId
			return stateID, nil
		},
		get: func(id string) (string, error) {
			r, err := c.GetStateWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			return r.JSON200.Id.StateId, nil
		},
		list: func() (int, error) {
			r, err := c.ListStatesWithResponse(ctx)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		getAccess: func(id string) (int, error) {
			r, err := c.GetStateAccessWithResponse(ctx, id)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
	})

	checkCRUD(t, "shortcut", resourceOps{
		create: func() (string, error) {
			r, err := c.CreateShortcutWithResponse(ctx, bouquetapi.Shortcut{Name: ptr("Sales view"), StateId: &stateID})
			if err != nil {
				return "", err
			}
			return r.JSON200.Id.ShortcutId, nil
		},
		get: func(id string) (string, error) {
			r, err := c.GetShortcutWithResponse(ctx, id, nil)
			if err != nil {
				return "", err
			}
			return s(r.JSON200.Name), nil
		},
		update: func(id, n string) error {
			_, err := c.UpdateShortcutWithResponse(ctx, id, bouquetapi.Shortcut{Name: &n})
			return err
		},
		list: func() (int, error) {
			r, err := c.ListShortcutsWithResponse(ctx, nil)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		del: func(id string) error { _, err := c.DeleteShortcutWithResponse(ctx, id); return err },
		getAccess: func(id string) (int, error) {
			r, err := c.GetShortcutAccessWithResponse(ctx, id)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
		setAccess: func(id string, ar []bouquetapi.AccessRight) (int, error) {
			r, err := c.SetShortcutAccessWithResponse(ctx, id, ar)
			return lenOfResp(r, err, func() int { return len(*r.JSON200) })
		},
	})
}

func TestBookmarkFolders(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := newClient(t, f)
	ctx := context.Background()
	pid, _, _ := project(t, c)
	for _, p := range []string{"/SHARED/sales", "/SHARED/sales/emea", "/SHARED/hr"} {
		if _, err := c.CreateBookmarkWithResponse(ctx, pid, bouquetapi.Bookmark{Name: ptr("bm " + p), Path: ptr(p)}); err != nil {
			t.Fatal(err)
		}
	}
	folder, err := c.GetBookmarkFolderWithResponse(ctx, &bouquetapi.GetBookmarkFolderParams{Path: ptr("/SHARED/sales")})
	if err != nil {
		t.Fatal(err)
	}
	if len(folder.JSON200.Bookmarks) != 1 || len(folder.JSON200.Folders) != 1 || folder.JSON200.Folders[0].Name != "emea" {
		t.Errorf("folder = %+v", folder.JSON200)
	}
	fs, err := c.ListBookmarkFoldersWithResponse(ctx, &bouquetapi.ListBookmarkFoldersParams{Path: ptr("/SHARED")})
	if err != nil || len(*fs.JSON200) != 2 {
		t.Errorf("folders under /SHARED: %v", err)
	}
	bms, err := c.ListBookmarksWithResponse(ctx, pid, &bouquetapi.ListBookmarksParams{Path: ptr("/SHARED/sales")})
	if err != nil || len(*bms.JSON200) != 2 {
		t.Errorf("bookmarks by path: %v", err)
	}
}

func TestAnalysisJobOperations(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := newClient(t, f)
	ctx := context.Background()
	pid, _, job := project(t, c)
	// timeout: the server waits, the job comes back DONE.
	created, err := c.CreateAnalysisJobWithResponse(ctx, pid, &bouquetapi.CreateAnalysisJobParams{Timeout: ptr(int32(5000))}, job)
	if err != nil || *created.JSON200.Status != bouquet.JobDone {
		t.Fatalf("create with timeout: %v", err)
	}
	jid := created.JSON200.Id.AnalysisJobId
	if l, err := c.ListAnalysisJobsWithResponse(ctx, pid); err != nil || len(*l.JSON200) != 1 {
		t.Errorf("list jobs: %v", err)
	}
	page, err := c.GetAnalysisJobResultsWithResponse(ctx, pid, jid, &bouquetapi.GetAnalysisJobResultsParams{StartIndex: ptr(int32(20)), MaxResults: ptr(int32(10))})
	if err != nil || len(*page.JSON200.Rows) != 5 || *page.JSON200.StartIndex != 20 {
		t.Errorf("results page: %v", err)
	}
	sql, err := c.GetAnalysisJobSQLWithResponse(ctx, pid, jid, &bouquetapi.GetAnalysisJobSQLParams{Prettyfier: ptr(false)})
	if err != nil || !strings.HasPrefix(string(sql.Body), "SELECT country, revenue") {
		t.Errorf("sql: %q %v", sql.Body, err)
	}
	html, err := c.RenderAnalysisJobWithResponse(ctx, pid, jid, &bouquetapi.RenderAnalysisJobParams{MaxResults: ptr(int32(2))})
	if err != nil || !strings.Contains(string(html.Body), "<td>country-01</td>") || strings.Contains(string(html.Body), "country-02") {
		t.Errorf("render: %q %v", html.Body, err)
	}
	if r, err := c.SetAnalysisJobAccessWithResponse(ctx, pid, jid, []bouquetapi.AccessRight{{Role: ptr(bouquetapi.AccessRightRoleREAD), UserId: ptr("u-bob")}}); err != nil || len(*r.JSON200) != 1 {
		t.Errorf("set job access: %v", err)
	}
	if r, err := c.GetAnalysisJobAccessWithResponse(ctx, pid, jid); err != nil || s((*r.JSON200)[0].UserId) != "u-bob" {
		t.Errorf("job access: %v", err)
	}
	// Status and cancel of the analytics API, on a running job.
	running, err := c.CreateAnalysisJobWithResponse(ctx, pid, nil, job)
	if err != nil {
		t.Fatal(err)
	}
	rid := running.JSON200.Id.AnalysisJobId
	st, err := c.GetQueryStatusWithResponse(ctx, rid)
	if err != nil || len(*st.JSON200) != 1 {
		t.Errorf("query status: %v", err)
	}
	if r, err := c.CancelQueryWithResponse(ctx, rid); err != nil || !*r.JSON200 {
		t.Errorf("cancel: %v", err)
	}
	if r, err := c.CancelQueryWithResponse(ctx, rid); err != nil || *r.JSON200 {
		t.Errorf("cancel twice: %v", err)
	}
	if r, err := c.DeleteAnalysisJobWithResponse(ctx, pid, jid); err != nil || !*r.JSON200 {
		t.Errorf("delete job: %v", err)
	}
	if _, err := c.GetAnalysisJobWithResponse(ctx, pid, jid, nil); !errors.Is(err, bouquet.ErrNotFound) {
		t.Errorf("deleted job: %v", err)
	}
}

func TestFacetJobOperations(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := newClient(t, f)
	ctx := context.Background()
	pid, _, job := project(t, c)
	fj, err := c.CreateFacetJobWithResponse(ctx, pid, nil, bouquetapi.ProjectFacetJob{Domains: job.Domains})
	if err != nil || *fj.JSON200.Status != bouquetapi.ProjectFacetJobStatusPENDING {
		t.Fatalf("create facet job: %v", err)
	}
	jid := fj.JSON200.Id.FacetJobId
	_, err = c.GetFacetJobResultsWithResponse(ctx, pid, jid, nil)
	if !errors.Is(err, bouquet.ErrComputingInProgress) {
		t.Errorf("results of a running facet job: %v", err)
	}
	if g, err := c.GetFacetJobWithResponse(ctx, pid, jid, nil); err != nil || *g.JSON200.Status != bouquetapi.ProjectFacetJobStatusDONE {
		t.Errorf("facet job: %v", err)
	}
	res, err := c.GetFacetJobResultsWithResponse(ctx, pid, jid, nil)
	if err != nil || len(*res.JSON200.Facets) != 1 {
		t.Fatalf("facet results: %v", err)
	}
	facetID := s((*res.JSON200.Facets)[0].Id)
	one, err := c.GetFacetJobFacetWithResponse(ctx, pid, jid, facetID, &bouquetapi.GetFacetJobFacetParams{Filter: ptr("-1"), MaxResults: ptr(int32(3))})
	if err != nil || len(*one.JSON200.Items) != 3 || !*one.JSON200.HasMore {
		t.Errorf("facet: %v", err)
	}
	if l, err := c.ListFacetJobsWithResponse(ctx, pid); err != nil || len(*l.JSON200) != 1 {
		t.Errorf("list facet jobs: %v", err)
	}
	if _, err := c.SetFacetJobAccessWithResponse(ctx, pid, jid, []bouquetapi.AccessRight{}); err != nil {
		t.Error(err)
	}
	if r, err := c.GetFacetJobAccessWithResponse(ctx, pid, jid); err != nil || len(*r.JSON200) != 0 {
		t.Errorf("facet job access: %v", err)
	}
	if _, err := c.DeleteFacetJobWithResponse(ctx, pid, jid); err != nil {
		t.Error(err)
	}
	if _, err := c.GetFacetJobWithResponse(ctx, pid, jid, nil); !errors.Is(err, bouquet.ErrNotFound) {
		t.Errorf("deleted facet job: %v", err)
	}
}

func TestAnalyticsAPI(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := newClient(t, f)
	ctx := context.Background()
	pid, did, _ := project(t, c)
	pref, dref := "@'"+pid+"'", "@'"+pid+"'.@'"+did+"'"

	nav, err := c.ListAnalyticsWithResponse(ctx, nil)
	if err != nil || lenOf(nav.JSON200.Result) != 1 || s((*nav.JSON200.Result)[0].Id) != pref {
		t.Fatalf("navigation: %v", err)
	}
	nav, err = c.ListAnalyticsWithResponse(ctx, &bouquetapi.ListAnalyticsParams{Parent: &pref})
	if err != nil || lenOf(nav.JSON200.Result) != 1 || s((*nav.JSON200.Result)[0].Id) != dref {
		t.Errorf("navigation under the project: %v", err)
	}
	item, err := c.GetAnalyticsItemWithResponse(ctx, dref)
	if err != nil || s(item.JSON200.Type) != "DOMAIN" || s(item.JSON200.Name) != "Orders" {
		t.Errorf("item: %v", err)
	}
	if _, err := c.GetAnalyticsItemWithResponse(ctx, "@'nope'"); !errors.Is(err, bouquet.ErrNotFound) {
		t.Errorf("unknown reference: %v", err)
	}
	q, err := c.RunAnalyticsQueryWithResponse(ctx, dref, &bouquetapi.RunAnalyticsQueryParams{GroupBy: &[]string{"'country'"}, Metrics: &[]string{"'revenue'"}, Limit: ptr(int64(10))})
	if err != nil || q.JSON200.Result == nil || len((*q.JSON200.Result)["rows"].([]any)) != 25 {
		t.Errorf("GET query: %v", err)
	}
	pq, err := c.QueryAnalyticsWithResponse(ctx, dref, nil, bouquetapi.AnalyticsQuery{GroupBy: &[]string{"'country'"}, Metrics: &[]string{"count()"}})
	if err != nil || s(pq.JSON200.Query.BBID) != dref {
		t.Errorf("POST query: %v", err)
	}
	view, err := c.GetAnalyticsViewWithResponse(ctx, dref, &bouquetapi.GetAnalyticsViewParams{X: ptr("'country'"), Y: ptr("'revenue'")})
	if err != nil || view.JSON200.Schema == nil {
		t.Errorf("view: %v", err)
	}
	scope, err := c.GetAnalyticsScopeWithResponse(ctx, dref, &bouquetapi.GetAnalyticsScopeParams{Value: ptr("rev")})
	if err != nil || lenOf(scope.JSON200.Suggestions) != 1 {
		t.Errorf("scope: %v", err)
	}
	dims, _ := c.ListDimensionsWithResponse(ctx, pid, did)
	facet, err := c.GetAnalyticsFacetWithResponse(ctx, dref, (*dims.JSON200)[0].Id.DimensionId, &bouquetapi.GetAnalyticsFacetParams{MaxResults: ptr(int32(5))})
	if err != nil || lenOf(facet.JSON200.Items) != 5 {
		t.Errorf("facet: %v", err)
	}
	exp, err := c.ExportAnalyticsWithResponse(ctx, dref, "sales.csv", &bouquetapi.ExportAnalyticsParams{GroupBy: &[]string{"'country'"}, Metrics: &[]string{"'revenue'"}})
	if err != nil || !strings.HasPrefix(string(exp.Body), "'country','revenue'\n'country'-00,1\n") {
		t.Errorf("export: %q %v", exp.Body, err)
	}
}
