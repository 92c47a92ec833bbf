"""The PDF renderer, read back with pdftotext / pdfinfo (poppler-utils)."""
from __future__ import annotations

import dataclasses
import gc
import re
import subprocess

import pytest

from tuyengiao.documents.render_pdf import render_html, render_pdf
from tuyengiao.documents.samples import sample_report_context


def _pdftotext(path, *args) -> str:
    out = subprocess.run(["pdftotext", "-layout", *args, str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").replace("\u2060", "")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "bao-cao.pdf"
    path.write_bytes(render_pdf(sample_report_context()))
    return path


def test_is_an_a4_pdf(pdf):
    assert pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode()
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert "Báo cáo số 125-BC/BTGDVTU" in info  # the title metadata


def test_header_elements_side_by_side(pdf):
    first = _pdftotext(pdf, "-f", "1", "-l", "1")
    lines = [line for line in first.splitlines() if line.strip()]
    # Left block and right block share their lines, as in 36-HD: superior body | Party heading.
    assert re.search(r"THÀNH ỦY HẢI PHÒNG\s{3,}ĐẢNG CỘNG SẢN VIỆT NAM", lines[0])
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN" in lines[1]
    assert lines[2].strip() == "*"
    assert re.search(r"Số 125-BC/BTGDVTU\s{3,}Hải Phòng, ngày 05 tháng 7 năm 2026", lines[3])
    assert lines[4].strip() == "BÁO CÁO"
    assert lines[5].strip() == "sơ kết công tác tuyên giáo và dân vận 6 tháng đầu năm,"
    assert lines[6].strip() == "phương hướng, nhiệm vụ 6 tháng cuối năm 2026"
    assert lines[7].strip() == "-----"


def test_vietnamese_number_formats_and_no_source_notes(pdf):
    text = _pdftotext(pdf)
    flat = " ".join(text.split())
    assert "1.234 điểm cầu" in flat
    assert "97,5%" in flat
    assert "Tổng hợp từ báo cáo của 7 đảng ủy" not in flat


def test_closing_block(pdf):
    flat = " ".join(_pdftotext(pdf).split())
    assert "Nơi nhận:" in flat
    assert "- Ban Tuyên giáo và Dân vận Trung ương (b/c)," in flat
    assert "- Lưu Văn phòng Ban." in flat
    assert "K/T TRƯỞNG BAN" in flat and "PHÓ TRƯỞNG BAN" in flat and "Nguyễn Văn Hùng" in flat


def test_page_numbers_from_page_two_and_annex_on_its_own_page(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode()
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2
    first = _pdftotext(pdf, "-f", "1", "-l", "1")
    assert first.splitlines()[0].strip() != "1"
    second = [line.strip() for line in _pdftotext(pdf, "-f", "2", "-l", "2").splitlines() if line.strip()]
    assert second[0] == "2"
    last = _pdftotext(pdf, "-f", str(pages), "-l", str(pages))
    assert "PHỤ LỤC" in last and "Nơi nhận" not in last
    assert "(Kèm theo Báo cáo số 125-BC/BTGDVTU" in last


def test_annex_table_and_totals(pdf):
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True).stdout.decode()).group(1))
    last = _pdftotext(pdf, "-f", str(pages), "-l", str(pages))
    assert re.search(r"2\s+Đảng ủy phường Lê Chân\s+21\s+3\.108\s+97,9%\s+5\s+406", last)
    assert re.search(r"Tổng cộng\s+107\s+14\.836\s+98%\s+24\s+1\.840", last)


def test_margins_come_from_the_context(tmp_path):
    ctx = sample_report_context()
    wide = dataclasses.replace(ctx, page=dataclasses.replace(ctx.page, margin_left=35, margin_right=20))
    html = render_html(wide)
    assert "margin: 20mm 20mm 20mm 35mm" in html  # never localised to "20,0"
    path = tmp_path / "wide.pdf"
    path.write_bytes(render_pdf(wide))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in _pdftotext(path, "-f", "1", "-l", "1")


def test_html_preview_shows_source_notes():
    ctx = sample_report_context()
    assert "Tổng hợp từ báo cáo của 7 đảng ủy trực thuộc" in render_html(ctx, show_sources=True)
    assert "Tổng hợp từ báo cáo của 7 đảng ủy trực thuộc" not in render_html(ctx)


def test_rendering_leaves_the_garbage_collector_as_it_found_it():
    # render_pdf raises the collector's threshold while WeasyPrint works; the worker process keeps its own.
    before = gc.get_threshold()
    render_pdf(sample_report_context())
    assert gc.get_threshold() == before
    broken = dataclasses.replace(sample_report_context(), body=(object(),))
    with pytest.raises(TypeError):
        render_pdf(broken)
    assert gc.get_threshold() == before
