"""The entry page writes stored numbers as people type them and as the rest of the page writes them
(1.234, 97,5), and sending the page back unchanged changes nothing; indicator codes are visible to
those who build the form and only a tooltip for the units' clerks."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tuyengiao.reporting import services
from tuyengiao.reporting.models import Indicator, ReportValue
from tuyengiao.reporting.views.entry import entry_input_text

from .factories import make_regime, period
from .test_entry_views import JSON, specialist, values  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(cast):
    return services.report_get_or_create_draft(regime=make_regime(cast), period=period("2026-H2"), unit=cast.a,
                                               by=cast.officer_a)


def save(client, report, data, json=True):
    report.refresh_from_db()
    return client.post(report.get_absolute_url(), {"revision": report.revision, **data}, **(JSON if json else {}))


def inputs(body: str) -> dict:
    """{name: value} of the page's text inputs."""
    return dict(re.findall(r'<input type="text"[^>]*name="(v-\w+)" value="([^"]*)"', body))


def test_reopened_draft_shows_numbers_the_vietnamese_way(client_for, report):
    c = client_for("officer_a")
    data = save(c, report, {"v-MEMBERS": "1234", "v-ATTENDED": "1.200", "v-PCT_ATTEND": "97.25",
                            "v-SESSIONS": "3"}).json()
    assert data["errors"] == {}
    # the autosave answer puts the stored value in the inputs, written the same way
    assert data["values"] == {"MEMBERS": "1.234", "ATTENDED": "1.200", "PCT_ATTEND": "97,25", "SESSIONS": "3"}
    assert values(report)["PCT_ATTEND"][1] == Decimal("97.25")
    shown = inputs(c.get(report.get_absolute_url()).content.decode())
    assert shown["v-MEMBERS"] == "1.234" and shown["v-ATTENDED"] == "1.200"
    assert shown["v-PCT_ATTEND"] == "97,25" and shown["v-SESSIONS"] == "3"


def test_sending_the_page_back_unchanged_changes_nothing(client_for, report):
    c = client_for("officer_a")
    save(c, report, {"v-MEMBERS": "1234567", "v-ATTENDED": "1000", "v-PCT_ATTEND": "99,5", "v-SESSIONS": "0"})
    before = values(report)
    shown = inputs(c.get(report.get_absolute_url()).content.decode())
    assert shown["v-MEMBERS"] == "1.234.567"
    data = save(c, report, shown).json()
    after = {code: v for code, v in values(report).items() if v[0] != "missing"}
    assert data["errors"] == {} and after == before
    # validation as you type accepts the shown text too
    check = c.post(reverse("reporting:report_validate", args=[report.pk]), shown, **JSON)
    assert check.status_code == 200 and not check.json()["errors"]


def test_kept_typed_text_is_not_reformatted(client_for, report):
    """Without JavaScript, a refused value comes back as typed, the saved ones as stored."""
    c = client_for("officer_a")
    body = save(c, report, {"v-MEMBERS": "2500", "v-ATTENDED": "abc"}, json=False).content.decode()
    shown = inputs(body)
    assert shown["v-ATTENDED"] == "abc"


@pytest.mark.parametrize("kind, stored, shown", [
    (Indicator.Type.INTEGER, "1234", "1.234"),
    (Indicator.Type.INTEGER, "12", "12"),
    (Indicator.Type.PERCENT, "97.5000", "97,5"),
    (Indicator.Type.DECIMAL, "1234.5", "1.234,5"),
    (Indicator.Type.DECIMAL, "0.0001", "0,0001"),
    (Indicator.Type.DECIMAL, "-1234567.25", "-1.234.567,25"),
    (Indicator.Type.DECIMAL, "1234", "1.234"),  # a point before three digits separates thousands
    (Indicator.Type.DECIMAL, "1234000", "1.234.000"),
])
def test_entry_input_text_reads_back_as_the_same_number(kind, stored, shown):
    ind = Indicator(code="X", name="X", type=kind)
    rv = ReportValue(indicator=ind, state=ReportValue.State.VALUE, value_number=Decimal(stored))
    assert entry_input_text(ind, rv) == shown
    assert services.parse_number(shown, integer=kind == Indicator.Type.INTEGER) == Decimal(stored)


def test_codes_are_a_tooltip_for_the_unit_and_visible_to_the_form_builders(client_for, cast, report,
                                                                            specialist):  # noqa: F811
    body = client_for("officer_a").get(report.get_absolute_url()).content.decode()
    rows = body[body.index('class="entry-row'):]
    assert "<code" not in rows and "MEMBERS</" not in rows
    assert 'title="Mã chỉ tiêu: MEMBERS"' in rows
    assert 'data-code="MEMBERS"' in rows  # still there for the page's script
    c = client_for(None)
    c.force_login(specialist)  # the receiving side, who builds the form, its rules and the XLSX
    body = c.get(report.get_absolute_url()).content.decode()
    assert '<code class="indicator-code">MEMBERS</code>' in body


@pytest.mark.parametrize("typed, integer, number", [
    ("1.234", False, "1234"), ("1.234", True, "1234"), ("1.234.567", False, "1234567"),
    ("1.234,5", False, "1234.5"), ("97,5", False, "97.5"), ("12.5", False, "12.5"), ("97.25", False, "97.25"),
    ("1.5", False, "1.5"), ("0.125", False, "0.125"), ("-1.234", False, "-1234"), ("1234", True, "1234"),
    ("2 500", True, "2500"), ("97,5%", False, "97.5"),
])
def test_numbers_are_read_the_vietnamese_way_first(typed, integer, number):
    """What the pages write (1.234 is a thousand two hundred and thirty-four) is read back the same in
    every numeric indicator; a decimal point is understood where it cannot separate thousands."""
    assert services.parse_number(typed, integer=integer) == Decimal(number)


@pytest.mark.parametrize("kind, stored, shown", [
    (Indicator.Type.PERCENT, "97.5000", "97,5"), (Indicator.Type.INTEGER, "1234", "1.234"),
    (Indicator.Type.DECIMAL, "1234.5000", "1.234,5"),
])
def test_a_value_names_itself_as_the_pages_write_it(kind, stored, shown):
    """The history page's title and the audit's object name use it."""
    rv = ReportValue(indicator=Indicator(code="X", name="X", type=kind), code="X",
                     state=ReportValue.State.VALUE, value_number=Decimal(stored))
    assert str(rv) == f"X: {shown}"
