"""A realistic sample context: the mid-year (sơ kết) report of the Ban Tuyên giáo và Dân vận Thành ủy
Hải Phòng for the first half of 2026. For tests and previews; the figures are illustrative."""
from __future__ import annotations

import datetime as dt

from tuyengiao.core.vi import format_number, format_percent

from .context import Annex, Header, Heading, PageSetup, Paragraph, ReportContext, Signature, Table

# (unit, resolution-study conferences, attendances, % of members attending, theory classes, trainees)
_UNITS = [
    ("Đảng ủy phường Hồng Bàng", 18, 2_415, 98.6, 4, 312),
    ("Đảng ủy phường Lê Chân", 21, 3_108, 97.9, 5, 406),
    ("Đảng ủy phường Hải Dương", 24, 3_560, 98.2, 6, 455),
    ("Đảng ủy phường Thủy Nguyên", 16, 2_047, 96.8, 3, 268),
    ("Đảng ủy xã Kiến Thụy", 12, 1_234, 97.5, 3, 190),
    ("Đảng ủy đặc khu Cát Hải", 7, 602, 95.4, 1, 64),
    ("Đảng ủy Công an thành phố", 9, 1_870, 99.3, 2, 145),
]


def _annex_table() -> Table:
    rows = []
    totals = [0, 0, 0, 0]
    for i, (name, conf, people, pct, classes, trainees) in enumerate(_UNITS, start=1):
        rows.append((i, name, conf, people, format_percent(pct), classes, trainees))
        for k, v in enumerate((conf, people, classes, trainees)):
            totals[k] += v
    members_weighted = sum(p * pct for _, _, p, pct, _, _ in _UNITS) / sum(p for _, _, p, _, _, _ in _UNITS)
    return Table(
        header=("TT", "Đơn vị", "Hội nghị học tập nghị quyết", "Lượt người tham dự", "Tỷ lệ đảng viên tham dự",
                "Lớp lý luận chính trị", "Lượt học viên"),
        rows=tuple(rows),
        totals=("", "Tổng cộng", totals[0], totals[1], format_percent(members_weighted), totals[2], totals[3]),
        widths=(0.55, 3.2, 1.2, 1.1, 1.1, 1.0, 1.0),
        note="Nguồn: báo cáo 6 tháng đầu năm 2026 của các đảng ủy trực thuộc Thành ủy (số liệu minh họa).",
    )


def sample_report_context(*, issued_on: dt.date = dt.date(2026, 7, 5), number: int = 125) -> ReportContext:
    conferences = sum(u[1] for u in _UNITS)
    attendances = sum(u[2] for u in _UNITS)
    header = Header(
        superior_line="THÀNH ỦY HẢI PHÒNG",
        issuer_line="BAN TUYÊN GIÁO VÀ DÂN VẬN",
        number_text=f"Số {number:02d}-BC/BTGDVTU",
        place="Hải Phòng",
        date=issued_on,
    )
    body = (
        Paragraph(
            "Sáu tháng đầu năm 2026, trong bối cảnh toàn Đảng bộ thành phố tập trung triển khai Nghị quyết Đại "
            "hội đại biểu Đảng bộ thành phố lần thứ XVII và Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV "
            "của Đảng, vận hành ổn định mô hình chính quyền địa phương hai cấp, Ban Tuyên giáo và Dân vận Thành "
            "ủy đã chủ động tham mưu, chỉ đạo, hướng dẫn toàn ngành thực hiện đồng bộ các nhiệm vụ, đạt nhiều "
            "kết quả quan trọng."
        ),
        Heading(1, "ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN NHIỆM VỤ 6 THÁNG ĐẦU NĂM 2026", label="Phần thứ nhất"),
        Heading(2, "I. KẾT QUẢ ĐẠT ĐƯỢC"),
        Heading(3, "1. Công tác tham mưu giúp cấp ủy lãnh đạo, chỉ đạo"),
        Paragraph(
            "Ban đã tham mưu Ban Thường vụ Thành ủy ban hành 14 văn bản lãnh đạo, chỉ đạo; chủ trì, phối hợp "
            "ban hành 57 kế hoạch, hướng dẫn, công văn định hướng công tác tuyên giáo và dân vận; thẩm định "
            "nội dung 9 đề án, báo cáo chuyên đề trình Ban Thường vụ Thành ủy."
        ),
        Heading(3, "2. Nghiên cứu, học tập, quán triệt, tuyên truyền nghị quyết, chỉ thị của Đảng"),
        Paragraph(
            "Các cấp ủy, tổ chức đảng trong Đảng bộ đã tổ chức " + format_number(conferences) + " hội nghị "
            "nghiên cứu, học tập, quán triệt Nghị quyết Đại hội XIV của Đảng với " + format_number(attendances) + " "
            "lượt cán bộ, đảng viên tham dự; tỷ lệ đảng viên tham gia học tập đạt " + format_percent(97.5) + ". "
            "Hình thức trực tuyến được mở rộng tới 1.234 điểm cầu cấp xã và chi bộ.",
            source="Tổng hợp từ báo cáo của 7 đảng ủy trực thuộc",
        ),
        Paragraph(
            "Đảng ủy phường Hải Dương tổ chức quán triệt theo hình thức trực tiếp kết hợp trực tuyến đến 100% "
            "chi bộ; sau hội nghị, 3.560 lượt cán bộ, đảng viên viết bài thu hoạch, xây dựng chương trình hành "
            "động sát với thực tiễn địa phương.",
            source="Đảng ủy phường Hải Dương — Báo cáo 6 tháng đầu năm 2026",
        ),
        Heading(3, "3. Công tác tuyên truyền"),
        Paragraph(
            "Tập trung tuyên truyền kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam, 136 năm Ngày sinh Chủ "
            "tịch Hồ Chí Minh, cuộc bầu cử đại biểu Quốc hội khóa XVI và đại biểu Hội đồng nhân dân các cấp "
            "nhiệm kỳ 2026 - 2031; định hướng các cơ quan báo chí thành phố đăng, phát 4.812 tin, bài, phóng sự."
        ),
        Heading(3, "4. Công tác báo cáo viên, tuyên truyền miệng"),
        Paragraph(
            "Tổ chức 6 hội nghị báo cáo viên định kỳ với 2.940 lượt báo cáo viên, tuyên truyền viên tham dự; "
            "đội ngũ báo cáo viên các cấp thực hiện 1.056 buổi tuyên truyền miệng tại cơ sở."
        ),
        Heading(2, "II. HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN"),
        Paragraph(
            "Công tác nắm bắt, dự báo tình hình tư tưởng, dư luận xã hội có lúc chưa kịp thời; việc nhân rộng "
            "các mô hình học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh ở một số nơi còn hình "
            "thức; tiến độ biên soạn lịch sử đảng bộ cấp xã sau sắp xếp còn chậm."
        ),
        Heading(1, "PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2026", label="Phần thứ hai"),
        Paragraph(
            "1. Tiếp tục tổ chức nghiên cứu, học tập, quán triệt và xây dựng chương trình hành động thực hiện "
            "Nghị quyết Đại hội XIV của Đảng; phấn đấu tỷ lệ đảng viên tham gia học tập đạt trên 98%."
        ),
        Paragraph(
            "2. Đẩy mạnh tuyên truyền các ngày lễ lớn, sự kiện chính trị quan trọng của đất nước và thành phố; "
            "nâng cao chất lượng công tác báo cáo viên, tuyên truyền miệng."
        ),
        Heading(2, "KIẾN NGHỊ, ĐỀ XUẤT"),
        Paragraph(
            "Đề nghị Ban Tuyên giáo và Dân vận Trung ương tiếp tục mở các lớp bồi dưỡng nghiệp vụ cho đội ngũ "
            "cán bộ tuyên giáo và dân vận cấp xã sau sắp xếp."
        ),
    )
    return ReportContext(
        header=header,
        type_name="BÁO CÁO",
        summary="sơ kết công tác tuyên giáo và dân vận 6 tháng đầu năm,\nphương hướng, nhiệm vụ 6 tháng cuối năm 2026",
        body=body,
        recipients=(
            "Ban Tuyên giáo và Dân vận Trung ương (b/c),",
            "Thường trực Thành ủy (b/c),",
            "Các đảng ủy trực thuộc Thành ủy,",
            "Lưu Văn phòng Ban.",
        ),
        signature=Signature(authority="K/T TRƯỞNG BAN", position="PHÓ TRƯỞNG BAN", signer="Nguyễn Văn Hùng"),
        annexes=(
            Annex(
                label="PHỤ LỤC",
                title="SỐ LIỆU CÔNG TÁC TUYÊN GIÁO 6 THÁNG ĐẦU NĂM 2026",
                reference=f"(Kèm theo Báo cáo số {header.number_text.removeprefix('Số ').strip()}, "
                f"ngày {issued_on:%d/%m/%Y} của Ban Tuyên giáo và Dân vận Thành ủy)",
                blocks=(_annex_table(),),
            ),
        ),
        page=PageSetup(),
    )
