import datetime as dt

from tuyengiao.core.vi import fold, format_number, format_percent, party_date_line, sort_vi


def test_fold_removes_every_mark_and_d_stroke():
    assert fold("Đảng ủy Phường Hồng Bàng") == "dang uy phuong hong bang"
    assert fold("Ộ Ữ Ặ ẫ") == "o u a a"


def test_vietnamese_alphabetical_order():
    words = ["Đông", "Dân", "ơn", "ô", "o", "ăn", "ân", "an", "Bình", "Chi", "Êm", "em"]
    assert sort_vi(words) == ["an", "ăn", "ân", "Bình", "Chi", "Dân", "Đông", "em", "Êm", "o", "ô", "ơn"]


def test_tones_order_after_letters():
    assert sort_vi(["Hạ", "Há", "Hà", "Ha", "Hả", "Hã"]) == ["Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]
    # Letters decide before tones: "Hà Nội" comes after "Hạ" (space sorts before letters: "Hà" < "Hàng").
    assert sort_vi(["Hàng", "Hà Nội"]) == ["Hà Nội", "Hàng"]


def test_party_date_line_padding():
    assert party_date_line("Hải Phòng", dt.date(2026, 7, 5)) == "Hải Phòng, ngày 05 tháng 7 năm 2026"
    assert party_date_line("Hạ Long", dt.date(2018, 2, 20)) == "Hạ Long, ngày 20 tháng 02 năm 2018"
    assert party_date_line("Huế", dt.date(2026, 12, 1)) == "Huế, ngày 01 tháng 12 năm 2026"


def test_number_format():
    assert format_number(1234) == "1.234"
    assert format_number(1234567) == "1.234.567"
    assert format_number(97.5) == "97,5"
    assert format_percent(97.55) == "97,6%"
    assert format_percent(98.25) == "98,3%"


def test_people_are_listed_by_given_name():
    from tuyengiao.core.vi import person_sort_key

    names = ["Trần Văn Đức", "Nguyễn Thị An", "Lê Văn Bình", "Phạm Thị Ánh"]
    assert sorted(names, key=person_sort_key) == ["Nguyễn Thị An", "Phạm Thị Ánh", "Lê Văn Bình", "Trần Văn Đức"]
