"""The setup pages as the commission's specialist uses them: regimes, per-period deadlines, form versions
(sections, indicators, rules), publish and clone; scope for the other personas; constant queries."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tuyengiao.accounts.models import Grant, User
from tuyengiao.accounts.roles import Role
from tuyengiao.core.models import AuditEntry
from tuyengiao.core.testing.personas import PASSWORD, START
from tuyengiao.reporting import selectors, services
from tuyengiao.reporting.models import FormVersion, Indicator, Regime, Section, ValidationRule

from .factories import make_regime, period

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def specialist(cast):
    """A specialist of the commission (the receiving unit of the regimes below)."""
    user = User.objects.create_user(username="chuyenvien", password=PASSWORD, full_name="Ngô Thị Chuyên",
                                    home_unit=cast.commission)
    Grant.objects.create(user=user, unit=cast.commission, role=Role.SPECIALIST, valid_from=START)
    return user


@pytest.fixture
def sc(specialist):
    c = Client()
    c.force_login(specialist)
    return c


def _regime(cast, code="monthly-test", frequency="six_monthly") -> Regime:
    return services.regime_create(
        data={"code": code, "name": "Báo cáo thử", "frequency": frequency, "receiving_unit": cast.commission,
              "deadline_days": 5},
        by=None, unit_types=[cast.a.type])


def _draft(cast) -> FormVersion:
    return services.form_version_create(regime=_regime(cast), by=None)


def _post_section(c, form, code, title, order, narrative=False):
    data = {"kind": "section", "new-section-code": code, "new-section-title": title, "new-section-order": order}
    if narrative:
        data["new-section-is_narrative"] = "on"
    return c.post(reverse("reporting:form_editor", args=[form.pk]), data)


def _post_indicator(c, form, section, code, name, **extra):
    p = f"ind{section.pk}"
    data = {"kind": "indicator", "add_to_section": section.pk, f"{p}-section": section.pk, f"{p}-code": code,
            f"{p}-name": name, f"{p}-type": "integer", f"{p}-aggregation": "sum", f"{p}-order": 1}
    data.update({f"{p}-{k}": v for k, v in extra.items()})
    return c.post(reverse("reporting:form_editor", args=[form.pk]), data)


def _post_rule(c, form, expression, message="Số tham gia không lớn hơn tổng số.", severity="error"):
    return c.post(reverse("reporting:form_editor", args=[form.pk]), {
        "kind": "rule", "new-rule-expression": expression, "new-rule-message": message,
        "new-rule-severity": severity, "new-rule-order": 1})


def _field_errors(resp, form_key=None):
    ctx = resp.context
    if form_key == "rule":
        return ctx["add_forms"]["rule"].errors
    if form_key == "section":
        return ctx["add_forms"]["section"].errors
    return ctx["form"].errors


# --------------------------------------------------------------------------- personas and scope


def test_specialist_lists_the_regimes_of_the_commission(cast, sc):
    regime = make_regime(cast)
    resp = sc.get(reverse("reporting:setup"))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert regime.name in body and cast.commission.name in body
    row = resp.context["rows"][0]
    today = dt.date.today()
    expected = selectors.expected_units(regime, period(f"{today.year}-H{1 if today.month <= 6 else 2}")).count()
    assert row["expected"] == expected == 2  # the two commune-level committees A and B
    assert sc.get(regime.get_absolute_url()).status_code == 200
    assert sc.get(reverse("reporting:form_editor", args=[regime.current_form_id])).status_code == 200


def test_ward_officer_gets_404_on_the_commission_regime(cast, client_for):
    regime = make_regime(cast)
    c = client_for("officer_a")  # a specialist, but of ward/commune A
    resp = c.get(reverse("reporting:setup"))
    assert resp.status_code == 200 and regime.name not in resp.content.decode()
    for url in (regime.get_absolute_url(), reverse("reporting:regime_edit", args=[regime.pk]),
                reverse("reporting:form_editor", args=[regime.current_form_id]),
                reverse("reporting:form_publish", args=[regime.current_form_id])):
        assert c.get(url).status_code == 404, url
    assert c.post(reverse("reporting:form_clone", args=[regime.current_form_id])).status_code == 404
    assert c.post(reverse("reporting:regime_edit", args=[regime.pk]), {"name": "x"}).status_code == 404
    assert FormVersion.objects.filter(regime=regime).count() == 1


def test_reporter_cannot_set_up_reporting(cast, client_for, client):
    regime = make_regime(cast)
    c = client_for("clerk_a1")
    for url in (reverse("reporting:setup"), reverse("reporting:regime_add"),
                reverse("reporting:regime_edit", args=[regime.pk]),
                reverse("reporting:form_editor", args=[regime.current_form_id])):
        assert c.get(url).status_code == 404, url
    assert client.get(reverse("reporting:setup")).status_code == 302  # anonymous: to the login page


# --------------------------------------------------------------------------- regimes


def regime_post(cast, **over):
    data = {"name": "Báo cáo công tác dân vận", "code": "bc-dan-van", "frequency": "quarterly",
            "receiving_unit": cast.commission.pk, "selection": "types", "unit_types": [cast.a.type.pk],
            "deadline_days": "-3", "cutoff_days": "10", "is_active": "on"}
    data.update(over)
    return data


def test_specialist_creates_a_regime(cast, sc):
    resp = sc.get(reverse("reporting:regime_add"))
    assert resp.status_code == 200
    # The receiving-unit dropdown offers only the units where the user may add regimes.
    offered = [u.pk for u in resp.context["form"].fields["receiving_unit"].queryset]
    assert offered == [cast.commission.pk]
    assert "-3 =" in resp.content.decode()  # the deadline's help text explains negative numbers

    resp = sc.post(reverse("reporting:regime_add"), regime_post(cast))
    assert resp.status_code == 302
    regime = Regime.objects.get(code="bc-dan-van")
    assert resp["Location"] == reverse("reporting:regime_detail", args=[regime.pk])
    assert regime.deadline_days == -3 and regime.cutoff_days == 10 and regime.frequency == "quarterly"
    assert list(regime.unit_types.all()) == [cast.a.type]
    assert AuditEntry.objects.filter(object_id=str(regime.pk), action="create").exists()
    detail = sc.get(resp["Location"])
    assert detail.status_code == 200 and cast.a.name in detail.content.decode()  # the expected units


def test_regime_out_of_scope_receiving_unit_and_missing_units_refused(cast, sc):
    resp = sc.post(reverse("reporting:regime_add"), regime_post(cast, receiving_unit=cast.b.pk))
    assert resp.status_code == 200 and "receiving_unit" in resp.context["form"].errors
    resp = sc.post(reverse("reporting:regime_add"), regime_post(cast, unit_types=[]))
    assert "unit_types" in resp.context["form"].errors
    resp = sc.post(reverse("reporting:regime_add"), regime_post(cast, selection="cluster"))
    assert "cluster" in resp.context["form"].errors
    make_regime(cast, code="bc-dan-van")
    resp = sc.post(reverse("reporting:regime_add"), regime_post(cast))  # the code is taken: the service says so
    assert resp.status_code == 200 and "code" in resp.context["form"].errors
    assert resp.context["preview"]["count"] == 2  # the page still previews the units of what was typed
    assert Regime.objects.count() == 1


def test_regime_edit_and_preview(cast, sc, client_for):
    regime = _regime(cast)
    resp = sc.get(reverse("reporting:regime_edit", args=[regime.pk]))
    assert resp.status_code == 200 and resp.context["preview"]["count"] == 2
    # The htmx preview answers for the unsaved form (here by a leader over the whole province).
    leader = client_for("leader")
    url = reverse("reporting:regime_edit", args=[regime.pk])
    resp = leader.get(url, {"preview": "1", **regime_post(cast, selection="units", units=[cast.a1.pk])}, **HTMX)
    body = resp.content.decode()
    assert resp.status_code == 200 and "<html" not in body
    assert resp.context["preview"]["count"] == 1 and cast.a1.name in body and cast.b.name not in body
    resp = leader.get(url, {"preview": "1", **regime_post(cast)}, **HTMX)
    assert resp.context["preview"]["count"] == 2
    resp = sc.post(reverse("reporting:regime_edit", args=[regime.pk]),
                   regime_post(cast, code=regime.code, name="Báo cáo đã sửa", deadline_days="7"))
    assert resp.status_code == 302
    regime.refresh_from_db()
    assert regime.name == "Báo cáo đã sửa" and regime.deadline_days == 7
    entry = AuditEntry.objects.filter(object_id=str(regime.pk), action="update").first()
    assert entry is not None and entry.before != entry.after


def test_period_deadline_override_changes_the_effective_deadline(cast, sc):
    regime = _regime(cast)
    p = period("2026-H2")
    assert selectors.effective_deadline(regime, p) == dt.date(2027, 1, 5)
    url = regime.get_absolute_url()
    resp = sc.post(url, {"period_code": "2026-h2", "deadline": "20/12/2026", "note": "Trước hội nghị tổng kết"})
    assert resp.status_code == 302
    assert selectors.effective_deadline(regime, p) == dt.date(2026, 12, 20)
    page = sc.get(url).content.decode()
    assert "20/12/2026" in page and "Trước hội nghị tổng kết" in page
    # Editing: the form comes pre-filled, a new date replaces the old one.
    resp = sc.get(url, {"period": "2026-H2"})
    assert resp.context["deadline_form"].initial["deadline"] == dt.date(2026, 12, 20)
    sc.post(url, {"period_code": "2026-H2", "deadline": "22/12/2026", "note": ""})
    assert selectors.effective_deadline(regime, p) == dt.date(2026, 12, 22)
    assert regime.deadlines.count() == 1
    # A period of another kind, or a bad date, is refused at its field.
    resp = sc.post(url, {"period_code": "2026-Q3", "deadline": "20/12/2026"})
    assert resp.status_code == 200 and "period_code" in resp.context["deadline_form"].errors
    resp = sc.post(url, {"period_code": "2026-H1", "deadline": "2026-31-12"})
    assert "deadline" in resp.context["deadline_form"].errors
    assert regime.deadlines.count() == 1


# --------------------------------------------------------------------------- building a form


def test_build_a_form_publish_and_clone(cast, sc):
    regime = _regime(cast)
    resp = sc.post(reverse("reporting:form_version_add", args=[regime.pk]), {"note": "Bản đầu"})
    form = FormVersion.objects.get(regime=regime)
    assert resp["Location"] == reverse("reporting:form_editor", args=[form.pk])
    assert _post_section(sc, form, "NQ", "Học tập nghị quyết", 1).status_code == 302
    assert _post_section(sc, form, "KQ", "Kết quả đạt được", 2, narrative=True).status_code == 302
    nq = Section.objects.get(form=form, code="NQ")
    for code, name in [("PARTY_MEMBERS", "Số đảng viên"), ("NQ_MEMBERS_ATTENDED", "Số đảng viên tham gia"),
                       ("NQ_SESSIONS", "Số hội nghị")]:
        assert _post_indicator(sc, form, nq, code, name, unit_of_measure="người").status_code == 302
    members = Indicator.objects.get(form=form, code="PARTY_MEMBERS")
    resp = _post_indicator(sc, form, nq, "NQ_PCT", "Tỷ lệ tham gia", type="percent", aggregation="weighted_mean",
                           weight_indicator=members.pk, max_value="100", required="on")
    assert resp.status_code == 302
    resp = _post_rule(sc, form, "NQ_MEMBERS_ATTENDED <= PARTY_MEMBERS")
    assert resp.status_code == 302
    assert (form.sections.count(), form.indicators.count(), form.rules.count()) == (2, 4, 1)
    pct = Indicator.objects.get(form=form, code="NQ_PCT")
    assert pct.weight_indicator == members and pct.required and pct.max_value == 100

    page = sc.get(reverse("reporting:form_editor", args=[form.pk])).content.decode()
    for text in ("PARTY_MEMBERS", "NQ_PCT", "NQ_MEMBERS_ATTENDED &lt;= PARTY_MEMBERS", "Kết quả đạt được"):
        assert text in page

    # Publish: a confirmation page, then immutable and current.
    assert sc.get(reverse("reporting:form_publish", args=[form.pk])).status_code == 200
    resp = sc.post(reverse("reporting:form_publish", args=[form.pk]))
    assert resp.status_code == 302
    form.refresh_from_db()
    regime.refresh_from_db()
    assert form.is_published and regime.current_form == form
    page = sc.get(reverse("reporting:form_editor", args=[form.pk])).content.decode()
    assert 'data-testid="read-only"' in page and 'data-testid="add-rule"' not in page
    assert 'data-testid="clone"' in page

    # POST edits are refused and change nothing.
    resp = _post_indicator(sc, form, nq, "NEW_ONE", "Chỉ tiêu mới")
    assert resp.status_code == 200 and [m for m in resp.context["messages"] if m.level_tag == "error"]
    _post_rule(sc, form, "NQ_SESSIONS >= 0")
    resp = sc.post(reverse("reporting:form_item", args=[form.pk, "indicator", members.pk]),
                   {"section": nq.pk, "code": "PARTY_MEMBERS", "name": "Đổi tên", "type": "integer",
                    "aggregation": "sum", "order": 1})
    assert resp.status_code == 200 and resp.context["form"].non_field_errors()
    assert (form.indicators.count(), form.rules.count()) == (4, 1)
    assert Indicator.objects.get(pk=members.pk).name == "Số đảng viên"

    # Clone: a new draft v2 with the same content.
    resp = sc.post(reverse("reporting:form_clone", args=[form.pk]))
    v2 = FormVersion.objects.get(regime=regime, number=2)
    assert resp["Location"] == reverse("reporting:form_editor", args=[v2.pk])
    assert not v2.is_published
    same = lambda f: (sorted(f.sections.values_list("code", "title", "is_narrative")),  # noqa: E731
                      sorted(f.indicators.values_list("code", "name", "type", "aggregation", "required")),
                      sorted(f.rules.values_list("expression", "message", "severity")))
    assert same(v2) == same(form)
    assert v2.indicators.get(code="NQ_PCT").weight_indicator.form == v2
    regime.refresh_from_db()
    assert regime.current_form == form  # v1 stays current until v2 is published


def test_bad_rule_expression_is_shown_at_the_field_and_nothing_saved(cast, sc):
    form = _draft(cast)
    section = services.section_save(form=form, data={"code": "NQ", "title": "Nghị quyết", "order": 1}, by=None)
    services.indicator_save(form=form, data={"section": section, "code": "PARTY_MEMBERS", "name": "Số đảng viên"},
                            by=None)
    resp = _post_rule(sc, form, "NQ_MEMBERS_ATTENDED <= PARTY_MEMBERS")
    assert resp.status_code == 200
    errors = _field_errors(resp, "rule")["expression"]
    assert "NQ_MEMBERS_ATTENDED" in errors[0] and "Biểu mẫu này không có mã chỉ tiêu" in errors[0]
    body = resp.content.decode()
    assert "is-invalid" in body and "Biểu mẫu này không có mã chỉ tiêu: NQ_MEMBERS_ATTENDED" in body
    resp = _post_rule(sc, form, "__import__('os').system('ls')")
    assert "expression" in _field_errors(resp, "rule")
    resp = _post_rule(sc, form, "PARTY_MEMBERS <=")
    assert "expression" in _field_errors(resp, "rule")
    assert ValidationRule.objects.filter(form=form).count() == 0


def test_indicator_errors_at_the_field(cast, sc):
    form = _draft(cast)
    nq = services.section_save(form=form, data={"code": "NQ", "title": "Nghị quyết", "order": 1}, by=None)
    resp = _post_indicator(sc, form, nq, "nq sessions", "Số hội nghị")
    assert resp.status_code == 200
    add_form = next(s for s in resp.context["sections"] if s.pk == nq.pk).add_form
    assert "code" in add_form.errors
    resp = _post_indicator(sc, form, nq, "NQ_PCT", "Tỷ lệ", type="percent", aggregation="weighted_mean")
    add_form = next(s for s in resp.context["sections"] if s.pk == nq.pk).add_form
    assert "weight_indicator" in add_form.errors
    resp = _post_indicator(sc, form, nq, "LEVEL", "Mức độ", type="choice", aggregation="none")
    add_form = next(s for s in resp.context["sections"] if s.pk == nq.pk).add_form
    assert "choices" in add_form.errors
    resp = _post_indicator(sc, form, nq, "LEVEL", "Mức độ", type="choice", aggregation="none",
                           choices="Tốt\r\nKhá\r\n\r\nTrung bình\r\n")
    assert resp.status_code == 302
    assert Indicator.objects.get(form=form, code="LEVEL").choices == ["Tốt", "Khá", "Trung bình"]
    assert form.indicators.count() == 1


def test_inline_edit_with_htmx(cast, sc):
    form = _draft(cast)
    nq = services.section_save(form=form, data={"code": "NQ", "title": "Nghị quyết", "order": 1}, by=None)
    ind = services.indicator_save(form=form, data={"section": nq, "code": "NQ_SESSIONS", "name": "Số hội nghị",
                                                   "min_value": 0}, by=None)
    url = reverse("reporting:form_item", args=[form.pk, "indicator", ind.pk])
    resp = sc.get(url, **HTMX)
    body = resp.content.decode()
    assert resp.status_code == 200 and "<html" not in body and "<form" in body and 'value="NQ_SESSIONS"' in body
    data = {"section": nq.pk, "code": "NQ_SESSIONS", "name": "Số hội nghị quán triệt", "type": "integer",
            "aggregation": "sum", "order": 2, "min_value": "0", "max_value": "1.000"}
    resp = sc.post(url, data, **HTMX)
    body = resp.content.decode()
    assert resp.status_code == 200 and "<form" not in body and "Số hội nghị quán triệt" in body
    ind.refresh_from_db()
    assert ind.name == "Số hội nghị quán triệt" and ind.max_value == 1000
    resp = sc.post(url, {**data, "min_value": "5", "max_value": "1"}, **HTMX)
    assert resp.status_code == 200 and "<form" in resp.content.decode()
    assert "max_value" in resp.context["form"].errors
    # Without htmx: a plain page and a redirect back to the editor.
    assert "<html" in sc.get(url).content.decode()
    resp = sc.post(url, {**data, "name": "Số hội nghị (sửa)"})
    assert resp.status_code == 302 and resp["Location"].endswith(f"#indicator-{ind.pk}")
    # Rules too, and the parser's message at the field.
    rule = services.rule_save(form=form, data={"expression": "NQ_SESSIONS >= 0", "message": "Không âm"}, by=None)
    rurl = reverse("reporting:form_item", args=[form.pk, "rule", rule.pk])
    resp = sc.post(rurl, {"expression": "NQ_SESSIONS >= X", "message": "Không âm", "severity": "error",
                          "order": 1}, **HTMX)
    assert "expression" in resp.context["form"].errors
    rule.refresh_from_db()
    assert rule.expression == "NQ_SESSIONS >= 0"


def test_publish_refuses_an_empty_form(cast, sc):
    form = _draft(cast)
    resp = sc.post(reverse("reporting:form_publish", args=[form.pk]))
    assert resp.status_code == 200 and resp.context["errors"]
    form.refresh_from_db()
    assert not form.is_published


# --------------------------------------------------------------------------- queries


def _form_with(cast, n: int, code: str) -> FormVersion:
    regime = _regime(cast, code=code)
    form = services.form_version_create(regime=regime, by=None)
    sections = [Section.objects.create(form=form, code=f"S{i}", title=f"Phần {i}", order=i) for i in range(1, 6)]
    weight = Indicator.objects.create(form=form, section=sections[0], code="W", name="Trọng số", order=0)
    Indicator.objects.bulk_create([
        Indicator(form=form, section=sections[i % 5], code=f"IND_{i}", name=f"Chỉ tiêu {i}", order=i,
                  aggregation="weighted_mean" if i % 7 == 0 else "sum", weight_indicator=weight if i % 7 == 0 else None,
                  min_value=0, max_value=100)
        for i in range(1, n)])
    ValidationRule.objects.bulk_create([ValidationRule(form=form, expression=f"IND_{i} <= W", message="m", order=i)
                                        for i in range(1, 4)])
    return form


def test_editor_query_count_does_not_grow_with_indicators(cast, sc):
    small, large = _form_with(cast, 10, "small"), _form_with(cast, 150, "large")
    counts = []
    for form in (small, large):
        sc.get(reverse("reporting:form_editor", args=[form.pk]))  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            resp = sc.get(reverse("reporting:form_editor", args=[form.pk]))
        assert resp.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert resp.content.decode().count('data-code="IND_') == 149


def test_remove_rows_from_a_draft_only(cast, sc):
    form = _draft(cast)
    nq = services.section_save(form=form, data={"code": "NQ", "title": "Nghị quyết", "order": 1}, by=None)
    empty = services.section_save(form=form, data={"code": "X", "title": "Thừa", "order": 2}, by=None)
    members = services.indicator_save(form=form, data={"section": nq, "code": "MEMBERS", "name": "Đảng viên"},
                                      by=None)
    extra = services.indicator_save(form=form, data={"section": nq, "code": "EXTRA", "name": "Thừa"}, by=None)
    rule = services.rule_save(form=form, data={"expression": "MEMBERS >= 0", "message": "Không âm"}, by=None)

    def remove(kind, obj, **headers):
        return sc.post(reverse("reporting:form_item", args=[form.pk, kind, obj.pk]), {"action": "remove"}, **headers)

    # Refused while in use, with the reason.
    resp = remove("indicator", members, **HTMX)
    assert resp.status_code == 200 and "MEMBERS &gt;= 0" in resp.content.decode()
    resp = remove("section", nq)
    assert resp.status_code == 200 and resp.context["refused"]
    # Removed: an unused indicator (htmx: the row disappears), the rule, an empty section.
    resp = remove("indicator", extra, **HTMX)
    assert resp.status_code == 200 and resp.content == b""
    assert remove("rule", rule).status_code == 302
    assert remove("indicator", members).status_code == 302
    assert remove("section", empty).status_code == 302
    assert list(form.sections.values_list("code", flat=True)) == ["NQ"]
    assert not form.indicators.exists() and not form.rules.exists()
    entry = AuditEntry.objects.filter(object_id=str(form.pk), action="update").order_by("-pk").first()
    assert entry is not None and "section" in entry.before
    # A published version keeps everything.
    regime = make_regime(cast, code="published")
    published = regime.current_form
    ind = published.indicators.get(code="NOTE")
    resp = sc.post(reverse("reporting:form_item", args=[published.pk, "indicator", ind.pk]), {"action": "remove"})
    assert resp.status_code == 200 and resp.context["refused"]
    assert published.indicators.filter(pk=ind.pk).exists()
