"""The upload guard decides by content and size, before any parser runs."""
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tuyengiao.core.uploads import check_upload

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "Mã đơn vị"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def docx_bytes() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Báo cáo")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(out, format="JPEG")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(("name", "make", "kind"), [
    ("danh-sach.xlsx", xlsx_bytes, "xlsx"),
    ("bao-cao.docx", docx_bytes, "docx"),
    ("to-trinh.pdf", lambda: PDF, "pdf"),
    ("anh.png", png_bytes, "png"),
    ("anh.jpg", jpeg_bytes, "jpeg"),
])
def test_real_files_are_recognised_by_content(name, make, kind):
    f = upload(name, make())
    assert check_upload(f, kinds={"xlsx", "docx", "pdf", "png", "jpeg"}) == kind
    assert f.tell() == 0  # the parser that follows reads from the start


def test_a_pdf_renamed_xlsx_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("don-vi.xlsx", PDF, XLSX_TYPE), kinds={"xlsx"})
    assert exc.value.code == "wrong_type"
    assert "Excel" in exc.value.messages[0]


def test_a_text_file_renamed_xlsx_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("don-vi.xlsx", "Mã đơn vị;Tên\nA;An Bình\n".encode(), XLSX_TYPE), kinds={"xlsx"})
    assert exc.value.code == "wrong_type"


def test_a_docx_is_not_an_xlsx_and_a_plain_zip_is_neither():
    with pytest.raises(ValidationError):
        check_upload(upload("x.xlsx", docx_bytes()), kinds={"xlsx"})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError):
        check_upload(upload("x.xlsx", out.getvalue()), kinds={"xlsx", "docx"})


def test_a_macro_enabled_workbook_is_refused():
    src = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            z.writestr(info, data)
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("x.xlsx", out.getvalue()), kinds={"xlsx"})
    assert exc.value.code == "wrong_type"


def test_an_image_is_only_accepted_where_images_are():
    with pytest.raises(ValidationError):
        check_upload(upload("anh.png", png_bytes()), kinds={"pdf"})


def test_oversized_upload_is_refused_by_size_alone(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("to-trinh.pdf", PDF + b"0" * 2000), kinds={"pdf"})
    assert exc.value.code == "too_large"
    assert "kB" in exc.value.messages[0]


def test_empty_upload_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("x.xlsx", b""), kinds={"xlsx"})
    assert exc.value.code == "empty"


def test_a_zip_bomb_is_refused_before_it_is_expanded(settings):
    settings.UPLOAD_MAX_BYTES = 20_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("xl/huge.xml", b"\0" * 5_000_000)
    assert len(out.getvalue()) < 20_000
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("x.xlsx", out.getvalue()), kinds={"xlsx"})
    assert exc.value.code == "unsafe_archive"


def test_plain_binary_files_work_too():
    assert check_upload(io.BytesIO(xlsx_bytes()), kinds={"xlsx"}) == "xlsx"



@pytest.mark.django_db
def test_oversized_request_refused_from_its_header(client_for, cast, settings):
    """Refused from Content-Length, before Django reads the body."""
    settings.UPLOAD_MAX_BYTES = 1024
    c = client_for("admin")
    resp = c.post("/org/units/import/", data=b"x" * (3 * 1024 * 1024), content_type="application/octet-stream")
    assert resp.status_code == 413
    assert "MB" in resp.content.decode()
