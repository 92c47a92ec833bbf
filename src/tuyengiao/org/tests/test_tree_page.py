"""The tree page: its rows (written by org_tree's {% tree_rows %}), its queries, and the per-process
cache of the unit types and the sample-data flag (core.stamps), which must follow every change at once,
made in this process or in another one."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuyengiao.accounts.roles import Role
from tuyengiao.accounts.services import grant_create
from tuyengiao.org import services
from tuyengiao.org.models import Unit, UnitName, UnitType

START = dt.date(2025, 7, 1)


def _child(parent, code, name, valid_to=None, type=None):
    u = Unit.objects.create(parent=parent, type=type or parent.type, code=code, name=name, valid_from=START,
                            valid_to=valid_to)
    UnitName.objects.create(unit=u, code=code, name=name, valid_from=START, valid_to=valid_to)
    return u


@pytest.mark.django_db
class TestRows:
    def test_toggle_count_leaf_and_links(self, client_for, cast):
        frag = client_for("admin").get(f"/org/units/?parent={cast.province.pk}", HTTP_HX_REQUEST="true").content.decode()
        a = cast.a.pk
        # A has one sub-unit: a toggle that loads it into its own list, and the count
        assert (f'<button class="btn btn-sm btn-link p-0 tree-toggle" type="button" aria-label="Hiện đơn vị trực thuộc" '
                f'hx-get="/org/units/?parent={a}" hx-target="#children-{a}" hx-swap="innerHTML" '
                f'aria-controls="children-{a}">') in frag
        assert '<span class="badge rounded-pill text-bg-light">1</span>' in frag
        assert f'<ul class="list-unstyled" role="group" id="children-{a}"></ul>' in frag
        assert f'<a href="/org/units/{a}/">Đảng ủy xã An Bình</a>' in frag
        assert '<span class="small text-muted">Đảng ủy xã, phường, đặc khu</span>' in frag
        assert 'class="tree-item tree-depth-1" aria-expanded="false"' in frag
        # B has none: a leaf, no toggle for it
        assert f'<a href="/org/units/{cast.b.pk}/">' in frag and f'aria-controls="children-{cast.b.pk}"' not in frag
        assert '<span class="tree-leaf" aria-hidden="true">·</span>' in frag

    def test_names_are_escaped(self, client_for, cast):
        _child(cast.a, "X", 'Chi bộ "Mới" <b>A&B</b>')
        frag = client_for("admin").get(f"/org/units/?parent={cast.a.pk}", HTTP_HX_REQUEST="true").content.decode()
        assert "Chi bộ &quot;Mới&quot; &lt;b&gt;A&amp;B&lt;/b&gt;" in frag and "<b>A" not in frag

    def test_ended_units_and_the_date_carried_by_expand_links(self, client_for, cast):
        _child(cast.a, "OLD", "Chi bộ thôn Cũ", valid_to=dt.date(2025, 12, 31))
        c = client_for("admin")
        assert "Chi bộ thôn Cũ" not in c.get(f"/org/units/?parent={cast.a.pk}").content.decode()
        frag = c.get(f"/org/units/?parent={cast.a.pk}&closed=1", HTTP_HX_REQUEST="true").content.decode()
        assert '<span class="badge text-bg-secondary">đã kết thúc 31/12/2025</span>' in frag
        frag = c.get(f"/org/units/?parent={cast.province.pk}&on=01/08/2025&closed=1",
                     HTTP_HX_REQUEST="true").content.decode()
        assert f'hx-get="/org/units/?parent={cast.a.pk}&amp;on=01/08/2025&amp;closed=1"' in frag

    def test_single_root_opens_by_itself(self, client_for, cast):
        page = client_for("officer_a").get("/org/units/").content.decode()
        a = cast.a.pk
        assert f'id="children-{a}" hx-get="/org/units/?parent={a}" hx-trigger="load"></ul>' in page

    def test_parent_that_is_not_an_id_is_404(self, client_for, cast):
        assert client_for("admin").get("/org/units/?parent=abc").status_code == 404

    def test_empty_level(self, client_for, cast):
        frag = client_for("admin").get(f"/org/units/?parent={cast.b.pk}", HTTP_HX_REQUEST="true").content.decode()
        assert '<li class="text-muted">Chưa có đơn vị nào.</li>' in frag

    def test_unit_type_filter_lists_every_type(self, client_for, cast):
        page = client_for("admin").get(f"/org/units/?type={cast.a.type_id}").content.decode()
        assert f'<option value="{cast.a.type_id}" selected>Đảng ủy xã, phường, đặc khu</option>' in page
        assert f'<option value="{cast.a1.type_id}">Chi bộ</option>' in page


@pytest.mark.django_db
class TestDateFilter:
    INVALID = 'Nhập ngày hợp lệ dạng dd/mm/yyyy.'

    def test_a_date_that_does_not_exist_is_said_so_at_the_field(self, client_for, cast):
        _child(cast.province, "OLD", "Đảng ủy xã Cũ", valid_to=dt.date(2025, 2, 27))
        page = client_for("admin").get("/org/units/?on=31/02/2025").content.decode()
        assert ('<input class="form-control is-invalid" type="text" id="id_on" name="on" value="31/02/2025" '
                'placeholder="dd/mm/yyyy" inputmode="numeric" aria-invalid="true" aria-describedby="id_on-errors"') in page
        assert f'<div class="invalid-feedback d-block" id="id_on-errors">{self.INVALID}</div>' in page
        assert "Ngày đã nhập chưa được áp dụng." in page
        assert "hx-swap-oob" not in page

    def test_the_tree_does_not_pretend_to_be_filtered(self, client_for, cast):
        c = client_for("admin")
        frag = c.get(f"/org/units/?parent={cast.province.pk}&on=31/02/2025", HTTP_HX_REQUEST="true").content.decode()
        assert f'hx-get="/org/units/?parent={cast.a.pk}"' in frag  # the expand links do not carry the bad date
        assert "31/02/2025" not in frag

    def test_the_htmx_answer_updates_the_field_too(self, client_for, cast):
        """The filter form is outside the swapped results: the field comes along out of band."""
        frag = client_for("admin").get("/org/units/?on=31/02/2025", HTTP_HX_REQUEST="true").content.decode()
        assert '<div class="col-6 col-md-2" id="on-field" hx-swap-oob="true">' in frag
        assert self.INVALID in frag and 'role="tree"' in frag
        frag = client_for("admin").get("/org/units/?on=01/08/2025", HTTP_HX_REQUEST="true").content.decode()
        assert 'id="on-field" hx-swap-oob="true"' in frag and self.INVALID not in frag
        assert "is-invalid" not in frag

    def test_a_valid_date_filters_without_message(self, client_for, cast):
        _child(cast.province, "OLD", "Đảng ủy xã Cũ", valid_to=dt.date(2025, 12, 31))
        c = client_for("admin")
        frag = c.get(f"/org/units/?parent={cast.province.pk}&on=01/08/2025", HTTP_HX_REQUEST="true").content.decode()
        assert "Đảng ủy xã Cũ" in frag
        frag = c.get(f"/org/units/?parent={cast.province.pk}&on=01/01/2026", HTTP_HX_REQUEST="true").content.decode()
        assert "Đảng ủy xã Cũ" not in frag
        page = c.get("/org/units/?on=01/08/2025").content.decode()
        assert self.INVALID not in page and 'aria-invalid' not in page.split('id="id_on"')[1].split(">")[0]


# --- the per-process cache: committed data, as in production (no test transaction around requests) ---

def _tables(ctx) -> list[str]:
    return [q["sql"].split(" FROM ", 1)[1].split()[0].strip('"') for q in ctx.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_page_queries(client_for, cast):
    c = client_for("admin")
    url = f"/org/units/?parent={cast.province.pk}"
    c.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    # session, user, the user's grants (shared by the scoping and the menu), the parent, the level, the
    # bell's count; the unit types and the sample-data flag come from the process's cache.
    assert _tables(ctx) == ["django_session", "accounts_user", "accounts_grant", "org_unit", "org_unit",
                            "accounts_notification"]


@pytest.mark.django_db(transaction=True)
def test_new_unit_type_shows_on_the_next_request(client_for, cast):
    c = client_for("admin")
    assert "Khu dân cư" not in c.get("/org/units/").content.decode()
    t = UnitType.objects.create(code="khu-dan-cu", name="Khu dân cư")  # as the admin site or the API save it
    assert f'<option value="{t.pk}">Khu dân cư</option>' in c.get("/org/units/").content.decode()
    t.name = "Khu dân cư (tổ dân phố)"
    t.save()
    _child(cast.a, "KDC", "Khu dân cư số 1", type=t)
    frag = c.get(f"/org/units/?parent={cast.a.pk}", HTTP_HX_REQUEST="true").content.decode()
    assert '<span class="small text-muted">Khu dân cư (tổ dân phố)</span>' in frag


@pytest.mark.django_db(transaction=True)
def test_unit_type_written_without_signals_is_read_again(client_for, cast):
    c = client_for("admin")
    c.get("/org/units/")
    t = UnitType.objects.bulk_create([UnitType(code="thon", name="Thôn")])[0]  # no post_save: no stamp change
    _child(cast.a, "T1", "Thôn Một", type=t)
    frag = c.get(f"/org/units/?parent={cast.a.pk}", HTTP_HX_REQUEST="true").content.decode()
    assert '<span class="small text-muted">Thôn</span>' in frag
    assert ">Thôn</option>" in c.get("/org/units/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_sample_data_banner_follows_the_data(client_for, cast):
    c = client_for("admin")
    assert "sample-banner" not in c.get("/org/units/").content.decode()
    services.unit_create(data=services.NewUnit(parent=cast.a, type=cast.a1.type, code="MAU", name="Chi bộ mẫu"),
                         valid_from=START, by=cast.admin, is_sample=True)
    assert 'class="sample-banner' in c.get("/org/units/").content.decode()
    # clearing the sample data
    UnitName.objects.filter(unit__is_sample=True).delete()
    Unit.objects.filter(is_sample=True).delete()
    assert "sample-banner" not in c.get("/org/units/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_new_grant_counts_on_the_next_request(client_for, cast):
    c = client_for("officer_b")
    assert c.get(f"/org/units/?parent={cast.a.pk}").status_code == 404
    assert 'data-nav="users"' not in c.get("/").content.decode()
    grant_create(user=cast.officer_b, unit=cast.a, role=Role.SPECIALIST, by=cast.admin, valid_from=START)
    assert c.get(f"/org/units/?parent={cast.a.pk}").status_code == 200
    grant_create(user=cast.officer_b, unit=cast.province, role=Role.ADMIN, by=cast.admin, valid_from=START)
    assert 'data-nav="users"' in c.get("/").content.decode()


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_change_made_by_another_process_shows_on_the_next_request(client_for, cast):
    """A management command or the task worker writes; the web process must not keep its cached copy."""
    c = client_for("admin")
    assert "Tổ dân phố" not in c.get("/org/units/").content.decode()
    code = ("import django; django.setup(); from tuyengiao.org.models import UnitType; "
            "UnitType.objects.create(code='to-dan-pho', name='Tổ dân phố')")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tuyengiao.settings.test", "DATABASE_URL": _database_url(),
           "TUYENGIAO_VAR": str(settings.VAR_DIR)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert ">Tổ dân phố</option>" in c.get("/org/units/").content.decode()
