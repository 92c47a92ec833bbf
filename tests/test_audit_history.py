"""Every write is audited with before/after values; an object's history page shows them to those
allowed to see the object, and answers 404 to everybody else."""
import re

import pytest

from tuyengiao.core.audit import hidden_fields, record
from tuyengiao.core.models import AuditEntry
from tuyengiao.core.testing.personas import START
from tuyengiao.org.models import Person


@pytest.mark.django_db
def test_edit_is_audited_and_shown_in_history(client_for, cast):
    c = client_for("officer_a")
    c.post("/org/people/add/", {"full_name": "Trịnh Văn Sử", "home_unit": cast.a.pk, "birth_year": "1980"})
    p = Person.objects.get(full_name="Trịnh Văn Sử")
    c.post(f"/org/people/{p.pk}/edit/", {"full_name": "Trịnh Văn Sử", "home_unit": cast.a.pk, "birth_year": "1981"})
    entries = list(AuditEntry.objects.filter(object_id=str(p.pk)).order_by("at", "id"))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].actor == cast.officer_a
    assert entries[1].before["birth_year"] == 1980 and entries[1].after["birth_year"] == 1981
    assert entries[1].unit_path == cast.a.path
    body = c.get(f"/history/org/person/{p.pk}/").content.decode()
    assert "1980" in body and "1981" in body and "Lê Thị An" in body


@pytest.mark.django_db
def test_history_out_of_scope_is_404(client_for, cast):
    p = Person.objects.create(full_name="Người Xã A", home_unit=cast.a)
    assert client_for("officer_b").get(f"/history/org/person/{p.pk}/").status_code == 404
    assert client_for("nobody").get(f"/history/org/person/{p.pk}/").status_code == 404
    assert client_for("officer_a").get(f"/history/org/person/{p.pk}/").status_code == 200
    assert client_for("officer_a").get("/history/org/nosuchmodel/1/").status_code == 404


@pytest.mark.django_db
def test_failed_write_leaves_no_audit_and_no_row(client_for, cast):
    before = AuditEntry.objects.count()
    resp = client_for("officer_a").post("/org/people/add/", {"full_name": "", "home_unit": cast.a.pk})
    assert resp.status_code == 200
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_history_shows_what_people_edit_by_its_label_not_internal_fields(client_for, cast):
    """A unit's tree path and depth, its sort and search keys, the sample flag and the id are kept in
    the audit but not listed; the fields people fill in are, by their Vietnamese label and value."""
    from tuyengiao.org import services as org_services

    unit = org_services.unit_create(
        data=org_services.NewUnit(parent=cast.a, type=cast.a1.type, code="A2", name="Chi bộ thôn Tây"),
        valid_from=START, by=cast.admin)
    after = AuditEntry.objects.get(object_id=str(unit.pk), action="create").after
    assert after["path"] == unit.path and after["depth"] == 2  # still recorded
    body = client_for("officer_a").get(f"/history/org/unit/{unit.pk}/").content.decode()
    changes = body[body.index('class="list-unstyled mb-0 changes"'):body.index("</ul>", body.index("changes"))]
    labels = re.findall(r'<span class="change-field">([^<]*)</span>', changes)
    assert labels == ["Hiệu lực từ", "Đơn vị cấp trên", "Loại đơn vị", "Mã", "Tên"]
    assert unit.path not in body and "Cấp trong cây" not in body
    assert "Đảng ủy xã An Bình" in changes and "01/07/2025" in changes and "Chi bộ" in changes


@pytest.mark.django_db
def test_history_hidden_fields_rule():
    from tuyengiao.org.models import Unit

    hidden = hidden_fields(Unit)
    assert {"id", "path", "depth", "sort_key", "search", "is_sample"} <= hidden
    assert not {"name", "code", "parent", "parent_id", "type", "valid_from", "valid_to"} & hidden


@pytest.mark.django_db
def test_history_writes_decimals_the_vietnamese_way(client_for, cast):
    from tuyengiao.reporting import services as reporting_services
    from tuyengiao.reporting.models import ReportValue
    from tuyengiao.reporting.tests.factories import make_regime, period

    report = reporting_services.report_get_or_create_draft(regime=make_regime(cast), period=period("2026-H2"),
                                                           unit=cast.a, by=cast.officer_a)
    c = client_for("officer_a")
    c.post(report.get_absolute_url(), {"revision": report.revision, "v-PCT_ATTEND": "97,5"})
    rv = ReportValue.objects.get(report=report, code="PCT_ATTEND")
    record(actor=cast.officer_a, action="update", obj=rv, before={"value_number": "1234.5000"},
           after={"value_number": "97.5000"})
    body = c.get(f"/history/reporting/reportvalue/{rv.pk}/").content.decode()
    changes = body[body.index('class="list-unstyled mb-0 changes"'):]
    assert re.search(r'change-before">1\.234,5</span>.*change-after">97,5</span>', changes, re.S)


def test_detail_pages_list_recent_changes_by_the_same_rule(client_for, cast):
    from tuyengiao.core.services import object_create
    from tuyengiao.org.models import Person

    person = object_create(model=Person, data={"full_name": "Lê Văn Tám", "home_unit": cast.a, "birth_year": 1980},
                           by=cast.admin)
    after = AuditEntry.objects.get(object_id=str(person.pk), action="create").after
    assert "id" in after and after["is_sample"] is False  # still recorded
    detail = client_for("officer_a").get(f"/org/people/{person.pk}/").content.decode()
    recent = detail[detail.index('id="history-heading"'):]
    labels = re.findall(r'<span class="change-field">([^<]*)</span>', recent)
    assert labels == ["Họ và tên", "Năm sinh", "Đơn vị"]
    assert "dữ liệu mẫu" not in recent.lower() and "ID" not in labels
