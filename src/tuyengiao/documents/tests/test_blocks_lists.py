"""List items in a document body are paragraphs starting with their marker: cleaning and splitting the
body keep the marker and the italic flag as they are (pure functions, no database)."""
from tuyengiao.documents.blocks import clean_body, split_body
from tuyengiao.documents.context import Paragraph


def test_markers_and_italic_survive_clean_and_split():
    raw = [
        {"kind": "paragraph", "text": "- Hội nghị trực tiếp;\r\n", "source": "Xã A", "sources": [1, "2"]},
        {"kind": "paragraph", "text": "+ kết nối điểm cầu thôn.", "italic": False},
        {"kind": "paragraph", "text": "1. Quán triệt chuyên đề."},
        {"kind": "paragraph", "text": "a) Viết bài thu hoạch."},
        {"kind": "paragraph", "text": "(Có phụ lục kèm theo)", "italic": True},
    ]
    body = clean_body(raw)
    assert [b["text"] for b in body] == ["- Hội nghị trực tiếp;", "+ kết nối điểm cầu thôn.",
                                         "1. Quán triệt chuyên đề.", "a) Viết bài thu hoạch.", "(Có phụ lục kèm theo)"]
    assert body[0]["sources"] == [1, 2]
    assert clean_body(body) == body  # cleaning what the editor posts back changes nothing
    main, annexes = split_body(body)
    assert annexes == ()
    assert main == (Paragraph(text="- Hội nghị trực tiếp;", source="Xã A"), Paragraph(text="+ kết nối điểm cầu thôn."),
                    Paragraph(text="1. Quán triệt chuyên đề."), Paragraph(text="a) Viết bài thu hoạch."),
                    Paragraph(text="(Có phụ lục kèm theo)", italic=True))
