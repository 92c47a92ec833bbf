from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tuyengiao.reporting import selectors, services
from tuyengiao.reporting.models import ReportValue

from .factories import make_regime, period


@pytest.fixture
def report(cast):
    regime = make_regime(cast)
    return services.report_get_or_create_draft(regime=regime, period=period("2026-H1"), unit=cast.a,
                                               by=cast.officer_a)


def _states(report):
    return {rv.code: (rv.state, rv.value_number) for rv in ReportValue.objects.filter(report=report)}


def test_empty_zero_and_not_applicable_are_distinct(report, cast):
    services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=0, values={
        "SESSIONS": 0, "ATTENDED": "", "MAX_POINTS": services.NOT_APPLICABLE})
    s = _states(report)
    assert s["SESSIONS"] == ("value", Decimal(0))
    assert s["ATTENDED"] == ("missing", None)
    assert s["MAX_POINTS"] == ("not_applicable", None)


def test_invalid_fields_are_reported_and_valid_ones_saved(report, cast):
    res = services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=0, values={
        "MEMBERS": "1.234", "ATTENDED": "abc", "SESSIONS": "2,5", "PCT_ATTEND": "101", "HAS_PLAN": "maybe",
        "NOPE": 1, "MAX_POINTS": -1})
    assert set(res.saved) == {"MEMBERS"}
    assert set(res.errors) == {"ATTENDED", "SESSIONS", "PCT_ATTEND", "HAS_PLAN", "NOPE", "MAX_POINTS"}
    assert _states(report)["MEMBERS"] == ("value", Decimal(1234))
    # A later invalid entry keeps the saved value.
    res = services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=res.revision,
                                     values={"MEMBERS": "x"})
    assert "MEMBERS" in res.errors and _states(report)["MEMBERS"] == ("value", Decimal(1234))


def test_vietnamese_number_formats(report, cast):
    services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=0, values={
        "PCT_ATTEND": "97,55", "MEMBERS": "12.345", "ATTENDED": 12000})
    s = _states(report)
    assert s["PCT_ATTEND"][1] == Decimal("97.55") and s["MEMBERS"][1] == 12345


def test_concurrent_saves_second_conflicts_and_first_is_intact(report, cast):
    base = report.revision
    first = services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=base,
                                       values={"SESSIONS": 5}, narratives={"KQ": "<p>Bản của người thứ nhất</p>"})
    with pytest.raises(ValidationError) as exc:
        services.report_save_draft(report=report, by=cast.admin, based_on_revision=base,
                                   values={"SESSIONS": 7}, narratives={"KQ": "<p>Bản thứ hai</p>"})
    assert exc.value.code == "conflict"
    assert "(" in exc.value.messages[0] and "1" in exc.value.messages[0]  # names both revisions
    assert _states(report)["SESSIONS"] == ("value", Decimal(5))
    assert report.narratives.get().html == "<p>Bản của người thứ nhất</p>"
    report.refresh_from_db()
    assert report.revision == first.revision


def test_not_applicable_counts_as_zero_in_rules_and_missing_skips(report, cast):
    services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=0,
                               values={"ATTENDED": 3, "MEMBERS": services.NOT_APPLICABLE})
    report.refresh_from_db()
    issues = selectors.report_issues(report)
    assert [i.codes for i in issues] == [("ATTENDED", "MEMBERS")]  # 3 <= 0 fails
    services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=report.revision,
                               values={"MEMBERS": ""})
    report.refresh_from_db()
    assert selectors.report_issues(report) == []  # missing: the rule is skipped


def test_narratives_are_sanitised(report, cast):
    services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=0, narratives={
        "KQ": '<p onclick="x()">Kết quả <script>alert(1)</script><a href="javascript:x">tốt</a></p><img src=x>'})
    assert report.narratives.get().html == "<p>Kết quả tốt</p>"


def test_weight_is_carried_for_weighted_means(report, cast):
    services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=0,
                               values={"PCT_ATTEND": 90, "MEMBERS": 50})
    assert ReportValue.objects.get(report=report, code="PCT_ATTEND").weight == 50
    report.refresh_from_db()
    services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=report.revision,
                               values={"MEMBERS": 60})
    assert ReportValue.objects.get(report=report, code="PCT_ATTEND").weight == 60
