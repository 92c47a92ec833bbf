"""SVG charts: well-formed, accessible XML with the bars and points the numbers call for."""
import xml.etree.ElementTree as ET
from decimal import Decimal

from tuyengiao.reporting import charts

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def assert_accessible(root: ET.Element, title: str):
    assert root.get("role") == "img"
    assert root.get("aria-label") == title
    assert root.find("s:title", NS).text == title
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find("s:title", NS).get("id") == title_id
    assert root.find("s:desc", NS).get("id") == desc_id
    assert "style" not in ET.tostring(root, encoding="unicode")


def test_stacked_bar_segments_are_shares_of_the_expected_units():
    svg = charts.stacked_bar([charts.Segment("Đúng hạn", 6, "ontime"), charts.Segment("Trễ hạn", 2, "late"),
                              charts.Segment("Chưa nộp", 0, "overdue")], total=10, title="Tình hình nộp", width=500)
    root = parse(svg)
    assert_accessible(root, "Tình hình nộp")
    segs = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if "chart-seg" in r.get("class", "").split()]
    assert [s.get("class") for s in segs] == ["chart-seg chart-seg-ontime", "chart-seg chart-seg-late"]  # 0: no bar
    assert [float(s.get("width")) for s in segs] == [300.0, 100.0]
    assert float(segs[1].get("x")) == 300.0
    desc = root.find("s:desc", NS).text
    assert "Đúng hạn: 6 (60%)" in desc and "Trễ hạn: 2 (20%)" in desc


def test_stacked_bar_never_draws_more_than_100_percent():
    svg = charts.stacked_bar([charts.Segment("A", 8, "ontime"), charts.Segment("B", 7, "late")], total=10,
                             title="t", width=400)
    segs = [r for r in parse(svg).iter("{http://www.w3.org/2000/svg}rect") if "chart-seg" in r.get("class", "").split()]
    assert sum(float(s.get("width")) for s in segs) == 400.0


def test_bar_chart_one_bar_per_value_and_escaped_labels():
    svg = charts.bar_chart([("Xã <A> & B", 10), ("Xã C", 5), ("Xã D", None)], title="Số hội nghị", width=600)
    root = parse(svg)
    assert_accessible(root, "Số hội nghị")
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if "chart-bar" in r.get("class", "")]
    assert [b.get("data-value") for b in bars] == ["10", "5"]
    assert float(bars[0].get("width")) == 2 * float(bars[1].get("width"))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Xã <A> & B" in texts and "—" in texts


def test_line_chart_points_gaps_and_incomparable_points():
    pts = [charts.Point("2024-H1", 100), charts.Point("2024-H2", None), charts.Point("2025-H1", Decimal("1234.5")),
           charts.Point("2025-H2", 90, comparable=False)]
    root = parse(charts.line_chart(pts, title="Chuỗi", unit_label="hội nghị"))
    assert_accessible(root, "Chuỗi")
    circles = list(root.iter("{http://www.w3.org/2000/svg}circle"))
    assert [c.get("data-value") for c in circles] == ["100", "1234.5", "90"]
    assert [("chart-point-incomparable" in c.get("class")) for c in circles] == [False, False, True]
    # the gap breaks the line: one polyline through the last two points only
    lines = list(root.iter("{http://www.w3.org/2000/svg}polyline"))
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2
    # higher values sit higher (smaller y)
    ys = [float(c.get("cy")) for c in circles]
    assert ys[1] < ys[0] and ys[1] < ys[2]
    desc = root.find("s:desc", NS).text
    assert "2025-H1: 1.234,5" in desc and "2024-H2: —" in desc
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "2024-H1" in labels and "2025-H2" in labels


def test_line_chart_grid_uses_round_values():
    root = parse(charts.line_chart([charts.Point("a", 37), charts.Point("b", 925)], title="t"))
    axis = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "chart-axis"]
    assert axis[:5] == ["0", "250", "500", "750", "1.000"]


def test_empty_line_chart_is_still_valid():
    root = parse(charts.line_chart([], title="Không có số liệu"))
    assert root.find("s:title", NS).text == "Không có số liệu"
