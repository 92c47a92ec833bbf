import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from tuyengiao.reporting import services
from tuyengiao.reporting.models import Attachment, Indicator

from .factories import make_regime, period


def test_published_form_is_immutable_and_clone_makes_a_new_draft(cast):
    regime = make_regime(cast)
    v1 = regime.current_form
    section = v1.sections.get(code="NQ")
    with pytest.raises(ValidationError) as exc:
        services.indicator_save(form=v1, by=cast.admin, data={"section": section, "code": "NEW", "name": "Mới"})
    assert exc.value.code == "published"
    with pytest.raises(ValidationError):
        services.rule_save(form=v1, by=cast.admin, data={"expression": "MEMBERS > 0", "message": "x"})

    v2 = services.form_version_clone(form=v1, by=cast.admin)
    assert v2.number == 2 and v2.status == "draft"
    assert list(v2.indicators.values_list("code", flat=True)) == list(v1.indicators.values_list("code", flat=True))
    pct = v2.indicators.get(code="PCT_ATTEND")
    assert pct.weight_indicator.form_id == v2.pk and pct.weight_indicator.code == "MEMBERS"
    assert v2.rules.count() == v1.rules.count()
    services.indicator_save(form=v2, by=cast.admin, data={
        "section": v2.sections.get(code="NQ"), "code": "ONLINE_POINTS", "name": "Điểm cầu", "order": 9})
    # A draft under v1 keeps v1 after v2 is published.
    report = services.report_get_or_create_draft(regime=regime, period=period("2026-H1"), unit=cast.a,
                                                 by=cast.officer_a)
    services.form_version_publish(form=v2, by=cast.admin)
    regime.refresh_from_db()
    assert regime.current_form == v2
    report.refresh_from_db()
    assert report.form == v1
    res = services.report_save_draft(report=report, by=cast.officer_a, values={"ONLINE_POINTS": 3},
                                     based_on_revision=0)
    assert "ONLINE_POINTS" in res.errors
    b = services.report_get_or_create_draft(regime=regime, period=period("2026-H1"), unit=cast.b,
                                            by=cast.officer_b)
    assert b.form == v2


def test_rule_names_must_be_indicator_codes_of_the_form(cast):
    regime = make_regime(cast)
    v2 = services.form_version_clone(form=regime.current_form, by=cast.admin)
    with pytest.raises(ValidationError) as exc:
        services.rule_save(form=v2, by=cast.admin, data={"expression": "GHOST <= MEMBERS", "message": "x"})
    assert "GHOST" in str(exc.value)
    with pytest.raises(ValidationError):
        services.rule_save(form=v2, by=cast.admin, data={"expression": "__import__('os')", "message": "x"})


def test_indicator_checks(cast):
    regime = make_regime(cast)
    v2 = services.form_version_clone(form=regime.current_form, by=cast.admin)
    nq = v2.sections.get(code="NQ")
    with pytest.raises(ValidationError):
        services.indicator_save(form=v2, by=cast.admin, data={"section": nq, "code": "bad code", "name": "x"})
    with pytest.raises(ValidationError):
        services.indicator_save(form=v2, by=cast.admin, data={
            "section": nq, "code": "AVG", "name": "x", "aggregation": Indicator.Aggregation.WEIGHTED_MEAN})


def test_form_editing_is_scoped(cast):
    regime = make_regime(cast)
    with pytest.raises(Http404):
        services.form_version_clone(form=regime.current_form, by=cast.officer_a)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_are_type_checked_and_locked_with_the_report(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    regime = make_regime(cast)
    report = services.report_get_or_create_draft(regime=regime, period=period("2026-H1"), unit=cast.a,
                                                 by=cast.officer_a)
    att = services.attachment_add(report=report, by=cast.officer_a,
                                  file=SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf"))
    assert att.kind == "pdf" and att.size == len(PDF) and att.file.read() == PDF
    with pytest.raises(ValidationError):
        services.attachment_add(report=report, by=cast.officer_a,
                                file=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"))
    with pytest.raises(Http404):
        services.attachment_add(report=report, by=cast.officer_b, file=io.BytesIO(PDF))
    services.attachment_remove(attachment=att, by=cast.officer_a)
    assert Attachment.objects.get(pk=att.pk).is_removed


def test_open_draft_moves_to_the_new_form_version(cast):
    from tuyengiao.core.audit import history_for
    from tuyengiao.reporting.models import ReportValue

    regime = make_regime(cast)
    report = services.report_get_or_create_draft(regime=regime, period=period("2026-H1"), unit=cast.a,
                                                 by=cast.officer_a)
    services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=0,
                               values={"MEMBERS": 10, "NOTE": "ghi chú"}, narratives={"KQ": "<p>x</p>"})
    v2 = services.form_version_clone(form=regime.current_form, by=cast.admin)
    v2.indicators.filter(code="NOTE").delete()  # a draft form may still change freely
    services.form_version_publish(form=v2, by=cast.admin)
    report.refresh_from_db()
    report = services.report_upgrade_form(report=report, by=cast.officer_a, based_on_revision=report.revision)
    assert report.form == v2
    members = ReportValue.objects.get(report=report, code="MEMBERS")
    assert members.indicator.form == v2 and members.value_number == 10
    assert ReportValue.objects.get(report=report, code="NOTE").state == "missing"
    assert report.narratives.get().section.form == v2
    entry = history_for(report).first()
    assert entry.after["dropped"] == ["NOTE"] and entry.before["NOTE"]["value"] == "ghi chú"


def test_obligations_of_a_unit(cast):
    import datetime as dt

    from tuyengiao.reporting import selectors

    regime = make_regime(cast)
    items = selectors.obligations(cast.a, on=dt.date(2026, 11, 22))
    assert [(o.regime, o.period.code, o.deadline, o.report) for o in items] == [
        (regime, "2026-H1", dt.date(2026, 7, 5), None), (regime, "2026-H2", dt.date(2027, 1, 5), None)]
    assert selectors.obligations(cast.a1, on=dt.date(2026, 11, 22)) == []


def test_a_report_started_and_never_sent_stays_owed(cast):
    """Two periods back, a draft (or a returned report) does not drop out of the list; an older period
    the unit never started stays out (the completeness pages show it as missing)."""
    import datetime as dt

    from tuyengiao.reporting import selectors, services

    regime = make_regime(cast)
    old = services.report_get_or_create_draft(regime=regime, period=period("2025-H2"), unit=cast.a, by=None)
    items = selectors.obligations(cast.a, on=dt.date(2026, 11, 22))
    assert [(o.period.code, o.report) for o in items] == [("2025-H2", old), ("2026-H1", None), ("2026-H2", None)]
    assert items[0].deadline == dt.date(2026, 1, 5)
    services.report_save_draft(report=old, by=None, values={"MEMBERS": 5}, narratives={},
                               based_on_revision=old.revision)
    old.refresh_from_db()
    services.report_submit(report=old, by=None, explanation="muộn")
    assert [o.period.code for o in selectors.obligations(cast.a, on=dt.date(2026, 11, 22))] == ["2026-H1", "2026-H2"]
