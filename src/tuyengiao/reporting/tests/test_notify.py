"""Workflow notifications: who hears of a submission, return, approval and unlock, what they read (in
Vietnamese, linking to the report), by e-mail only after the commit, never wider than the report's scope,
and the step's audit unchanged.

The standard cast: the commission receives the communes' reports; admin and leader hold their roles over
the whole province; officer_a (specialist of commune A) files A's report; officer_b is commune B's."""
import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import transaction
from django.utils import timezone

from tuyengiao.accounts.models import Grant, Notification, User
from tuyengiao.accounts.roles import Role
from tuyengiao.accounts.selectors import permission_holders
from tuyengiao.core.audit import history_for
from tuyengiao.core.models import AuditEntry
from tuyengiao.reporting import notify, services
from tuyengiao.reporting.models import Regime

from .factories import make_regime, period

pytestmark = pytest.mark.django_db

GOOD = {"MEMBERS": 120, "ATTENDED": 118, "PCT_ATTEND": "98,3", "SESSIONS": 3, "HAS_PLAN": "có"}
WHAT = "Báo cáo công tác tuyên giáo kỳ 6 tháng đầu năm 2026 của Đảng ủy xã An Bình"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.LANGUAGE_CODE = "vi"
    settings.SITE_URL = "https://tuyengiao.example.vn"


@pytest.fixture
def regime(cast):
    return make_regime(cast)


@pytest.fixture
def report(regime, cast):
    report = services.report_get_or_create_draft(regime=regime, period=period("2026-H1"), unit=cast.a,
                                                 by=cast.officer_a)
    services.report_save_draft(report=report, by=cast.officer_a, values=GOOD, based_on_revision=0)
    report.refresh_from_db()
    return report


def told(event=None):
    """{username: [title, ...]} of the notifications (of one kind)."""
    qs = Notification.objects.select_related("user").order_by("pk")
    if event:
        qs = qs.filter(kind=event)
    out = {}
    for n in qs:
        out.setdefault(n.user.username, []).append(n.title)
    return out


def test_submission_tells_the_receiving_side_not_the_submitter(report, cast):
    services.report_submit(report=report, by=cast.officer_a)
    assert told() == {"admin": [f"{WHAT} đã được gửi"], "leader": [f"{WHAT} đã được gửi"]}
    n = Notification.objects.get(user=cast.leader)
    assert n.kind == notify.SUBMITTED and n.url == f"/reports/r/{report.pk}/" and n.read_at is None
    assert "Báo cáo đang chờ thẩm định" in n.body and "Lê Thị An" in n.body


def test_return_tells_the_reporters_with_the_comment(report, cast):
    services.report_submit(report=report, by=cast.officer_a)
    services.report_return(report=report, comment="Bổ sung số liệu\nđiểm cầu.", by=cast.leader)
    assert told(notify.RETURNED) == {"officer_a": [f"{WHAT} đã bị trả lại: Bổ sung số liệu điểm cầu."]}
    n = Notification.objects.get(kind=notify.RETURNED)
    assert n.url == f"/reports/r/{report.pk}/"
    assert "Đề nghị chỉnh sửa và gửi lại báo cáo." in n.body and "Trần Văn Lãnh" in n.body


def test_resubmission_approval_and_unlock(report, cast):
    services.report_submit(report=report, by=cast.officer_a)
    services.report_return(report=report, comment="Sửa số hội nghị.", by=cast.admin)
    services.report_resubmit(report=report, by=cast.officer_a)
    assert told(notify.RESUBMITTED) == {u: [f"{WHAT} đã được gửi lại sau khi chỉnh sửa"] for u in ("admin", "leader")}
    services.report_approve(report=report, by=cast.leader)
    assert told(notify.APPROVED) == {"officer_a": [f"{WHAT} đã được phê duyệt"]}
    services.report_unlock(report=report, reason="Sai số đảng viên.", by=cast.leader)
    title = f"{WHAT} đã được mở khóa: Sai số đảng viên."
    assert told(notify.UNLOCKED) == {"officer_a": [title], "admin": [title]}  # not the leader who unlocked
    # a second round is a new set of notifications, not swallowed by the first one's keys
    services.report_resubmit(report=report, by=cast.officer_a)
    assert len(told(notify.RESUBMITTED)["leader"]) == 2


def test_nobody_outside_the_report_and_no_one_without_the_right(report, cast):
    services.report_submit(report=report, by=cast.officer_a)
    services.report_return(report=report, comment="Bổ sung.", by=cast.leader)
    services.report_resubmit(report=report, by=cast.officer_a)
    services.report_approve(report=report, by=cast.leader)
    services.report_unlock(report=report, reason="Mở lại.", by=cast.admin)
    everyone = set(Notification.objects.values_list("user__username", flat=True))
    assert everyone == {"admin", "leader", "officer_a"}  # never officer_b, the cell's clerk, the viewer, root


def test_a_holder_who_cannot_see_the_report_is_not_told(report, cast):
    """A specialist whose grant is on the commission itself reviews for it but does not see commune A:
    not told, and not a reason to skip the province's holders either."""
    Grant.objects.create(user=cast.nobody, unit=cast.commission, role=Role.SPECIALIST, valid_from=dt.date(2025, 1, 1))
    assert permission_holders(unit=cast.commission, perm="reporting.review_report")[cast.nobody] == 0
    services.report_submit(report=report, by=cast.officer_a)
    assert set(told()) == {"admin", "leader"}


def test_the_closest_holders_of_each_right_are_told(cast):
    """A's cells report to A: A's specialist reviews, so the province's specialists are not told; only the
    province approves, so its approvers are. Once A has its own leader, the province is left alone."""
    regime = make_regime(cast, code="cells")
    Regime.objects.filter(pk=regime.pk).update(receiving_unit=cast.a)
    regime.unit_types.set([cast.a1.type])
    report = services.report_get_or_create_draft(regime=regime, period=period("2026-H1"), unit=cast.a1,
                                                 by=cast.clerk_a1)
    services.report_save_draft(report=report, by=cast.clerk_a1, values=GOOD, based_on_revision=0)
    services.report_submit(report=report, by=cast.clerk_a1)
    assert set(told()) == {"officer_a", "admin", "leader"}
    assert permission_holders(unit=cast.a1, perm="reporting.review_report") == {
        cast.officer_a: 1, cast.admin: 2, cast.leader: 2}

    lead_a = User.objects.create_user(username="lead_a", full_name="Ngô Văn Lực", home_unit=cast.a)
    Grant.objects.create(user=lead_a, unit=cast.a, role=Role.LEADER, valid_from=dt.date(2025, 1, 1))
    services.report_return(report=report, comment="Thiếu số liệu.", by=cast.officer_a)
    assert told(notify.RETURNED) == {"clerk_a1": [
        "Báo cáo công tác tuyên giáo kỳ 6 tháng đầu năm 2026 của Chi bộ thôn Đông đã bị trả lại: Thiếu số liệu."]}
    services.report_resubmit(report=report, by=cast.clerk_a1)
    assert set(told(notify.RESUBMITTED)) == {"officer_a", "lead_a"}


def test_inactive_users_and_ended_grants_are_not_told(report, cast):
    User.objects.filter(pk=cast.admin.pk).update(is_active=False)
    Grant.objects.filter(user=cast.leader).update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    services.report_submit(report=report, by=cast.officer_a)
    assert told() == {}


def test_email_after_commit_only_to_those_with_an_address(report, cast, django_capture_on_commit_callbacks):
    cast.leader.email = "lanh@example.vn"
    cast.leader.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.report_submit(report=report, by=cast.officer_a)
    assert mail.outbox == [] and len(callbacks) == 1  # nothing sent inside the transaction
    callbacks[0]()
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    n = Notification.objects.get(user=cast.leader)
    assert msg.to == ["lanh@example.vn"] and msg.subject == f"{WHAT} đã được gửi"
    assert "Kính gửi đồng chí Trần Văn Lãnh," in msg.body
    assert f"https://tuyengiao.example.vn/reports/r/{report.pk}/" in msg.body and n.emailed_at is not None
    assert Notification.objects.get(user=cast.admin).emailed_at is None  # no address: in-app only

    callbacks[0]()  # the task run again (a retry) sends nothing twice
    assert len(mail.outbox) == 1


def test_rollback_leaves_no_notification_and_no_email(report, cast, django_capture_on_commit_callbacks):
    cast.officer_a.email = "an@example.vn"
    cast.officer_a.save()
    services.report_submit(report=report, by=cast.officer_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.report_return(report=report, comment="Bổ sung.", by=cast.leader)
            assert told(notify.RETURNED) == {"officer_a": [f"{WHAT} đã bị trả lại: Bổ sung."]}
            raise RuntimeError("a later step of the same request fails")
    assert callbacks == [] and mail.outbox == [] and told(notify.RETURNED) == {}


def test_a_long_comment_is_shortened_in_the_title_and_whole_in_the_body(report, cast):
    comment = "Đề nghị bổ sung " + "số liệu chi tiết từng chi bộ, " * 20 + "hết."
    services.report_submit(report=report, by=cast.officer_a)
    services.report_return(report=report, comment=comment, by=cast.leader)
    n = Notification.objects.get(kind=notify.RETURNED)
    assert len(n.title) <= 255 and n.title.startswith(f"{WHAT} đã bị trả lại: Đề nghị bổ sung")
    assert n.title.endswith("…") and comment in n.body


def test_backdated_steps_are_history_and_stay_silent_unless_asked(report, cast):
    at = timezone.make_aware(dt.datetime(2026, 7, 3, 9, 30))
    services.report_submit(report=report, by=cast.officer_a, at=at)
    assert told() == {}
    services.report_return(report=report, comment="Bổ sung.", by=cast.leader, at=at + dt.timedelta(days=1),
                           notify=True)
    n = Notification.objects.get()
    assert n.user == cast.officer_a and n.created_at == at + dt.timedelta(days=1)
    assert "09:30 04/07/2026" in n.body


def test_the_steps_audit_is_unchanged_and_notifications_are_not_audited(report, cast):
    services.report_submit(report=report, by=cast.officer_a)
    services.report_return(report=report, comment="Bổ sung.", by=cast.leader)
    assert Notification.objects.count() == 3
    entries = list(history_for(report).order_by("at", "id"))
    assert [(e.action, e.actor, e.before, (e.after or {}).get("status"), e.reason) for e in entries[-2:]] == [
        ("workflow", cast.officer_a, {"status": "draft"}, "submitted", ""),
        ("workflow", cast.leader, {"status": "submitted"}, "returned", "Bổ sung."),
    ]
    assert not AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Notification)).exists()
