import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tuyengiao.core.audit import history_for
from tuyengiao.reporting import selectors, services
from tuyengiao.reporting.models import Report, ReportValue

from .factories import make_regime, period

GOOD = {"MEMBERS": 120, "ATTENDED": 118, "PCT_ATTEND": "98,3", "SESSIONS": 3, "HAS_PLAN": "có"}


@pytest.fixture
def regime(cast):
    return make_regime(cast)


def _draft(regime, cast, by=None, code="2026-H1"):
    return services.report_get_or_create_draft(regime=regime, period=period(code), unit=cast.a,
                                               by=by or cast.officer_a)


def test_full_workflow_with_audit(regime, cast):
    report = _draft(regime, cast)
    assert report.status == Report.Status.DRAFT and report.form == regime.current_form
    res = services.report_save_draft(report=report, by=cast.officer_a, values=GOOD,
                                     narratives={"KQ": "<p>Đã tổ chức <b>3</b> hội nghị.</p>"}, based_on_revision=0)
    assert not res.errors and res.revision == 1
    services.report_submit(report=report, by=cast.officer_a)
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_at and report.on_time is False  # H1 ended in June

    with pytest.raises(ValidationError):
        services.report_return(report=report, comment="  ", by=cast.leader)
    services.report_return(report=report, comment="Bổ sung số liệu điểm cầu.", by=cast.leader)
    report.refresh_from_db()
    assert report.status == "returned" and report.returned_comment == "Bổ sung số liệu điểm cầu."

    res = services.report_save_draft(report=report, by=cast.officer_a, values={"MAX_POINTS": 4},
                                     based_on_revision=report.revision)
    assert res.saved == ["MAX_POINTS"]
    services.report_resubmit(report=report, by=cast.officer_a)
    services.report_approve(report=report, by=cast.leader)
    report.refresh_from_db()
    assert report.status == "approved" and report.approved_by == cast.leader and report.is_locked
    assert set(ReportValue.objects.filter(report=report).values_list("status", flat=True)) == {"approved"}

    with pytest.raises(ValidationError) as exc:
        services.report_save_draft(report=report, by=cast.officer_a, values={"SESSIONS": 9},
                                   based_on_revision=report.revision)
    assert exc.value.code == "locked"
    with pytest.raises(ValidationError):
        services.report_unlock(report=report, reason="", by=cast.leader)
    services.report_unlock(report=report, reason="Sai số hội nghị", by=cast.leader)
    report.refresh_from_db()
    assert report.status == "returned" and report.approved_at is None

    actions = [(e.action, (e.after or {}).get("status"), e.reason) for e in history_for(report).order_by("at", "id")]
    assert [a[0] for a in actions] == ["create", "update", "workflow", "workflow", "update", "workflow", "workflow",
                                       "unlock"]
    assert actions[-1] == ("unlock", "returned", "Sai số hội nghị")
    assert actions[3][2] == "Bổ sung số liệu điểm cầu."
    versions = list(report.versions.order_by("number"))
    assert [v.action for v in versions] == ["submitted", "returned", "submitted", "approved", "unlock"]
    diff = selectors.version_diff(versions[1], versions[2])
    assert [(c.key, c.before, c.after) for c in diff] == [("MAX_POINTS", None, {"state": "value", "value": "4.0000"})]
    assert versions[0].data["narratives"]["KQ"] == "<p>Đã tổ chức <b>3</b> hội nghị.</p>"


def test_only_the_receiving_side_returns_and_approves(regime, cast):
    report = _draft(regime, cast)
    services.report_save_draft(report=report, by=cast.officer_a, values=GOOD, based_on_revision=0)
    services.report_submit(report=report, by=cast.officer_a)
    # officer_a holds review/approve-like rights only over A's subtree, not over the commission.
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, by=cast.officer_a)
    with pytest.raises(PermissionDenied):
        services.report_return(report=report, comment="x", by=cast.officer_a)
    with pytest.raises(Http404):  # a sibling unit's officer does not even see it
        services.report_approve(report=report, by=cast.officer_b)
    with pytest.raises((PermissionDenied, Http404)):
        services.report_approve(report=report, by=cast.viewer)
    with pytest.raises(Http404):
        services.report_save_draft(report=report, by=cast.officer_b, values={"SESSIONS": 1}, based_on_revision=None)
    services.report_approve(report=report, by=cast.admin)
    assert Report.objects.get(pk=report.pk).status == "approved"


def test_clerk_of_a_cell_cannot_report_for_the_commune(regime, cast):
    with pytest.raises(Http404):
        _draft(regime, cast, by=cast.clerk_a1)


def test_unit_not_expected_is_refused(regime, cast):
    with pytest.raises(ValidationError) as exc:
        services.report_get_or_create_draft(regime=regime, period=period("2026-H1"), unit=cast.a1, by=cast.admin)
    assert exc.value.code == "not_expected"


def test_errors_block_and_warnings_need_explanation(regime, cast):
    report = _draft(regime, cast)
    services.report_save_draft(report=report, by=cast.officer_a, values={"ATTENDED": 130, "MEMBERS": 120},
                               based_on_revision=0)
    with pytest.raises(ValidationError) as exc:
        services.report_submit(report=report, by=cast.officer_a)
    assert "Số đảng viên tham gia không được lớn hơn tổng số đảng viên." in exc.value.messages
    report.refresh_from_db()
    services.report_save_draft(report=report, by=cast.officer_a, values={"ATTENDED": 100, "PCT_ATTEND": 83},
                               based_on_revision=report.revision)
    with pytest.raises(ValidationError) as exc:
        services.report_submit(report=report, by=cast.officer_a)
    assert exc.value.code == "explain"
    services.report_submit(report=report, by=cast.officer_a, explanation="Nhiều đảng viên đi làm ăn xa.")
    report.refresh_from_db()
    assert report.status == "submitted" and report.warning_explanation


def test_required_indicator_blocks_submission(regime, cast):
    report = _draft(regime, cast)
    services.report_save_draft(report=report, by=cast.officer_a, values={"SESSIONS": 1}, based_on_revision=0)
    with pytest.raises(ValidationError) as exc:
        services.report_submit(report=report, by=cast.officer_a)
    assert any("Số đảng viên" in m for m in exc.value.messages)


def test_on_time_flag_against_the_effective_deadline(regime, cast):
    p = period("2026-H1")
    assert selectors.effective_deadline(regime, p) == dt.date(2026, 7, 5)
    services.period_deadline_set(regime=regime, period=p, deadline=dt.date(2026, 7, 10), by=cast.admin)
    assert selectors.effective_deadline(regime, p) == dt.date(2026, 7, 10)
    report = _draft(regime, cast)
    services.report_save_draft(report=report, by=cast.officer_a, values=GOOD, based_on_revision=0)
    at = timezone.make_aware(dt.datetime(2026, 7, 9, 16, 0))
    services.report_submit(report=report, by=cast.officer_a, at=at)
    report.refresh_from_db()
    assert report.on_time is True and report.deadline == dt.date(2026, 7, 10)
    # Returned and resubmitted after the deadline: the first submission decides.
    services.report_return(report=report, comment="Sửa lại", by=cast.leader)
    services.report_resubmit(report=report, by=cast.officer_a)
    report.refresh_from_db()
    assert report.on_time is True


def test_backdated_actions_keep_their_time_in_the_timeline(cast):
    """Imports and the demo backdate actions: the version timeline shows when they happened."""
    import datetime as dt

    from django.utils import timezone

    from tuyengiao.reporting import services as S
    from tuyengiao.reporting.models import ReportVersion

    from .factories import approved, make_regime, period

    regime = make_regime(cast, rules=False)
    report = approved(regime, period("2026-H1"), cast.a, {"MEMBERS": 10})
    when = timezone.make_aware(dt.datetime(2026, 7, 3, 9, 30))
    S.report_unlock(report=report, reason="Sửa số liệu", by=cast.leader)
    S.report_submit(report=report, by=cast.officer_a, at=when)
    assert ReportVersion.objects.filter(report=report).order_by("-number").first().created_at == when
