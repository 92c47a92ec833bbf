"""XLSX export read back with openpyxl: bold frozen header, numbers as numbers, dates as dates."""
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl

from tuyengiao.reporting.xlsx_export import export_filename, table_xlsx


def read(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_header_numbers_dates_and_totals():
    rows = [
        ["Đảng ủy xã An Bình", 1234, Decimal("97.50"), Decimal("12"), dt.date(2026, 7, 5),
         dt.datetime(2026, 7, 5, 1, 30, tzinfo=dt.UTC), True, None],
        ["Đảng ủy phường Bến Thủy", 0, 2.25, Decimal("0"), None, None, False, "Không phát sinh"],
    ]
    content = table_xlsx(["Đơn vị", "Số hội nghị", "Tỷ lệ", "Số", "Hạn", "Nộp lúc", "Có kế hoạch", "Ghi chú"],
                         rows, title="Tổng hợp 6 tháng đầu năm 2026", totals=["Cộng", 1234, None, 12],
                         notes=["Số liệu đã phê duyệt."])
    ws = read(content)
    assert ws.title == "Tổng hợp 6 tháng đầu năm 2026"
    assert [c.value for c in ws[1]] == ["Đơn vị", "Số hội nghị", "Tỷ lệ", "Số", "Hạn", "Nộp lúc", "Có kế hoạch",
                                         "Ghi chú"]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:H3"
    a, b = ws[2], ws[3]
    assert a[1].value == 1234 and isinstance(a[1].value, int) and a[1].number_format == "#,##0"
    assert a[2].value == 97.5 and a[2].number_format == "#,##0.##"
    assert a[3].value == 12 and isinstance(a[3].value, int)
    assert a[4].value == dt.datetime(2026, 7, 5) and a[4].number_format == "dd/mm/yyyy"
    # aware datetimes in local time (Asia/Ho_Chi_Minh, UTC+7), shown dd/mm/yyyy hh:mm
    local = dt.datetime(2026, 7, 5, 1, 30, tzinfo=dt.UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert a[5].value == local.replace(tzinfo=None) and a[5].number_format == "dd/mm/yyyy hh:mm"
    assert a[6].value == "Có" and b[6].value == "Không"
    assert a[7].value is None and b[7].value == "Không phát sinh"
    assert b[1].value == 0 and b[2].value == 2.25
    totals = ws[4]
    assert [c.value for c in totals[:4]] == ["Cộng", 1234, None, 12] and totals[0].font.bold
    assert ws["A6"].value == "Số liệu đã phê duyệt."
    assert ws.column_dimensions["A"].width >= len("Đảng ủy phường Bến Thủy")


def test_user_text_never_becomes_a_formula():
    ws = read(table_xlsx(["Ghi chú"], [["=SUM(A1:A9)"], ["-5"], ["@x"]]))
    assert ws["A2"].value == "'=SUM(A1:A9)" and ws["A2"].data_type == "s"
    assert ws["A3"].value == "-5"
    assert ws["A4"].value == "'@x"


def test_empty_table():
    ws = read(table_xlsx(["Đơn vị", "Giá trị"], []))
    assert [c.value for c in ws[1]] == ["Đơn vị", "Giá trị"] and ws.max_row == 1


def test_export_filename_is_ascii_without_diacritics():
    assert export_filename("tổng hợp", "2026-H1") == "tong-hop-2026-H1.xlsx"
    assert export_filename("tình hình nộp báo cáo", "2026-07") == "tinh-hinh-nop-bao-cao-2026-07.xlsx"
    assert export_filename("Đảng ủy", "") == "Dang-uy.xlsx"
    assert export_filename("chuỗi số liệu", "NQ_SESSIONS").isascii()
