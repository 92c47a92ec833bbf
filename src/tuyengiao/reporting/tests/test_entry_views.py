"""The report pages as the personas use them: what a unit owes, the entry page, saving drafts (empty, 0
and "không phát sinh" kept apart), validation, conflicts, the workflow, attachments, versions, scope
and query counts."""
from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tuyengiao.accounts.models import Grant, User
from tuyengiao.accounts.roles import Role
from tuyengiao.core.audit import history_for
from tuyengiao.core.testing.personas import PASSWORD, START
from tuyengiao.reporting import services
from tuyengiao.reporting.models import Attachment, Indicator, Report, ReportValue

from .factories import make_regime, period

JSON = {"HTTP_ACCEPT": "application/json"}
GOOD = {"v-MEMBERS": "120", "v-ATTENDED": "118", "v-PCT_ATTEND": "98,3", "v-SESSIONS": "3", "v-MAX_POINTS": "4",
        "v-HAS_PLAN": "yes", "v-NOTE": "", "n-KQ": "<p>Đã tổ chức <b>3</b> hội nghị.</p>"}


@pytest.fixture
def regime(cast):
    return make_regime(cast)


@pytest.fixture
def specialist(cast):
    """A specialist of the receiving side (the commission), scoped over the province."""
    user = User.objects.create_user(username="specialist", password=PASSWORD, full_name="Ngô Thị Chuyên",
                                    home_unit=cast.commission)
    Grant.objects.create(user=user, unit=cast.province, role=Role.SPECIALIST, valid_from=START)
    return user


@pytest.fixture
def report(regime, cast):
    return services.report_get_or_create_draft(regime=regime, period=period("2026-H2"), unit=cast.a,
                                               by=cast.officer_a)


def login(client, user):
    client.force_login(user)
    return client


def url(name, *args):
    return reverse(f"reporting:{name}", args=args)


def save(client, report, data, revision=None, json=True):
    payload = {"revision": report.revision if revision is None else revision, **data}
    return client.post(report.get_absolute_url(), payload, **(JSON if json else {}))


def _return_form(resp) -> str:
    body = resp.content.decode()
    form = body[body.index('id="return-form"'):]
    return form[:form.index("</form>")]


def values(report) -> dict:
    return {rv.code: (rv.state, rv.value_number, rv.value_bool, rv.value_text)
            for rv in ReportValue.objects.filter(report=report)}


# --------------------------------------------------------------------------- start page


def test_index_shows_what_the_unit_owes_and_starts_a_draft(client_for, cast, regime):
    c = client_for("officer_a")
    resp = c.get(url("index"))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "Báo cáo công tác tuyên giáo" in body
    assert "6 tháng cuối năm 2026" in body and "6 tháng đầu năm 2026" in body
    assert "05/01/2027" in body  # deadline of the second half: 5 days after 31/12/2026, dd/mm/yyyy
    # the first half is overdue (deadline 05/07/2026) and shown in red
    assert 'data-overdue="1"' in body
    assert body.count(url("report_start")) == 2
    resp = c.post(url("report_start"), {"regime": regime.pk, "period": "2026-H2", "unit": cast.a.pk})
    report = Report.objects.get(regime=regime, period__code="2026-H2", unit=cast.a)
    assert resp.status_code == 302 and resp["Location"] == report.get_absolute_url()
    assert report.status == "draft" and report.form == regime.current_form
    # starting again opens the same draft
    resp = c.post(url("report_start"), {"regime": regime.pk, "period": "2026-H2", "unit": cast.a.pk})
    assert resp["Location"] == report.get_absolute_url() and Report.objects.count() == 1
    body = c.get(url("index")).content.decode()
    assert report.get_absolute_url() in body and 'data-status="draft"' in body


def test_index_receiving_side_and_nobody(client_for, cast, regime, report, specialist, client):
    services.report_save_draft(report=report, by=cast.officer_a, values={"MEMBERS": 10, "PCT_ATTEND": 95},
                               based_on_revision=0)
    services.report_submit(report=report, by=cast.officer_a)
    body = login(client, specialist).get(url("index")).content.decode()
    assert 'data-testid="receiving"' in body and "Báo cáo công tác tuyên giáo" in body
    assert 'data-testid="waiting"' in body and report.get_absolute_url() in body
    assert url("completeness") + "?regime=sixmonth&amp;period=2026-H2" in body
    assert client_for("nobody").get(url("index")).status_code == 404
    # a unit officer does not receive this regime
    assert 'data-testid="receiving"' not in client_for("officer_a").get(url("index")).content.decode()


def test_cannot_start_a_report_for_another_unit(client_for, cast, regime):
    resp = client_for("officer_b").post(url("report_start"), {"regime": regime.pk, "period": "2026-H2",
                                                              "unit": cast.a.pk})
    assert resp.status_code == 404 and not Report.objects.exists()
    resp = client_for("clerk_a1").post(url("report_start"), {"regime": regime.pk, "period": "2026-H2",
                                                             "unit": cast.a.pk})
    assert resp.status_code == 404 and not Report.objects.exists()


# --------------------------------------------------------------------------- the entry page and scope


def test_entry_page_per_persona(client_for, client, cast, report, specialist):
    resp = client_for("officer_a").get(report.get_absolute_url())
    body = resp.content.decode()
    assert resp.status_code == 200
    assert 'id="entry-form"' in body
    assert 'name="v-MEMBERS"' in body and 'inputmode="numeric"' in body and 'inputmode="decimal"' in body
    assert 'name="na-MEMBERS"' in body and 'contenteditable="true"' in body and 'name="n-KQ"' in body
    assert "reporting/entry.js" in body
    # sections in order, indicators in order: natural tab order follows the DOM
    assert body.index('name="v-MEMBERS"') < body.index('name="v-ATTENDED"') < body.index('name="v-NOTE"')
    assert body.index("Học tập nghị quyết") < body.index("Kết quả đạt được")
    assert 'id="btn-submit"' in body and 'id="btn-approve"' not in body and 'id="btn-return"' not in body
    # out of scope: 404, including the clerk of A's cell on A's report
    for name in ("officer_b", "clerk_a1", "nobody"):
        assert client_for(name).get(report.get_absolute_url()).status_code == 404, name
        assert client_for(name).get(url("report_versions", report.pk)).status_code == 404, name
    # the receiving specialist and the leader can open it
    assert login(client, specialist).get(report.get_absolute_url()).status_code == 200
    assert client_for("leader").get(report.get_absolute_url()).status_code == 200
    # a viewer sees it read-only
    body = client_for("viewer").get(report.get_absolute_url()).content.decode()
    assert 'id="entry-form"' not in body
    kq = body[body.index('id="h-KQ"'):body.index("</section>", body.index('id="h-KQ"'))]
    assert "Mục này không có nội dung." in kq  # an empty narrative section says so, not a blank card
    assert save(client_for("viewer"), report, {"v-MEMBERS": "5"}).status_code == 404
    assert client.get(url("report_validate", report.pk)).status_code == 405


def test_save_distinguishes_empty_zero_and_nothing_to_report(client_for, report):
    c = client_for("officer_a")
    resp = save(c, report, {"v-MEMBERS": "", "v-SESSIONS": "0", "na-MAX_POINTS": "1", "v-HAS_PLAN": "no",
                            "v-NOTE": "Ghi chú", "n-KQ": "<p>Văn bản <script>alert(1)</script><u>gạch</u></p>"})
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert data["ok"] and data["revision"] == 1 and not data["errors"]
    assert data["message"].startswith(("Saved at", "Đã lưu lúc"))
    v = values(report)
    assert v["MEMBERS"] == ("missing", None, None, "")
    assert v["SESSIONS"] == ("value", Decimal(0), None, "")
    assert v["MAX_POINTS"] == ("not_applicable", None, None, "")
    assert v["HAS_PLAN"] == ("value", None, False, "")
    assert v["NOTE"][3] == "Ghi chú"
    assert report.narratives.get().html == "<p>Văn bản <u>gạch</u></p>"
    # the page shows them back as three different states
    body = c.get(report.get_absolute_url()).content.decode()
    assert 'data-code="MEMBERS" data-state="missing"' in body
    assert 'data-code="SESSIONS" data-state="value"' in body
    assert 'data-code="MAX_POINTS" data-state="not_applicable"' in body
    assert 'id="id-na-MAX_POINTS" name="na-MAX_POINTS" value="1" data-target="id-v-MAX_POINTS" checked' in body


def test_bad_value_gets_its_message_and_nothing_else_is_lost(client_for, report):
    c = client_for("officer_a")
    save(c, report, {"v-ATTENDED": "50", "v-SESSIONS": "2"})
    report.refresh_from_db()
    resp = save(c, report, {"v-MEMBERS": "120", "v-ATTENDED": "abc", "v-PCT_ATTEND": "150", "v-SESSIONS": "3"})
    data = resp.json()
    assert set(data["errors"]) == {"ATTENDED", "PCT_ATTEND"}
    assert data["errors"]["PCT_ATTEND"] in ("The value must be at most 100.", "Giá trị không được lớn hơn 100.") \
        or "100" in data["errors"]["PCT_ATTEND"]
    v = values(report)
    assert v["MEMBERS"][1] == 120 and v["SESSIONS"][1] == 3 and v["ATTENDED"][1] == 50  # old value kept
    assert "PCT_ATTEND" not in v
    # without JavaScript: the page comes back with the typed value and the message next to the field
    report.refresh_from_db()
    resp = save(c, report, {"v-ATTENDED": "abc", "v-SESSIONS": "4"}, json=False)
    body = resp.content.decode()
    assert resp.status_code == 200
    assert 'name="v-ATTENDED" value="abc"' in body and 'data-source="field"' in body
    assert values(report)["SESSIONS"][1] == 4


REFUSED = {"v-ATTENDED": "abc", "v-SESSIONS": "-3", "v-MAX_POINTS": "2.5"}
REFUSED_MESSAGES = {"ATTENDED": "Nhập một số.", "SESSIONS": "Giá trị không được nhỏ hơn 0.",
                    "MAX_POINTS": "Nhập một số nguyên."}


def test_autosave_names_the_fields_it_did_not_save_and_answers_with_what_it_stored(client_for, report):
    c = client_for("officer_a")
    data = save(c, report, {"v-MEMBERS": "1e2", "v-PCT_ATTEND": "+95", **REFUSED}).json()
    assert data["ok"] and data["revision"] == 1
    assert data["errors"] == REFUSED_MESSAGES
    assert re.fullmatch(r"Đã lưu lúc \d\d:\d\d, trừ 3 ô có lỗi:", data["message"])
    # what the inputs must now show: the stored values, not the text as typed
    assert data["values"] == {"MEMBERS": "100", "PCT_ATTEND": "95"}
    v = values(report)
    assert set(v) == {"MEMBERS", "PCT_ATTEND"} and v["MEMBERS"][1] == 100  # nothing invalid stored
    # a later save with the fields corrected says "saved", nothing else
    data = save(c, report, {"v-ATTENDED": "90", "v-SESSIONS": "3", "v-MAX_POINTS": "2"}, revision=1).json()
    assert data["errors"] == {} and re.fullmatch(r"Đã lưu lúc \d\d:\d\d", data["message"])
    assert data["values"] == {"ATTENDED": "90", "SESSIONS": "3", "MAX_POINTS": "2"}


def test_draft_post_without_javascript_keeps_the_refused_text_and_lists_the_fields(client_for, report):
    c = client_for("officer_a")
    resp = save(c, report, {"v-MEMBERS": "1e2", "v-PCT_ATTEND": "150", "explanation": "Đang giải trình",
                            **REFUSED}, json=False)
    body = resp.content.decode()
    assert resp.status_code == 200
    assert 'data-state="partial"' in body and re.search(r"Đã lưu lúc \d\d:\d\d, trừ 4 ô có lỗi:", body)
    bar = body[body.index('id="autosave-status"'):]
    bar = bar[:bar.index("</div>")]
    # the first three fields are links to them, in the form's order; the rest are counted
    assert re.findall(r'href="#id-v-(\w+)"', bar) == ["ATTENDED", "PCT_ATTEND", "SESSIONS"]
    assert "Số đảng viên tham gia học tập" in bar and "và 1 ô khác" in bar
    # refused fields as typed with their message; the saved one as stored; the explanation as typed
    assert 'name="v-ATTENDED" value="abc"' in body and 'name="v-SESSIONS" value="-3"' in body
    for message in REFUSED_MESSAGES.values():
        assert f'data-source="field">{message}<' in body
    assert 'name="v-MEMBERS" value="100"' in body and 'value="1e2"' not in body
    assert ">Đang giải trình</textarea>" in body
    assert set(values(report)) == {"MEMBERS"}
    # the next visit shows what is stored, without the warning
    body = c.get(report.get_absolute_url()).content.decode()
    assert 'data-state="partial"' not in body and 'name="v-ATTENDED" value=""' in body


def test_validate_as_you_type_saves_nothing(client_for, report):
    c = client_for("officer_a")
    resp = c.post(url("report_validate", report.pk), {"v-MEMBERS": "10", "v-ATTENDED": "12", "v-PCT_ATTEND": "101",
                                                      "v-SESSIONS": "x"})
    data = resp.json()
    assert set(data["errors"]) == {"PCT_ATTEND", "SESSIONS"}
    rule = [i for i in data["issues"] if i["kind"] == "rule"]
    assert [(i["severity"], sorted(i["codes"])) for i in rule] == [("error", ["ATTENDED", "MEMBERS"])]
    resp = c.post(url("report_validate", report.pk), {"v-MEMBERS": "10", "v-ATTENDED": "9", "v-PCT_ATTEND": "80"})
    assert [(i["severity"], i["codes"]) for i in resp.json()["issues"]] == [("warning", ["PCT_ATTEND"])]
    assert not ReportValue.objects.filter(report=report).exists()
    report.refresh_from_db()
    assert report.revision == 0
    assert client_for("officer_b").post(url("report_validate", report.pk), {"v-MEMBERS": "1"}).status_code == 404


def test_stale_revision_gets_the_conflict_message_and_the_first_save_stays(client_for, client, cast, report,
                                                                            specialist):
    first, second = client_for("officer_a"), login(client, specialist)
    assert save(first, report, {"v-MEMBERS": "120"}, revision=0).json()["revision"] == 1
    resp = save(second, report, {"v-MEMBERS": "999", "v-SESSIONS": "1"}, revision=0)
    assert resp.status_code == 409
    data = resp.json()
    assert data["conflict"] and "Lê Thị An" in data["message"]
    assert values(report)["MEMBERS"][1] == 120 and "SESSIONS" not in values(report)
    # without JavaScript: the page says so and keeps what was typed in the inputs
    resp = save(second, report, {"v-MEMBERS": "999"}, revision=0, json=False)
    body = resp.content.decode()
    assert resp.status_code == 409 and 'data-testid="conflict"' in body and 'value="999"' in body
    assert values(report)["MEMBERS"][1] == 120


# --------------------------------------------------------------------------- workflow


def test_workflow_submit_return_resubmit_approve_lock_unlock(client_for, client, cast, report, specialist):
    clerk, leader = client_for("officer_a"), client_for("leader")
    # submit with a required value missing: blocked, listed, still a draft
    resp = clerk.post(url("report_submit", report.pk), {"revision": 0, "v-SESSIONS": "+2", "explanation": "Giải trình"})
    body = resp.content.decode()
    assert resp.status_code == 200 and 'data-testid="submit-errors"' in body and "Số đảng viên" in body
    assert 'name="v-SESSIONS" value="2"' in body and ">Giải trình</textarea>" in body  # as stored / as typed
    report.refresh_from_db()
    assert report.status == "draft" and values(report)["SESSIONS"][1] == 2
    assert f'name="revision" id="entry-revision" value="{report.revision}"' in body  # the page goes on from here
    # a wrong value blocks the submission, the rest is saved
    body = clerk.post(url("report_submit", report.pk), {"revision": report.revision, "v-MEMBERS": "abc",
                                                        "v-SESSIONS": "3"}).content.decode()
    report.refresh_from_db()
    assert report.status == "draft" and values(report)["SESSIONS"][1] == 3 and 'value="abc"' in body
    assert 'data-state="partial"' in body and 'href="#id-v-MEMBERS"' in body
    assert f'name="revision" id="entry-revision" value="{report.revision}"' in body
    # a warning (attendance below 90%) needs an explanation
    data = {**GOOD, "v-PCT_ATTEND": "85", "revision": report.revision}
    body = clerk.post(url("report_submit", report.pk), data).content.decode()
    report.refresh_from_db()
    assert report.status == "draft" and 'data-testid="submit-errors"' in body
    data = {**GOOD, "v-PCT_ATTEND": "85", "revision": report.revision, "explanation": "Nhiều đảng viên đi làm ăn xa."}
    resp = clerk.post(url("report_submit", report.pk), data)
    assert resp.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.warning_explanation == "Nhiều đảng viên đi làm ăn xa."
    # the unit cannot return or approve; the form is gone
    body = clerk.get(report.get_absolute_url()).content.decode()
    assert 'id="entry-form"' not in body and 'id="btn-return"' not in body
    assert clerk.post(url("report_approve", report.pk)).status_code == 404  # no approve right anywhere
    # review rights over her own commune do not make her the receiving side
    assert clerk.post(url("report_return", report.pk), {"comment": "x"}).status_code == 403
    assert save(clerk, report, {"v-MEMBERS": "1"}).status_code == 423
    # the receiving specialist returns it with a comment (not approve: that is the leader's)
    spec = login(client, specialist)
    body = spec.get(report.get_absolute_url()).content.decode()
    assert 'id="btn-return"' in body and 'id="btn-approve"' not in body
    assert spec.post(url("report_approve", report.pk)).status_code == 404
    # an empty comment: the message at the field, nothing done
    resp = spec.post(url("report_return", report.pk), {"comment": "  "})
    assert resp.status_code == 200
    form = _return_form(resp)
    assert 'id="id_comment-errors"' in form and "Hãy nêu rõ nội dung cần sửa." in form
    assert "autofocus" in form and 'aria-invalid="true"' in form
    report.refresh_from_db()
    assert report.status == "submitted"
    # too long: the message at the field and the text kept
    long = "Bổ sung " + "x" * 4000
    form = _return_form(spec.post(url("report_return", report.pk), {"comment": long}))
    assert "4000" in form and long in form
    # the unit's clerk is not the receiving side, whatever she types
    assert clerk.post(url("report_return", report.pk), {"comment": ""}).status_code == 403
    spec.post(url("report_return", report.pk), {"comment": "Bổ sung số điểm cầu."})
    report.refresh_from_db()
    assert report.status == "returned" and report.returned_comment == "Bổ sung số điểm cầu."
    # the unit sees the comment, corrects and resubmits
    body = clerk.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="returned-comment"' in body and "Bổ sung số điểm cầu." in body
    assert url("report_resubmit", report.pk) in body
    resp = clerk.post(url("report_resubmit", report.pk), {**GOOD, "v-MAX_POINTS": "6", "revision": report.revision,
                                                          "explanation": "ok"})
    assert resp.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and values(report)["MAX_POINTS"][1] == 6
    # the leader approves: locked
    body = leader.get(report.get_absolute_url()).content.decode()
    assert 'id="btn-approve"' in body
    assert leader.post(url("report_approve", report.pk)).status_code == 302
    report.refresh_from_db()
    assert report.status == "approved" and report.is_locked
    body = clerk.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="locked"' in body and 'id="entry-form"' not in body and 'id="btn-unlock"' not in body
    before = values(report)
    resp = save(clerk, report, {"v-MEMBERS": "1"})
    assert resp.status_code == 423 and resp.json()["locked"]
    resp = save(leader, report, {"v-MEMBERS": "1"}, json=False)
    assert resp.status_code == 302 and values(report) == before
    # unlock needs a reason, and is audited
    body = leader.get(report.get_absolute_url()).content.decode()
    assert 'id="btn-unlock"' in body
    body = leader.post(url("report_unlock", report.pk), {"reason": " "}).content.decode()
    unlock = body[body.index('id="unlock-form"'):]
    assert 'id="id_reason-errors"' in unlock[:unlock.index("</form>")] and "Hãy nêu lý do mở khóa." in unlock
    report.refresh_from_db()
    assert report.status == "approved"
    leader.post(url("report_unlock", report.pk), {"reason": "Sai số hội nghị."})
    report.refresh_from_db()
    assert report.status == "returned"
    last = history_for(report).order_by("-at", "-id").first()
    assert last.action == "unlock" and last.reason == "Sai số hội nghị." and last.actor == cast.leader
    # the timeline shows every step with who and the comments
    body = clerk.get(report.get_absolute_url()).content.decode()
    timeline = body[body.index('data-testid="timeline"'):]
    for action in ("submitted", "returned", "approved", "unlock"):
        assert f'data-action="{action}"' in timeline
    assert "Bổ sung số điểm cầu." in timeline and "Sai số hội nghị." in timeline and "Trần Văn Lãnh" in timeline


def test_versions_page_shows_the_diff(client_for, cast, report):
    services.report_save_draft(report=report, by=cast.officer_a, values={"MEMBERS": 120, "ATTENDED": 100,
                               "PCT_ATTEND": 95, "SESSIONS": 2}, based_on_revision=0)
    services.report_submit(report=report, by=cast.officer_a)
    services.report_return(report=report, comment="Sửa số hội nghị", by=cast.leader)
    report.refresh_from_db()
    services.report_save_draft(report=report, by=cast.officer_a, values={"SESSIONS": 0, "MAX_POINTS": "not_applicable"},
                               based_on_revision=report.revision)
    services.report_resubmit(report=report, by=cast.officer_a)
    c = client_for("officer_a")
    resp = c.get(url("report_versions", report.pk) + "?a=2&b=3")
    body = resp.content.decode()
    assert resp.status_code == 200 and 'data-testid="diff"' in body
    row = body[body.index('data-code="SESSIONS"'):]
    row = row[:row.index("</tr>")]
    assert "Số hội nghị" in row and ">2<" in row.replace(" ", "") and ">0<" in row.replace(" ", "")
    assert "<code" not in row and 'title="Mã chỉ tiêu: SESSIONS"' in row  # the code: a tooltip for the unit
    assert 'data-code="MAX_POINTS"' in body
    assert 'data-code="MEMBERS"' not in body  # unchanged rows are not listed
    resp = c.get(url("report_versions", report.pk) + "?a=1&b=current")
    assert resp.status_code == 200 and 'data-code="SESSIONS"' in resp.content.decode()
    # Those who build the form (the receiving side's administrator) see it as text.
    body = client_for("admin").get(url("report_versions", report.pk) + "?a=2&b=3").content.decode()
    assert '<code class="small">SESSIONS</code>' in body


# --------------------------------------------------------------------------- attachments


def _pdf(name="bien-ban.pdf"):
    f = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    f.name = name
    return f


def test_attachments_upload_list_download_remove(client_for, report):
    c = client_for("officer_a")
    resp = c.post(url("attachment_add", report.pk), {"file": _pdf()})
    assert resp.status_code == 302
    att = Attachment.objects.get(report=report)
    assert att.kind == "pdf" and att.name == "bien-ban.pdf"
    body = c.get(report.get_absolute_url()).content.decode()
    assert "bien-ban.pdf" in body and url("attachment_download", att.pk) in body
    resp = c.get(url("attachment_download", att.pk))
    assert resp.status_code == 200 and b"".join(resp.streaming_content).startswith(b"%PDF-")
    assert client_for("officer_b").get(url("attachment_download", att.pk)).status_code == 404
    # content decides, not the name; the message is at the file input, which the page focuses
    fake = io.BytesIO(b"just text\n")
    fake.name = "bien-ban-2.pdf"
    resp = c.post(url("attachment_add", report.pk), {"file": fake})
    assert resp.status_code == 200
    assert Attachment.objects.filter(report=report).count() == 1
    form = resp.content.decode()
    form = form[form.index('id="attachment-form"'):]
    form = form[:form.index("</form>")]
    assert 'id="attachment-errors"' in form and "Loại tệp này không được chấp nhận" in form
    assert re.search(r'<input[^>]*id="id-attachment"[^>]*aria-invalid="true" autofocus', form)
    body = c.post(url("attachment_add", report.pk), {}).content.decode()
    assert 'id="attachment-errors"' in body and "Chọn tệp để đính kèm." in body
    assert client_for("officer_b").post(url("attachment_remove", att.pk)).status_code == 404
    c.post(url("attachment_remove", att.pk))
    att.refresh_from_db()
    assert att.is_removed
    body = c.get(report.get_absolute_url()).content.decode()
    assert url("attachment_download", att.pk) not in body
    assert c.get(url("attachment_download", att.pk)).status_code == 404


# --------------------------------------------------------------------------- deadlines, form versions


def test_deadline_passed_mid_edit_still_saves(client_for, regime, cast):
    report = services.report_get_or_create_draft(regime=regime, period=period("2026-H1"), unit=cast.a,
                                                 by=cast.officer_a)
    c = client_for("officer_a")
    body = c.get(report.get_absolute_url()).content.decode()
    assert 'id="deadline-note"' in body and "05/07/2026" in body and 'data-overdue="1"' in body
    data = save(c, report, {"v-MEMBERS": "7"}).json()
    assert data["ok"] and data["deadline_passed"] and "05/07/2026" in data["deadline_message"]
    assert values(report)["MEMBERS"][1] == 7


def test_newer_form_version_leaves_the_draft_on_its_own(client_for, regime, cast, report):
    new = services.form_version_clone(form=regime.current_form, by=None)
    services.form_version_publish(form=new, by=None)
    report.refresh_from_db()
    assert report.form.number == 1
    body = client_for("officer_a").get(report.get_absolute_url()).content.decode()
    assert 'data-testid="newer-form"' in body
    assert save(client_for("officer_a"), report, {"v-MEMBERS": "3"}).json()["ok"]


# --------------------------------------------------------------------------- query counts


def _big_regime(cast, n: int, code: str):
    regime = services.regime_create(data={"code": code, "name": f"Chế độ {n}", "frequency": "six_monthly",
                                          "receiving_unit": cast.commission}, by=None, unit_types=[cast.a.type])
    form = services.form_version_create(regime=regime, by=None)
    sections = [services.section_save(form=form, data={"code": f"S{i}", "title": f"Phần {i}", "order": i}, by=None)
                for i in range(1, 4)]
    for i in range(n):
        services.indicator_save(form=form, by=None, data={
            "section": sections[i % 3], "code": f"I{i}", "name": f"Chỉ tiêu {i}", "order": i,
            "type": [Indicator.Type.INTEGER, Indicator.Type.PERCENT, Indicator.Type.BOOLEAN][i % 3]})
    services.rule_save(form=form, by=None, data={"expression": "I0 <= 1000000", "message": "Quá lớn"})
    services.form_version_publish(form=form, by=None)
    regime.refresh_from_db()
    report = services.report_get_or_create_draft(regime=regime, period=period("2026-H2"), unit=cast.a, by=None)
    services.report_save_draft(report=report, by=None, based_on_revision=0, values={
        f"I{i}": ["5", "50", "yes"][i % 3] for i in range(n)}, narratives={"S1": "<p>x</p>"})
    return report


def _count(c, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_entry_page_queries_do_not_grow_with_indicators(client_for, cast, django_assert_max_num_queries):
    small = _big_regime(cast, 10, "small")
    big = _big_regime(cast, 100, "big")
    c = client_for("officer_a")
    _count(c, small.get_absolute_url())  # warm caches (content types, sessions)
    n_small = _count(c, small.get_absolute_url())
    n_big = _count(c, big.get_absolute_url())
    assert n_small == n_big
    with django_assert_max_num_queries(n_small):
        c.get(big.get_absolute_url())
    # the validate and autosave endpoints too
    with CaptureQueriesContext(connection) as a:
        c.post(url("report_validate", small.pk), {f"v-I{i}": "6" for i in range(10)})
    with CaptureQueriesContext(connection) as b:
        c.post(url("report_validate", big.pk), {f"v-I{i}": "6" for i in range(100)})
    assert len(a.captured_queries) == len(b.captured_queries)


def test_stale_save_that_changes_nothing_is_not_a_conflict(client_for, report):
    """The page's own save on leaving may land after the page came back: the same values again are fine."""
    c = client_for("officer_a")
    save(c, report, {"v-MEMBERS": "120", "na-SESSIONS": "1", "n-KQ": "<p>x</p>"}, revision=0)
    resp = save(c, report, {"v-MEMBERS": "120", "na-SESSIONS": "1", "n-KQ": "<p>x</p>"}, revision=0)
    assert resp.status_code == 200 and resp.json()["revision"] == 1
    resp = save(c, report, {"v-MEMBERS": "121", "na-SESSIONS": "1"}, revision=0)
    assert resp.status_code == 409 and values(report)["MEMBERS"][1] == 120


def test_attachments_are_fixed_once_submitted(client_for, cast, report):
    c = client_for("officer_a")
    c.post(url("attachment_add", report.pk), {"file": _pdf()})
    att = Attachment.objects.get(report=report)
    services.report_save_draft(report=report, by=cast.officer_a, values={"MEMBERS": 10, "PCT_ATTEND": 95},
                               based_on_revision=report.revision)
    services.report_submit(report=report, by=cast.officer_a)
    body = c.get(report.get_absolute_url()).content.decode()
    assert 'name="file"' not in body and url("attachment_remove", att.pk) not in body
    c.post(url("attachment_add", report.pk), {"file": _pdf("khac.pdf")})
    c.post(url("attachment_remove", att.pk))
    att.refresh_from_db()
    assert Attachment.objects.filter(report=report).count() == 1 and not att.is_removed
