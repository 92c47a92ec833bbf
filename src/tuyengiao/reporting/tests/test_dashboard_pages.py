"""The dashboard pages as the personas see them: scope (404 outside it), numbers equal to the selectors,
XLSX exports read back, charts that parse, drill-down and the not-comparable flag."""
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import openpyxl
import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tuyengiao.accounts.models import Grant, User
from tuyengiao.accounts.roles import Role
from tuyengiao.core.vi import format_number
from tuyengiao.org.services import NewUnit, unit_split
from tuyengiao.reporting import selectors, services

from .factories import make_regime, period

SVG = "{http://www.w3.org/2000/svg}"


def at(y, m, d):
    return timezone.make_aware(dt.datetime(y, m, d, 9, 0))


def report(regime, period_, unit, values, *, submit=None, approve=None):
    r = services.report_get_or_create_draft(regime=regime, period=period_, unit=unit, by=None)
    services.report_save_draft(report=r, by=None, values=values, narratives={}, based_on_revision=r.revision)
    r.refresh_from_db()
    if submit:
        services.report_submit(report=r, by=None, explanation="ok", at=submit)
        if approve:
            services.report_approve(report=r, by=None, at=approve)
    r.refresh_from_db()
    return r


@pytest.fixture
def data(cast):
    regime = make_regime(cast, rules=False)  # six-monthly; A and B report to the commission; deadline +5 days
    h2_25, h1, h2 = period("2025-H2"), period("2026-H1"), period("2026-H2")
    report(regime, h2_25, cast.a, {"MEMBERS": 1100, "SESSIONS": 2}, submit=at(2026, 1, 2), approve=at(2026, 1, 3))
    report(regime, h2_25, cast.b, {"MEMBERS": 2800, "SESSIONS": 4}, submit=at(2026, 1, 2), approve=at(2026, 1, 3))
    report(regime, h1, cast.a, {"MEMBERS": 1200, "SESSIONS": 3, "PCT_ATTEND": 95}, submit=at(2026, 7, 3),
           approve=at(2026, 7, 8))
    report(regime, h1, cast.b, {"MEMBERS": 3000, "SESSIONS": 5, "PCT_ATTEND": 90}, submit=at(2026, 7, 9),
           approve=at(2026, 7, 10))  # four days late
    report(regime, h2, cast.a, {"MEMBERS": 1250, "SESSIONS": 4}, submit=at(2026, 11, 2), approve=at(2026, 11, 3))
    report(regime, h2, cast.b, {"MEMBERS": 3100, "SESSIONS": 6}, submit=at(2026, 11, 2))  # not yet approved
    return regime


def q(regime, **params):
    params = {"regime": regime.code, **params}
    return "?" + "&".join(f"{k}={v}" for k, v in params.items())


def svg_of(html: str, chart_id: str) -> ET.Element:
    m = re.search(r'<svg[^>]*>.*?</svg>', html[html.index(f'id="{chart_id}-title"') - 400:], re.S)
    return ET.fromstring(m.group(0))


def xlsx_rows(resp):
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


@pytest.fixture
def specialist(cast):
    """A specialist of the receiving commission, granted on the province (as the demo's chuyên viên)."""
    user = User.objects.create_user(username="specialist", password="x", full_name="Chuyên Viên", home_unit=cast.commission)
    Grant.objects.create(user=user, unit=cast.province, role=Role.SPECIALIST, valid_from=dt.date(2025, 1, 1))
    return user


# --------------------------------------------------------------------------- scope


@pytest.mark.parametrize("name", ["/reports/dashboard/", "/reports/completeness/", "/reports/rollup/",
                                  "/reports/pivot/", "/reports/series/"])
def test_anonymous_and_users_without_permission(client, client_for, data, name):
    assert client.get(name).status_code == 302
    assert client_for("nobody").get(name).status_code == 404


@pytest.mark.parametrize("name", ["dashboard", "completeness", "rollup", "pivot"])
def test_receiving_specialist_sees_the_whole_province(client, data, cast, specialist, name):
    client.force_login(specialist)
    resp = client.get(reverse(f"reporting:{name}") + q(data, period="2026-H1"))
    assert resp.status_code == 200
    scope = resp.context["scope"]
    assert scope.under == cast.province and scope.period.code == "2026-H1"
    body = resp.content.decode()
    assert cast.a.name in body or name == "dashboard"


def test_unit_specialist_sees_only_its_subtree(client_for, data, cast):
    c = client_for("officer_a")
    resp = c.get("/reports/rollup/" + q(data, period="2026-H1", codes="MEMBERS"))
    assert resp.status_code == 200 and resp.context["scope"].under == cast.a
    assert resp.context["rollup"].total["MEMBERS"] == 1200
    assert cast.b.name not in resp.content.decode()
    for url in ["/reports/rollup/", "/reports/completeness/", "/reports/pivot/", "/reports/dashboard/"]:
        assert c.get(url + q(data, under=cast.b.pk)).status_code == 404
        assert c.get(url + q(data, under=cast.province.pk)).status_code == 404
    assert c.get("/reports/series/" + q(data, unit=cast.b.pk)).status_code == 404
    # drill-down into another subtree
    assert c.get("/reports/rollup/" + q(data, drill="MEMBERS", drill_unit=cast.b.pk)).status_code == 404
    # a sibling's officer cannot look into A
    assert client_for("officer_b").get("/reports/pivot/" + q(data, under=cast.a.pk)).status_code == 404


def test_reporter_of_one_unit_sees_its_own_subtree_only(client_for, data, cast):
    """roles.py gives a reporter reporting.view_report on its unit: the pages open on that unit, nothing above."""
    c = client_for("clerk_a1")
    resp = c.get("/reports/completeness/" + q(data))
    assert resp.status_code == 200 and resp.context["scope"].under == cast.a1
    assert [u.pk for u in resp.context["scope"].under_choices] == [cast.a1.pk]
    assert resp.context["summary"]["c"].expected == 0  # A1 (a chi bộ) owes this regime nothing
    assert c.get("/reports/completeness/" + q(data, under=cast.a.pk)).status_code == 404
    assert c.get("/reports/pivot/" + q(data, under=cast.province.pk)).status_code == 404


def test_unknown_regime_is_404_and_a_bad_period_falls_back_with_a_message(client_for, data):
    c = client_for("admin")
    assert c.get("/reports/dashboard/?regime=nope").status_code == 404
    assert c.get("/reports/dashboard/" + q(data, under="abc")).status_code == 404
    resp = c.get("/reports/dashboard/" + q(data, period="2026-X9"), follow=True)
    assert resp.status_code == 200 and resp.context["scope"].period.code == "2026-H2"
    assert [str(m) for m in resp.context["messages"]]


# --------------------------------------------------------------------------- dashboard


def test_dashboard_defaults_to_the_latest_period_and_shows_completeness(client_for, data, cast):
    resp = client_for("admin").get("/reports/dashboard/")
    assert resp.status_code == 200
    scope = resp.context["scope"]
    assert scope.regime == data and scope.period.code == "2026-H2" and scope.under == cast.province
    comp = selectors.completeness(data, scope.period)
    summary = resp.context["summary"]["c"]
    assert (summary.expected, summary.submitted, summary.approved) == (comp.expected, comp.submitted, comp.approved)
    assert (summary.expected, summary.submitted, summary.approved) == (2, 2, 1)
    root = svg_of(resp.content.decode(), "completeness-chart")
    assert root.get("role") == "img"
    segs = [r for r in root.iter(f"{SVG}rect") if "chart-seg" in (r.get("class") or "").split()]
    assert [s.get("data-value") for s in segs] == ["2"]  # both on time
    for key in ("completeness", "rollup", "pivot", "series"):
        assert resp.context["links"][key] in resp.content.decode().replace("&amp;", "&")


def test_dashboard_key_indicators_equal_year_on_year(client_for, data, cast):
    resp = client_for("admin").get("/reports/dashboard/" + q(data, period="2026-H2", received=1))
    expected = {c.code: c for c in selectors.year_on_year(regime=data, codes=resp.context["scope"].key_codes(),
                                                        period=period("2026-H2"), under=cast.province,
                                                        statuses=selectors.RECEIVED)}
    table = resp.context["table"]
    members = next(row for row in table.rows if row[0].text == "Số đảng viên")
    assert [members[2].value, members[3].value, members[4].value] == [4350, 3900, 450]
    assert members[2].value == expected["MEMBERS"].current and members[3].value == expected["MEMBERS"].previous
    assert members[5].value == expected["MEMBERS"].ratio
    body = resp.content.decode()
    assert "4.350" in body and "3.900" in body and "111,5%" in body
    # the series chart of the main indicator over the last periods
    root = svg_of(body, "dashboard-series")
    values = [c.get("data-value") for c in root.iter(f"{SVG}circle")]
    assert values == ["3900", "4200", "4350"]


def test_key_indicators_say_how_many_units_each_period_covers(client_for, data):
    """2026-H2 is in progress (B submitted, not approved): its approved figures cover 1 unit of 2 against
    2 of 2 a year earlier, so every row is flagged; counting received reports, both cover 2 of 2."""
    c = client_for("admin")
    approved_only = c.get("/reports/dashboard/" + q(data, period="2026-H2")).context["table"]
    assert approved_only.notes[:2] == ["6 tháng cuối năm 2026: số liệu của 1 trên 2 đơn vị.",
                                       "6 tháng cuối năm 2025: số liệu của 2 trên 2 đơn vị."]
    assert "cần thận trọng khi so sánh" in approved_only.notes[2]
    assert all(row[0].badges for row in approved_only.rows)
    # The badge names the reason (fewer units), not the restructuring, and its title gives the counts.
    badge = approved_only.rows[0][0].badges[0]
    assert badge.text == "Ít đơn vị hơn" and "số liệu của 1 trên 2 đơn vị" in badge.title
    page = c.get("/reports/dashboard/" + q(data, period="2026-H2")).content.decode()
    assert "Không so sánh được" not in page and "Điểm rỗng" not in page  # no hollow point on the chart
    received = c.get("/reports/dashboard/" + q(data, period="2026-H2", received=1)).context["table"]
    assert len(received.notes) == 2 and not any(row[0].badges for row in received.rows)


def test_dashboard_can_include_submitted_reports(client_for, data):
    c = client_for("admin")
    approved_only = c.get("/reports/dashboard/" + q(data))
    received = c.get("/reports/dashboard/" + q(data, received=1))
    def members(resp):
        return next(row for row in resp.context["table"].rows if row[0].text == "Số đảng viên")[2].value
    assert members(approved_only) == 1250 and members(received) == 1250 + 3100


# --------------------------------------------------------------------------- completeness


def test_completeness_table_statuses_dates_and_days_late(client_for, data, cast):
    resp = client_for("admin").get("/reports/completeness/" + q(data, period="2026-H1"))
    assert resp.status_code == 200
    rows = {row[0].text: row for row in resp.context["table"].rows}
    assert list(rows) == [cast.b.name, cast.a.name]  # Vietnamese order: "phường Bến Thủy" < "xã An Bình"
    a, b = rows[cast.a.name], rows[cast.b.name]
    assert a[2].text == "03/07/2026 09:00" and a[3].badges[0].css == "text-bg-success" and a[4].value is None
    assert b[3].badges[0].css == "text-bg-warning" and b[4].value == 4  # deadline 05/07, submitted 09/07
    body = resp.content.decode()
    assert "09/07/2026 09:00" in body
    summary = resp.context["summary"]
    assert (summary["c"].on_time, summary["c"].late) == (1, 1)
    assert summary["percent"] == "100%"


def test_completeness_filter_by_status_with_htmx_fragment(client_for, data, cast):
    c = client_for("admin")
    resp = c.get("/reports/completeness/" + q(data, period="2026-H1", status="late"), HTTP_HX_REQUEST="true",
                 HTTP_HX_TARGET="results")
    body = resp.content.decode()
    assert resp.status_code == 200 and "<html" not in body
    assert cast.b.name in body and cast.a.name not in body
    resp = c.get("/reports/completeness/" + q(data, period="2026-H2", status="approved"))
    assert [row[0].text for row in resp.context["table"].rows] == [cast.a.name]


def test_completeness_xlsx(client_for, data, cast):
    resp = client_for("admin").get("/reports/completeness/" + q(data, period="2026-H1", format="xlsx"))
    assert resp["Content-Disposition"] == 'attachment; filename="tinh-hinh-nop-bao-cao-2026-H1.xlsx"'
    rows = xlsx_rows(resp)
    assert len(rows[0]) == 6
    b = next(r for r in rows if r[0] == cast.b.name)
    assert b[2] == dt.datetime(2026, 7, 9, 9, 0) and b[4] == 4 and isinstance(b[4], int)


# --------------------------------------------------------------------------- roll-up and drill-down


def test_rollup_totals_equal_the_selector_and_drill_down(client_for, data, cast):
    c = client_for("admin")
    resp = c.get("/reports/rollup/" + q(data, period="2026-H1", codes="MEMBERS,SESSIONS,PCT_ATTEND"))
    assert resp.status_code == 200
    expected = selectors.rollup(regime=data, codes=["MEMBERS", "SESSIONS", "PCT_ATTEND"], period=period("2026-H1"),
                                under=cast.province, as_of=timezone.localdate())
    r = resp.context["rollup"]
    assert r.total == expected.total and r.total["MEMBERS"] == 4200
    body = resp.content.decode().replace("&amp;", "&")
    # weighted mean (95·1200 + 90·3000) / 4200 = 91,43 in the Vietnamese format
    assert "4.200" in body and format_number(expected.total["PCT_ATTEND"].quantize(Decimal("0.01"))) == "91,43"
    assert "91,43" in body
    # a child links to its own subtree; a number links to the reports behind it
    assert f"under={cast.a.pk}" in body
    assert f"drill=MEMBERS&drill_unit={cast.a.pk}" in body
    drill = c.get("/reports/rollup/" + q(data, period="2026-H1", drill="MEMBERS", drill_unit=cast.province.pk),
                  HTTP_HX_REQUEST="true", HTTP_HX_TARGET="drill")
    html = drill.content.decode()
    assert drill.status_code == 200 and "<html" not in html and 'id="drill"' in html
    assert "1.200" in html and "3.000" in html
    try:
        detail = reverse("reporting:report_detail", args=[1]).rsplit("1", 1)[0]
        assert detail in html
    except NoReverseMatch:
        assert "/reports/r/" not in html  # the report page does not exist yet: no dead links
    # drill-down under one child shows only its reports
    only_a = c.get("/reports/rollup/" + q(data, period="2026-H1", drill="MEMBERS", drill_unit=cast.a.pk))
    assert [row[0].text for row in only_a.context["drill"].rows] == [cast.a.name]


def test_rollup_drill_into_a_child(client_for, data, cast):
    resp = client_for("admin").get("/reports/rollup/" + q(data, period="2026-H1", under=cast.a.pk, codes="MEMBERS"))
    assert resp.context["rollup"].total["MEMBERS"] == 1200
    assert [row[0].text for row in resp.context["table"].rows] == [cast.a.name]


def test_rollup_xlsx_numbers_are_numbers(client_for, data, cast):
    resp = client_for("admin").get("/reports/rollup/" + q(data, period="2026-H1", codes="MEMBERS,SESSIONS",
                                                         format="xlsx"))
    assert resp["Content-Disposition"] == 'attachment; filename="tong-hop-2026-H1.xlsx"'
    rows = xlsx_rows(resp)
    assert rows[0][0] and "Số đảng viên" in rows[0][1] and "Số hội nghị" in rows[0][2]
    by_unit = {r[0]: r for r in rows[1:]}
    assert by_unit[cast.a.name][1:3] == [1200, 3] and by_unit[cast.b.name][1:3] == [3000, 5]
    total = rows[-1]
    assert total[1:3] == [4200, 8] and all(isinstance(v, int) for v in total[1:3])


def test_rollup_flags_periods_not_comparable_across_the_restructuring(client_for, data, cast):
    unit_split(predecessor=cast.b, successors=[
        NewUnit(name="Đảng ủy phường Bến Một", code="B1", type=cast.b.type, parent=cast.province),
        NewUnit(name="Đảng ủy phường Bến Hai", code="B2", type=cast.b.type, parent=cast.province)],
        on=dt.date(2026, 7, 1), by=None)
    resp = client_for("admin").get("/reports/rollup/" + q(data, period="2026-H1", codes="MEMBERS"))
    body = resp.content.decode()
    assert not resp.context["rollup"].comparable
    assert 'data-testid="not-comparable"' in body
    rows = {row[0].text: row for row in resp.context["table"].rows}
    assert rows["Đảng ủy phường Bến Một"][1].value == 1500
    assert rows["Đảng ủy phường Bến Một"][0].badges and not rows[cast.a.name][0].badges
    assert resp.context["rollup"].total["MEMBERS"] == 4200  # nothing lost or counted twice
    # the units as they stood: B itself, comparable
    then = client_for("admin").get("/reports/rollup/" + q(data, period="2026-H1", codes="MEMBERS", structure="period"))
    assert then.context["rollup"].comparable and cast.b.name in [r[0].text for r in then.context["table"].rows]


# --------------------------------------------------------------------------- pivot


def test_pivot_values_and_comparison_column(client_for, data, cast):
    c = client_for("admin")
    resp = c.get("/reports/pivot/" + q(data, period="2026-H1", set="all"))
    pv = selectors.pivot(regime=data, period=period("2026-H1"), under=cast.province)
    table = resp.context["table"]
    assert [h.label for h in table.headers][1:] == [f"{i.name} ({i.unit_of_measure})" if i.unit_of_measure else i.name
                                                    for i in pv.indicators]
    col = 1 + [i.code for i in pv.indicators].index("MEMBERS")
    assert {row[0].text: row[col].value for row in table.rows} == {cast.a.name: 1200, cast.b.name: 3000}
    assert table.totals[col].value == pv.total["MEMBERS"] == 4200
    assert "table-pivot" in resp.content.decode()
    # By default the page opens on the key indicators only, not every column of the form.
    key = c.get("/reports/pivot/" + q(data, period="2026-H1")).context["table"]
    assert 1 < len(key.headers) <= 1 + 8 and len(key.headers) <= len(table.headers)
    cmp = c.get("/reports/pivot/" + q(data, period="2026-H1", compare=1, codes="MEMBERS"))
    t = cmp.context["table"]
    # The indicator once, over its two periods.
    assert [(h.group, h.label) for h in t.headers[1:]] == [("Số đảng viên", "6T đầu/2026"), ("Số đảng viên", "6T đầu/2025")]
    head = cmp.content.decode()
    assert '<th scope="colgroup" colspan="2" class="text-center">Số đảng viên</th>' in head
    assert '<th scope="col" rowspan="2">Đơn vị</th>' in head
    assert {row[0].text: row[1].value for row in t.rows} == {cast.a.name: 1200, cast.b.name: 3000}
    xl_cmp = xlsx_rows(c.get("/reports/pivot/" + q(data, period="2026-H1", compare=1, codes="MEMBERS", format="xlsx")))
    assert "Số đảng viên, 6T đầu/2025" in [str(v) for row in xl_cmp for v in row]  # the Excel header keeps both
    xl = c.get("/reports/pivot/" + q(data, period="2026-H1", codes="MEMBERS,SESSIONS", format="xlsx"))
    assert xl["Content-Disposition"] == 'attachment; filename="bang-so-lieu-2026-H1.xlsx"'
    rows = xlsx_rows(xl)
    assert rows[1] == [cast.b.name, 3000, 5] and rows[2] == [cast.a.name, 1200, 3] and rows[-1][1:] == [4200, 8]


# --------------------------------------------------------------------------- series


def test_series_chart_table_and_xlsx(client_for, data, cast):
    c = client_for("admin")
    resp = c.get("/reports/series/" + q(data, code="MEMBERS", unit=cast.province.pk))
    assert resp.status_code == 200
    points = [(row[0].text, row[1].value) for row in resp.context["table"].rows]
    assert points == [("6 tháng cuối năm 2025", 3900), ("6 tháng đầu năm 2026", 4200), ("6 tháng cuối năm 2026", 1250)]
    root = svg_of(resp.content.decode(), "series-chart")
    assert [c_.get("data-value") for c_ in root.iter(f"{SVG}circle")] == ["3900", "4200", "1250"]
    assert root.get("aria-label")
    axis = [t.text for t in root.iter(f"{SVG}text")]  # Vietnamese period names on the axis, not codes
    assert {"6T cuối/2025", "6T đầu/2026", "6T cuối/2026"} <= set(axis) and not any("-H" in (t or "") for t in axis)
    xl = c.get("/reports/series/" + q(data, code="MEMBERS", unit=cast.a.pk, format="xlsx"))
    assert xl["Content-Disposition"] == 'attachment; filename="chuoi-so-lieu-MEMBERS.xlsx"'
    rows = xlsx_rows(xl)
    assert [r[1] for r in rows[1:]] == [1100, 1200, 1250]
    assert c.get("/reports/series/" + q(data, code="NOPE")).status_code == 404


def test_a_unit_that_owes_no_report_is_told_so_and_opens_on_what_it_reports(client_for, cast, data):
    """A chi bộ's clerk: the commission's six-monthly regime asks nothing of a chi bộ. The dashboard says
    so instead of tables of zeros; once a regime asks the chi bộ for a report, it opens on that one."""
    c = client_for("clerk_a1")
    page = c.get(reverse("reporting:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Chi bộ thôn Đông and the units under it do not report under" in page
    assert "No reporting regime asks this unit for a report yet" in page
    assert "summary-counts" not in page and "key-heading" not in page

    monthly = services.regime_create(
        data={"code": "cb-thang", "name": "Báo cáo sinh hoạt chi bộ hằng tháng", "frequency": "monthly",
              "receiving_unit": cast.a, "deadline_days": 5}, by=None, unit_types=[cast.a1.type])
    form = services.form_version_create(regime=monthly, by=None)
    sec = services.section_save(form=form, data={"code": "SH", "title": "Sinh hoạt", "order": 1}, by=None)
    services.indicator_save(form=form, by=None, data={"section": sec, "code": "SESSIONS", "name": "Số buổi",
                                                      "type": "integer", "order": 1})
    services.form_version_publish(form=form, by=None)
    page = c.get(reverse("reporting:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Báo cáo sinh hoạt chi bộ hằng tháng" in page and "summary-counts" in page
    assert "do not report under" not in page
    # Asked for the six-monthly regime by name, it says so and links to the one the unit reports.
    page = c.get(reverse("reporting:dashboard") + q(data), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "do not report under" in page and "Reports the unit takes part in:" in page
    assert f"regime={monthly.code}" in page
    # The commune's specialist still opens on the six-monthly regime the commune reports, with its figures.
    page = client_for("officer_a").get(reverse("reporting:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "summary-counts" in page and "do not report under" not in page
    assert re.search(r'<option value="sixmonth"[^>]*selected', page)
