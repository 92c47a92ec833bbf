"""The commission's specialist builds the consolidated review report in Chromium, edits a paragraph,
saves, and downloads the DOCX and the PDF, which open (python-docx, pdftotext)."""
from __future__ import annotations

import re
import subprocess

import pytest
from docx import Document
from playwright.sync_api import expect

from tuyengiao.accounts.models import Grant, User
from tuyengiao.accounts.roles import Role
from tuyengiao.core.testing.personas import PASSWORD, START
from tuyengiao.documents.models import DraftDocument
from tuyengiao.reporting.tests.factories import approved, make_regime, period
from tuyengiao.reporting.tests.test_consolidated import ensure_document_types

from .conftest import tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_specialist_builds_edits_and_downloads(ui, cast, tmp_path):
    ensure_document_types()
    regime = make_regime(cast)
    p = period("2026-H1")
    approved(regime, p, cast.a, {"MEMBERS": 1200, "ATTENDED": 1180, "PCT_ATTEND": "98.33", "SESSIONS": 700},
             {"KQ": "<p>Đảng ủy xã An Bình quán triệt trực tiếp kết hợp trực tuyến.</p>"})
    approved(regime, p, cast.b, {"MEMBERS": 834, "ATTENDED": 800, "PCT_ATTEND": "95.92", "SESSIONS": 534},
             {"KQ": "<p>Đảng ủy phường Bến Thủy tổ chức học tập cho 100% chi bộ.</p>"})
    user = User.objects.create_user(username="tonghop", password=PASSWORD, full_name="Ngô Thị Tổng Hợp",
                                    home_unit=cast.commission)
    Grant.objects.create(user=user, unit=cast.province, role=Role.SPECIALIST, valid_from=START)

    page = ui.page
    ui.login("tonghop")
    ui.goto("/reports/consolidated/")
    page.get_by_test_id("build-consolidated").click()
    page.locator("#id_regime").select_option(str(regime.pk))
    page.locator("#id_period").select_option(str(p.pk))
    page.locator("form.build-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reports/consolidated/\d+/$"))
    ui.assert_clean()

    # The generated sentence carries the totals; the units' texts show their sources.
    editor = page.get_by_test_id("editor")
    generated = editor.locator("textarea", has_text="số hội nghị: 1.234")
    expect(generated).to_have_count(1)
    expect(editor.locator(".cblock-source", has_text="Đảng ủy xã An Bình — Báo cáo")).to_be_visible()

    # Edit a paragraph, add one, save.
    own = editor.locator("textarea", has_text="Đảng ủy xã An Bình quán triệt")
    own.fill("Đảng ủy xã An Bình quán triệt nghị quyết đến 100% chi bộ (đã biên tập).")
    own.locator("xpath=ancestor::div[contains(@class,'cblock')]").locator("[data-cblock=add]").click()
    page.locator("textarea:focus").fill("Đoạn chuyên viên viết thêm.")
    page.locator("#id_signature_signer").fill("Nguyễn Văn Hùng")
    page.locator("#id_comment").fill("biên tập lần 1")
    page.get_by_test_id("save").click()
    expect(page.locator(".alert-success")).to_contain_text(tr("Saved.", "Đã lưu"))
    expect(page.get_by_test_id("versions")).to_contain_text("biên tập lần 1")
    draft = DraftDocument.objects.get()
    assert draft.revision == 2
    texts = [b["text"] for b in draft.body if b["kind"] == "paragraph"]
    assert "Đảng ủy xã An Bình quán triệt nghị quyết đến 100% chi bộ (đã biên tập)." in texts
    i = texts.index("Đảng ủy xã An Bình quán triệt nghị quyết đến 100% chi bộ (đã biên tập).")
    assert texts[i + 1] == "Đoạn chuyên viên viết thêm."

    # DOCX and PDF: produced by the background task (immediate in tests), then downloaded.
    files = {}
    for fmt in ("docx", "pdf"):
        page.get_by_test_id(f"export-{fmt}").click()
        link = page.get_by_test_id(f"download-{fmt}").first
        expect(link).to_be_visible(timeout=30_000)
        with page.expect_download() as info:
            link.click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        files[fmt] = target
    ui.assert_clean()

    assert files["docx"].suffix == ".docx" and files["pdf"].suffix == ".pdf"
    doc = Document(str(files["docx"]))
    paragraphs = [p.text for p in doc.paragraphs] + [p.text for t in doc.tables for r in t.rows for c in r.cells
                                                     for p in c.paragraphs]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in paragraphs and "BÁO CÁO" in paragraphs
    assert "Đảng ủy xã An Bình quán triệt nghị quyết đến 100% chi bộ (đã biên tập)." in paragraphs
    assert "Nguyễn Văn Hùng" in paragraphs
    text = subprocess.run(["pdftotext", "-layout", str(files["pdf"]), "-"], capture_output=True, check=True,
                          text=True).stdout
    flat = " ".join(text.replace("\u2060", "").split())
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in flat and "-BC/BTGDVTU" in flat
    assert "số hội nghị: 1.234" in flat and "Đoạn chuyên viên viết thêm." in flat
    assert "Tổng cộng 2.034" in flat

    # The preview opens with the sources, and no CSP violation.
    ui.goto(f"/reports/consolidated/{draft.pk}/preview/")
    expect(page.locator("aside.source").first).to_be_visible()
    ui.finish()
