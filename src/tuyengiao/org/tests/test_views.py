"""Pages of the organisation, through the shared view test cases, plus the tree and unit pages."""
import datetime as dt

import pytest

from tuyengiao.core.testing.view_mixins import ViewTestCases
from tuyengiao.org.models import Cluster, Department, Person, Position, Term, Unit


class TestPersonViews(ViewTestCases):
    url_ns = "org:person"

    def make_object(self, cast):
        return Person.objects.create(full_name="Ngô Thị Thử", home_unit=cast.a)

    def list_text(self, obj):
        return "Ngô Thị Thử"

    def add_data(self, cast):
        return {"full_name": "Bùi Văn Mới", "gender": "m", "birth_year": "1985", "home_unit": cast.a.pk}

    def edit_data(self, cast, obj):
        return {"full_name": "Ngô Thị Thử", "gender": "f", "birth_year": "1990", "home_unit": cast.a.pk}


class TestClusterViews(ViewTestCases):
    url_ns = "org:cluster"
    in_scope = "admin"  # clusters are organised by the commission for the whole province

    def make_object(self, cast):
        c = Cluster.objects.create(year=2026, name="Cụm thi đua số 1", organiser=cast.a, head=cast.a1)
        c.members.set([cast.a1])
        return c

    def list_text(self, obj):
        return "Cụm thi đua số 1"

    def add_data(self, cast):
        return {"year": 2026, "kind": "cluster", "name": "Cụm số 2", "organiser": cast.province.pk,
                "members": [cast.a.pk, cast.b.pk], "head": cast.a.pk, "deputy": cast.b.pk}

    def edit_data(self, cast, obj):
        return {"year": 2026, "kind": "block", "name": "Cụm thi đua số 1", "organiser": cast.a.pk,
                "members": [cast.a1.pk], "head": cast.a1.pk}

    def test_list_out_of_scope_hides_object(self, client_for, cast):
        obj = self.make_object(cast)
        resp = client_for("officer_b").get("/org/clusters/")
        assert "Cụm thi đua số 1" not in resp.content.decode()
        assert obj.pk

    def test_detail_out_of_scope_is_404(self, client_for, cast):
        obj = self.make_object(cast)
        assert client_for("officer_b").get(obj.get_absolute_url()).status_code == 404

    def test_edit_out_of_scope_is_404(self, client_for, cast):
        obj = self.make_object(cast)
        resp = client_for("officer_b").post(f"/org/clusters/{obj.pk}/edit/", self.edit_data(cast, obj))
        assert resp.status_code == 404

    def test_head_must_be_member(self, client_for, cast):
        data = self.add_data(cast)
        data["members"] = [cast.b.pk]
        resp = client_for("admin").post("/org/clusters/add/", data)
        assert resp.status_code == 200
        assert not Cluster.objects.filter(name="Cụm số 2").exists()


class TestTermViews(ViewTestCases):
    url_ns = "org:term"

    def make_object(self, cast):
        return Term.objects.create(unit=cast.a, name="Khóa I, nhiệm kỳ 2025–2030", valid_from=dt.date(2025, 8, 1))

    def list_text(self, obj):
        return obj.name

    def add_data(self, cast):
        return {"unit": cast.a.pk, "name": "Khóa II", "number": 2, "valid_from": "01/08/2030"}

    def edit_data(self, cast, obj):
        return {"unit": cast.a.pk, "name": "Khóa I (2025–2030)", "number": 1, "valid_from": "01/08/2025"}

    def test_overlapping_term_rejected_at_field(self, client_for, cast):
        self.make_object(cast)
        resp = client_for("officer_a").post("/org/terms/add/", {"unit": cast.a.pk, "name": "X", "valid_from": "01/01/2026"})
        assert resp.status_code == 200
        assert resp.context["form"].errors["valid_from"]


class TestDepartmentViews(ViewTestCases):
    url_ns = "org:department"

    def make_object(self, cast):
        return Department.objects.create(unit=cast.a, code="VP", name="Văn phòng", valid_from=dt.date(2025, 7, 1))

    def add_data(self, cast):
        return {"unit": cast.a.pk, "code": "TT", "name": "Phòng Tuyên truyền", "valid_from": "01/07/2025"}

    def edit_data(self, cast, obj):
        return {"unit": cast.a.pk, "code": "VP", "name": "Văn phòng Đảng ủy", "valid_from": "01/07/2025"}


@pytest.mark.django_db
class TestUnitPages:
    def test_tree_shows_only_own_subtree(self, client_for, cast):
        body = client_for("officer_a").get("/org/units/").content.decode()
        assert "Đảng ủy xã An Bình" in body
        assert "Bến Thủy" not in body and "Tỉnh ủy Mẫu" not in body

    def test_admin_tree_root_and_expand(self, client_for, cast):
        c = client_for("admin")
        body = c.get("/org/units/").content.decode()
        assert "Tỉnh ủy Mẫu" in body
        frag = c.get(f"/org/units/?parent={cast.province.pk}", HTTP_HX_REQUEST="true").content.decode()
        assert "Đảng ủy xã An Bình" in frag and "Đảng ủy phường Bến Thủy" in frag and "<html" not in frag

    def test_children_listed_in_vietnamese_order(self, client_for, cast):
        frag = client_for("admin").get(f"/org/units/?parent={cast.province.pk}", HTTP_HX_REQUEST="true").content.decode()
        names = ["Ban Tuyên giáo và Dân vận Tỉnh ủy", "Đảng ủy phường Bến Thủy", "Đảng ủy xã An Bình"]
        positions = [frag.index(n) for n in names]
        assert positions == sorted(positions)

    def test_search_is_diacritics_insensitive(self, client_for, cast):
        body = client_for("admin").get("/org/units/?q=dang+uy+xa+an").content.decode()
        assert "Đảng ủy xã An Bình" in body and "Bến Thủy" not in body

    def test_search_respects_scope(self, client_for, cast):
        body = client_for("officer_b").get("/org/units/?q=an+binh").content.decode()
        assert "Đảng ủy xã An Bình" not in body

    def test_parent_out_of_scope_is_404(self, client_for, cast):
        assert client_for("officer_b").get(f"/org/units/?parent={cast.a.pk}").status_code == 404

    def test_unit_page(self, client_for, cast):
        Person.objects.create(full_name="Lý Thị Cán", home_unit=cast.a)
        p = Person.objects.get(full_name="Lý Thị Cán")
        Position.objects.create(person=p, unit=cast.a, title="Bí thư Đảng ủy", valid_from=dt.date(2025, 7, 1))
        resp = client_for("officer_a").get(f"/org/units/{cast.a.pk}/")
        body = resp.content.decode()
        assert resp.status_code == 200
        assert "Chi bộ thôn Đông" in body and "Lý Thị Cán" in body and "Bí thư Đảng ủy" in body
        assert client_for("officer_b").get(f"/org/units/{cast.a.pk}/").status_code == 404
        assert client_for("clerk_a1").get(f"/org/units/{cast.a.pk}/").status_code == 404

    def test_create_sub_unit(self, client_for, cast):
        resp = client_for("admin").post("/org/units/add/", {
            "parent": cast.a.pk, "type": cast.a1.type_id, "code": "A2", "name": "Chi bộ thôn Tây",
            "valid_from": "01/01/2026"})
        assert resp.status_code == 302
        u = Unit.objects.get(code="A2")
        assert u.path.startswith(cast.a.path) and u.depth == cast.a.depth + 1

    def test_create_rejects_start_before_parent(self, client_for, cast):
        resp = client_for("admin").post("/org/units/add/", {
            "parent": cast.a.pk, "type": cast.a1.type_id, "code": "A3", "name": "Chi bộ cũ", "valid_from": "01/01/2020"})
        assert resp.status_code == 200
        assert "is-invalid" in resp.content.decode() or resp.context["form"].errors
        assert not Unit.objects.filter(code="A3").exists()

    def test_specialist_cannot_create_units(self, client_for, cast):
        resp = client_for("officer_a").post("/org/units/add/", {
            "parent": cast.a.pk, "type": cast.a1.type_id, "code": "A4", "name": "X", "valid_from": "01/01/2026"})
        assert resp.status_code == 404
        assert not Unit.objects.filter(code="A4").exists()

    def test_rename_keeps_unit_and_dates_names(self, client_for, cast):
        resp = client_for("admin").post(f"/org/units/{cast.commission.pk}/rename/", {
            "valid_from": "01/01/2026", "name": "Ban Tuyên giáo và Dân vận Thành ủy", "code": "BTGDV",
            "issuer_abbr": "BTGDVTU"})
        assert resp.status_code == 302, resp.context["form"].errors
        names = list(cast.commission.names.order_by("valid_from"))
        assert len(names) == 2 and names[0].valid_to == dt.date(2025, 12, 31)
        assert cast.commission.name_on(dt.date(2025, 12, 1)).name == "Ban Tuyên giáo và Dân vận Tỉnh ủy"
        assert cast.commission.name_on(dt.date(2026, 2, 1)).name == "Ban Tuyên giáo và Dân vận Thành ủy"

    def test_abolish_requires_subunits_closed(self, client_for, cast):
        c = client_for("admin")
        resp = c.post(f"/org/units/{cast.a.pk}/abolish/", {"on": "01/01/2026"})
        assert resp.status_code == 200 and "Chi bộ thôn Đông" in resp.content.decode()
        cast.a.refresh_from_db()
        assert cast.a.valid_to is None
        resp = c.post(f"/org/units/{cast.a.pk}/abolish/", {"on": "01/01/2026", "close_subunits": "on"})
        assert resp.status_code == 302
        cast.a.refresh_from_db()
        cast.a1.refresh_from_db()
        assert cast.a.valid_to == dt.date(2025, 12, 31) == cast.a1.valid_to
