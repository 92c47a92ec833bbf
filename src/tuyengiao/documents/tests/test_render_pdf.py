"""The PDF renderer, read back with pdftotext / pdfinfo (poppler-utils)."""
from __future__ import annotations

import dataclasses
import gc
import re
import subprocess

import pytest

from tuyengiao.documents import pdf_parts
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


# -- annex page numbers and the PDF made by two processes ------------------------------------------


def _pages(path) -> list[str]:
    """Each page's text; pdftotext separates pages with a form feed."""
    return _pdftotext(path).split("\f")[:-1]


def _number_line(page: str) -> str:
    return next((line.strip() for line in page.splitlines() if line.strip()), "")


def _long_context(annex_pages: str = "separate"):
    """About 33 pages of report and a three-page annex, enough for both processes to take part."""
    ctx = sample_report_context()
    annex = ctx.annexes[0]
    table = annex.blocks[-1]
    rows = tuple((n, f"Đảng ủy xã số {n}", *row[2:]) for n in range(1, 91) for row in table.rows[:1])
    long_annex = dataclasses.replace(annex, blocks=(*annex.blocks[:-1], dataclasses.replace(table, rows=rows)))
    return dataclasses.replace(ctx, body=ctx.body * 22, annexes=(long_annex,),
                               page=dataclasses.replace(ctx.page, annex_pages=annex_pages))


REAL_GUARD = pdf_parts.can_fork


@pytest.fixture(scope="module")
def forking_allowed():
    """The suite's browser tests leave pytest-django's live server thread and Playwright's waitpid thread
    running, and pdf_parts forks only a single-threaded process (a worker). Those threads are idle while
    these tests render, so here the forks are allowed; test_a_process_with_threads_makes_it_alone checks
    the guard itself."""
    import tuyengiao.documents.pdf_parts as parts

    real = parts.can_fork
    parts.can_fork = lambda: hasattr(parts.os, "fork")
    yield
    parts.can_fork = real


@pytest.fixture(scope="module")
def long_pdfs(tmp_path_factory, forking_allowed):
    """The long report made in one process and in two (forks counted), in both numbering modes."""
    import tuyengiao.documents.pdf_parts as parts

    out = {}
    folder = tmp_path_factory.mktemp("long")
    real_fork = parts.os.fork
    forks = []

    def counting_fork():
        forks.append(1)
        return real_fork()

    parts.os.fork = counting_fork
    try:
        for mode in ("separate", "continued"):
            for processes in (1, 2):
                path = folder / f"{mode}-{processes}.pdf"
                before = len(forks)
                path.write_bytes(render_pdf(_long_context(mode), processes=processes))
                out[mode, processes] = (path, len(forks) - before)
    finally:
        parts.os.fork = real_fork
    return out


def test_two_processes_make_the_same_pages_as_one(long_pdfs):
    from pypdf import PdfReader

    for mode in ("separate", "continued"):
        (one, forks_one), (two, forks_two) = long_pdfs[mode, 1], long_pdfs[mode, 2]
        assert forks_one == 0
        # separate: the annexes and the second half of the pages; continued: the second half only.
        assert forks_two == (2 if mode == "separate" else 1)
        pages_one, pages_two = _pages(one), _pages(two)
        assert len(pages_one) >= 30
        assert pages_two == pages_one
        r1, r2 = PdfReader(one), PdfReader(two)
        assert r2.metadata.title == r1.metadata.title == "Báo cáo số 125-BC/BTGDVTU"
        assert r2.trailer["/Root"].get("/Lang") == r1.trailer["/Root"].get("/Lang")

        def flat(reader, items=None):
            out = []
            for item in reader.outline if items is None else items:
                if isinstance(item, list):
                    out.append(flat(reader, item))
                else:
                    out.append((item.title, reader.get_destination_page_number(item)))
            return out

        assert flat(r1) and flat(r2) == flat(r1)  # the headings' bookmarks, nested and on their pages


def test_annex_numbered_on_its_own_or_continued(long_pdfs):
    separate, continued = _pages(long_pdfs["separate", 2][0]), _pages(long_pdfs["continued", 2][0])
    assert len(separate) == len(continued)
    first_annex = next(i for i, page in enumerate(separate) if "PHỤ LỤC" in page)
    assert [_number_line(p) for p in separate[1:first_annex]] == [str(n) for n in range(2, first_annex + 1)]
    # Separate: the annex's first page carries no number, its next pages 2, 3, ...
    assert _number_line(separate[first_annex]) == "PHỤ LỤC"
    assert [_number_line(p) for p in separate[first_annex + 1:]] == [
        str(n) for n in range(2, len(separate) - first_annex + 1)]
    # Continued: the annex goes on from the report's last page.
    assert [_number_line(p) for p in continued[first_annex:]] == [
        str(n) for n in range(first_annex + 1, len(continued) + 1)]
    assert len(separate) - first_annex >= 2


def test_a_failed_part_process_is_made_again_here(caplog, forking_allowed):
    import os

    from tuyengiao.documents.pdf_parts import Part

    parent = os.getpid()

    def make():
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return b"%PDF-made-here"

    part = Part(make, fork=True)
    assert part._pid  # it did fork
    assert part.result() == b"%PDF-made-here"
    assert "making the part in this process" in caplog.text


def test_a_part_not_needed_is_stopped(forking_allowed):
    import os
    import time

    from tuyengiao.documents.pdf_parts import Part

    part = Part(lambda: time.sleep(30) or b"%PDF", fork=True)
    pid = part._pid
    assert pid
    part.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # already reaped: no zombie left behind
    broken = dataclasses.replace(_long_context(), body=(object(),))
    with pytest.raises(TypeError):  # the report fails while its annex is made in a child
        render_pdf(broken, processes=2)


def test_a_process_with_threads_makes_it_alone(tmp_path):
    """A thread holding a lock at a fork would leave the child blocked: with a second thread running,
    nothing forks and the same pages are made in this process."""
    import threading

    import tuyengiao.documents.pdf_parts as parts

    real_fork, forks, guard = parts.os.fork, [], parts.can_fork
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        parts.can_fork = REAL_GUARD  # not the module's forking_allowed stand-in
        parts.os.fork = lambda: forks.append(1) or real_fork()
        assert not parts.can_fork()
        path = tmp_path / "alone.pdf"
        path.write_bytes(render_pdf(_long_context(), processes=2))
    finally:
        parts.os.fork, parts.can_fork = real_fork, guard
        stop.set()
        other.join()
    assert forks == []
    pages = _pages(path)
    assert len(pages) >= 30 and _number_line(pages[1]) == "2"
