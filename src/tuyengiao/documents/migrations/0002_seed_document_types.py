"""Party document types and their number abbreviations (DOMAIN.md §3.3). Editable afterwards:
e.g. an installation that numbers Quy định "QĐ" sets its abbreviation and shares Quyết định's sequence."""
from django.db import migrations

from tuyengiao.core.vi import sort_key

TYPES = [
    # code, name, abbreviation
    ("NQ", "Nghị quyết", "NQ"),
    ("QD", "Quyết định", "QĐ"),
    ("CT", "Chỉ thị", "CT"),
    ("KL", "Kết luận", "KL"),
    ("QC", "Quy chế", "QC"),
    ("QDI", "Quy định", "QĐi"),
    ("TT", "Thông tri", "TT"),
    ("HD", "Hướng dẫn", "HD"),
    ("TB", "Thông báo", "TB"),
    ("TC", "Thông cáo", "TC"),
    ("BC", "Báo cáo", "BC"),
    ("KH", "Kế hoạch", "KH"),
    ("QH", "Quy hoạch", "QH"),
    ("CTR", "Chương trình", "CTr"),
    ("DA", "Đề án", "ĐA"),
    ("TTR", "Tờ trình", "TTr"),
    ("CV", "Công văn", "CV"),
    ("BB", "Biên bản", "BB"),
    ("BS", "Bản sao", "BS"),
    ("GGT", "Giấy giới thiệu", "GGT"),
    ("GM", "Giấy mời", "GM"),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for order, (code, name, abbr) in enumerate(TYPES, start=1):
        DocumentType.objects.update_or_create(
            code=code, defaults={"name": name, "abbreviation": abbr, "order": order * 10, "sort_key": sort_key(name)}
        )


def unseed(apps, schema_editor):
    pass  # types may already number documents: leave them


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
