"""Issuer profile (letterhead) pages: the shared view cases, the field messages, the scoped unit picker,
ending a profile, and an edit made on the page reaching the printed document's frame."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tuyengiao.accounts.models import Grant
from tuyengiao.accounts.roles import Role
from tuyengiao.core.audit import history_for
from tuyengiao.core.permissions import forget
from tuyengiao.core.testing.personas import START
from tuyengiao.core.testing.view_mixins import ViewTestCases
from tuyengiao.documents import services
from tuyengiao.documents.context import ANNEX_PAGES_CONTINUED, PageSetup
from tuyengiao.documents.models import IssuerProfile
from tuyengiao.documents.selectors import header_for, page_setup_for, recipients_default, signature_default

LIST = "/documents/letterheads/"


def _profile(unit, **extra) -> IssuerProfile:
    data = {"valid_from": START, "superior_line": "TỈNH ỦY MẪU", "issuer_line": "VĂN PHÒNG ĐẢNG ỦY AN BÌNH",
            "place": "An Bình", **extra}
    return IssuerProfile.objects.create(unit=unit, **data)


def _form(unit, **extra) -> dict:
    return {"unit": unit.pk, "valid_from": "01/01/2026", "valid_to": "", "superior_line": "Tỉnh ủy Mẫu",
            "issuer_line": "Ban Tuyên giáo và Dân vận", "place": "Mẫu", "signature_authority": "K/T Trưởng ban",
            "signature_position": "Phó Trưởng ban", "signer_name": "Nguyễn Văn Ký",
            "recipients": "- Thường trực Tỉnh ủy (b/c),\r\n\r\n- Lưu VP", "annex_pages": "separate",
            "margin_top": 20, "margin_bottom": 20, "margin_left": 30, "margin_right": 15, **extra}


@pytest.fixture
def unit_admins(cast):
    """officer_a administers A and officer_b administers B (setting a letterhead is for administrators)."""
    for user, unit in ((cast.officer_a, cast.a), (cast.officer_b, cast.b)):
        Grant.objects.create(user=user, unit=unit, role=Role.ADMIN, valid_from=START)
        forget(user)
    return cast


@pytest.mark.usefixtures("unit_admins")
class TestIssuerProfileViews(ViewTestCases):
    url_ns = "documents:issuerprofile"

    def make_object(self, cast):
        return _profile(cast.a)

    def list_text(self, obj):
        return "VĂN PHÒNG ĐẢNG ỦY AN BÌNH"

    def add_data(self, cast):
        return _form(cast.a1)

    def edit_data(self, cast, obj):
        return _form(cast.a, valid_from=START.strftime("%d/%m/%Y"), issuer_line="Văn phòng Đảng ủy An Bình",
                     annex_pages="continued")


pytestmark = pytest.mark.django_db


def test_an_overlapping_profile_is_refused_at_the_date(client_for, unit_admins):
    cast = unit_admins
    _profile(cast.a)  # from 01/07/2025, open-ended
    response = client_for("officer_a").post("/documents/letterheads/add/", _form(cast.a))
    assert response.status_code == 200
    form = response.context["form"]
    assert "trùng thời gian" in " ".join(form.errors["valid_from"])
    assert "trùng thời gian" in response.content.decode()
    assert IssuerProfile.objects.filter(unit=cast.a).count() == 1


def test_ending_the_current_profile_lets_the_next_one_start(client_for, unit_admins):
    cast = unit_admins
    current = _profile(cast.a)
    c = client_for("officer_a")
    page = c.get(f"/documents/letterheads/{current.pk}/close/")
    assert page.status_code == 200
    response = c.post(f"/documents/letterheads/{current.pk}/close/", {"valid_to": "31/12/2025", "reason": "Sáp nhập"})
    assert response.status_code == 302 and response["Location"] == current.get_absolute_url()
    current.refresh_from_db()
    assert current.valid_to == dt.date(2025, 12, 31)
    assert history_for(current).filter(action="close", reason="Sáp nhập", actor=cast.officer_a).exists()
    response = c.post("/documents/letterheads/add/", _form(cast.a))
    assert response.status_code == 302, response.context["form"].errors


def test_ending_before_the_start_is_refused_with_a_message(client_for, unit_admins):
    current = _profile(unit_admins.a)
    response = client_for("officer_a").post(f"/documents/letterheads/{current.pk}/close/", {"valid_to": "30/06/2025"})
    assert response.status_code == 200
    current.refresh_from_db()
    assert current.valid_to is None


def test_ending_out_of_scope_is_404(client_for, unit_admins):
    current = _profile(unit_admins.a)
    c = client_for("officer_b")
    assert c.get(f"/documents/letterheads/{current.pk}/close/").status_code == 404
    assert c.post(f"/documents/letterheads/{current.pk}/close/", {"valid_to": "31/12/2025"}).status_code == 404
    current.refresh_from_db()
    assert current.valid_to is None


def test_the_unit_picker_lists_only_units_where_the_user_may_set_a_letterhead(client_for, unit_admins):
    html = client_for("officer_b").get("/documents/letterheads/add/").content.decode()
    picker = html[html.index('<select name="unit"'):]
    picker = picker[:picker.index("</select>")]
    assert " data-searchable " in picker
    assert ">Đảng ủy phường Bến Thủy</option>" in picker
    assert "An Bình" not in picker and "Tỉnh ủy Mẫu" not in picker


def test_a_unit_outside_the_scope_cannot_be_posted(client_for, unit_admins):
    response = client_for("officer_b").post("/documents/letterheads/add/", _form(unit_admins.a))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not IssuerProfile.objects.exists()


def test_specialists_see_the_letterheads_but_only_administrators_set_them(client_for, cast):
    profile = _profile(cast.a)
    c = client_for("officer_a")  # specialist of A, no administrator grant
    listing = c.get(LIST)
    assert listing.status_code == 200 and "VĂN PHÒNG ĐẢNG ỦY AN BÌNH" in listing.content.decode()
    assert "/documents/letterheads/add/" not in listing.content.decode()
    detail = c.get(profile.get_absolute_url()).content.decode()
    assert f"/documents/letterheads/{profile.pk}/edit/" not in detail
    assert f"/documents/letterheads/{profile.pk}/close/" not in detail
    assert c.get("/documents/letterheads/add/").status_code == 404
    assert c.get(f"/documents/letterheads/{profile.pk}/edit/").status_code == 404
    assert c.post(f"/documents/letterheads/{profile.pk}/close/", {"valid_to": "31/12/2025"}).status_code == 404
    assert client_for("clerk_a1").get(LIST).status_code == 404  # unit reporters do not see letterheads


def test_the_detail_page_shows_the_letterhead_and_its_history_link(client_for, cast):
    profile = _profile(cast.commission, recipients="Thường trực Tỉnh ủy (b/c);\nLưu VP.", signer_name="Nguyễn Văn Ký")
    html = client_for("admin").get(profile.get_absolute_url()).content.decode()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in html and "An Bình, ngày … tháng … năm …" in html
    assert "<li>- Thường trực Tỉnh ủy (b/c);</li>" in html and "<li>- Lưu VP.</li>" in html
    assert reverse("history", args=["documents", "issuerprofile", profile.pk]) in html
    assert f"/documents/letterheads/{profile.pk}/edit/" in html and f"/documents/letterheads/{profile.pk}/close/" in html


def test_the_list_filters_by_unit_and_finds_a_unit_without_accents(client_for, cast):
    _profile(cast.a)
    _profile(cast.b, issuer_line="VĂN PHÒNG ĐẢNG ỦY BẾN THỦY")
    c = client_for("admin")
    by_unit = c.get(LIST, {"unit": cast.b.pk}).content.decode()
    assert "BẾN THỦY" in by_unit and "VĂN PHÒNG ĐẢNG ỦY AN BÌNH" not in by_unit
    by_name = c.get(LIST, {"q": "an binh"}).content.decode()
    assert "VĂN PHÒNG ĐẢNG ỦY AN BÌNH" in by_name and "VĂN PHÒNG ĐẢNG ỦY BẾN THỦY" not in by_name
    by_line = c.get(LIST, {"q": "văn phòng đảng ủy bến"}).content.decode()
    assert "VĂN PHÒNG ĐẢNG ỦY BẾN THỦY" in by_line and "VĂN PHÒNG ĐẢNG ỦY AN BÌNH" not in by_line


def test_the_user_menu_links_the_letterheads_for_those_who_set_them(client_for, cast):
    assert 'data-setup="letterheads"' in client_for("admin").get("/").content.decode()
    assert 'data-setup="letterheads"' not in client_for("officer_a").get("/").content.decode()
    assert 'data-setup="letterheads"' not in client_for("viewer").get("/").content.decode()


def test_a_profile_edited_on_the_page_reaches_the_printed_frame(client_for, cast):
    """The letterhead, page setup, signature and recipients the documents take come from the edited profile."""
    on = dt.date(2026, 3, 2)
    c = client_for("admin")
    response = c.post("/documents/letterheads/add/", _form(cast.commission, annex_pages="separate"))
    assert response.status_code == 302
    profile = IssuerProfile.objects.get(unit=cast.commission)
    assert page_setup_for(issuer=cast.commission, on=on).annex_pages != ANNEX_PAGES_CONTINUED

    response = c.post(f"/documents/letterheads/{profile.pk}/edit/",
                      _form(cast.commission, annex_pages="continued", margin_left=35, issuer_line="Ban Tuyên giáo"))
    assert response.status_code == 302, response.context["form"].errors

    assert page_setup_for(issuer=cast.commission, on=on) == PageSetup(
        margin_top=20, margin_bottom=20, margin_left=35, margin_right=15, annex_pages=ANNEX_PAGES_CONTINUED)
    header = header_for(issuer=cast.commission, on=on, number_text="Số 01-BC/BTGDVTU")
    assert (header.superior_line, header.issuer_line, header.place) == ("TỈNH ỦY MẪU", "BAN TUYÊN GIÁO", "Mẫu")
    signature = signature_default(issuer=cast.commission, on=on)
    assert (signature.authority, signature.position, signature.signer) == ("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN",
                                                                          "Nguyễn Văn Ký")
    assert recipients_default(issuer=cast.commission, on=on) == ("Thường trực Tỉnh ủy (b/c),", "Lưu VP")
    # Before the profile starts, documents keep the letterhead made from the unit names.
    assert header_for(issuer=cast.commission, on=dt.date(2025, 12, 31), number_text="").issuer_line != "BAN TUYÊN GIÁO"


def test_the_service_refuses_out_of_scope_and_audits(cast):
    from django.http import Http404

    with pytest.raises(Http404):
        services.issuer_profile_create(data={"unit": cast.a, "valid_from": START, "issuer_line": "X", "place": "Y"},
                                       by=cast.officer_b)
    profile = services.issuer_profile_create(
        data={"unit": cast.a, "valid_from": START, "issuer_line": "  đảng ủy  xã ", "place": "An Bình"}, by=cast.admin)
    assert profile.issuer_line == "ĐẢNG ỦY XÃ"
    assert history_for(profile).filter(action="create", actor=cast.admin).exists()
    services.issuer_profile_update(profile=profile, data={"place": "An Bình"}, by=cast.admin)
    assert not history_for(profile).filter(action="update").exists()  # nothing changed, nothing recorded
    with pytest.raises(Http404):
        services.issuer_profile_update(profile=profile, data={"place": "Z"}, by=cast.officer_b)


@pytest.mark.parametrize("bad", ["abc", "1.5", "²", "9" * 30])
def test_a_bad_unit_id_is_no_server_error(client_for, cast, bad):
    c = client_for("admin")
    assert c.get(LIST, {"unit": bad}).status_code == 200
    assert c.get("/documents/letterheads/add/", {"unit": bad}).status_code == 200
    response = c.post("/documents/letterheads/add/", {**_form(cast.a), "unit": bad})
    assert response.status_code == 200 and "unit" in response.context["form"].errors


def test_the_edit_form_shows_what_is_stored(client_for, cast):
    """Opening a profile to edit shows its own unit and start date (not today's date, not an empty unit),
    and the annex numbering as radio buttons."""
    import re

    c = client_for("admin")
    assert c.post("/documents/letterheads/add/", _form(cast.commission)).status_code == 302
    profile = IssuerProfile.objects.get(unit=cast.commission)
    body = c.get(f"/documents/letterheads/{profile.pk}/edit/").content.decode()
    assert re.search(rf'<option value="{cast.commission.pk}"[^>]*selected', body)
    assert f'value="{profile.valid_from:%d/%m/%Y}"' in body
    radios = re.findall(r'<input type="radio" name="annex_pages"[^>]*>', body)
    assert len(radios) == 2 and all('class="form-check-input"' in r for r in radios)
    assert any("checked" in r and 'value="separate"' in r for r in radios)
