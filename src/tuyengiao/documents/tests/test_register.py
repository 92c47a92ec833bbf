"""The document register: Party numbering per (issuer, document type, committee term)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404

import tuyengiao.documents.roles  # noqa: F401  (registers the role permissions, as DocumentsConfig.ready() does)
from tuyengiao.core.models import AuditEntry
from tuyengiao.documents.models import DocumentType, NumberSequence, RegisteredDocument
from tuyengiao.documents.selectors import committee_term_on, document_header, documents_for
from tuyengiao.documents.services import document_register
from tuyengiao.org.models import Term, UnitType
from tuyengiao.org.services import NewUnit, unit_create, unit_rename

D = dt.date


def _type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


@pytest.fixture
def city(document_types):
    """Thành ủy Hải Phòng with its commission, which existed as Ban Tuyên giáo (BTGTU) before the
    2025 merger and has been Ban Tuyên giáo và Dân vận (BTGDVTU) since 01/3/2025; two terms."""
    party = UnitType.objects.create(code="thanh-uy", name="Thành ủy", is_party_committee=True)
    ban = UnitType.objects.create(code="ban", name="Ban của Thành ủy")
    city = unit_create(data=NewUnit(name="Thành ủy Hải Phòng", code="HP", type=party, parent=None, issuer_abbr="TU"),
                       valid_from=D(2015, 1, 1), by=None)
    commission = unit_create(
        data=NewUnit(name="Ban Tuyên giáo Thành ủy", code="BTG", type=ban, parent=city, issuer_abbr="BTGTU"),
        valid_from=D(2015, 1, 1), by=None)
    unit_rename(unit=commission, on=D(2025, 3, 1), name="Ban Tuyên giáo và Dân vận Thành ủy", code="BTGDV",
                issuer_abbr="BTGDVTU", by=None)
    organisation = unit_create(
        data=NewUnit(name="Ban Tổ chức Thành ủy", code="BTC", type=ban, parent=city, issuer_abbr="BTCTU"),
        valid_from=D(2015, 1, 1), by=None)
    old = Term.objects.create(unit=city, name="Nhiệm kỳ 2020–2025", number=16, valid_from=D(2020, 10, 17),
                              valid_to=D(2025, 10, 15))
    new = Term.objects.create(unit=city, name="Nhiệm kỳ 2025–2030", number=17, valid_from=D(2025, 10, 16))
    commission.refresh_from_db()
    return type("City", (), {"city": city, "commission": commission, "organisation": organisation, "old": old, "new": new})


ISSUED = D(2026, 7, 5)


def _register(issuer, code="BC", on=ISSUED, summary="sơ kết công tác tuyên giáo 6 tháng đầu năm 2026", **kw):
    return document_register(issuer=issuer, doc_type=_type(code), issued_on=on, summary=summary, by=None, **kw)


def test_seeded_types_carry_party_abbreviations(document_types):
    abbr = dict(DocumentType.objects.values_list("name", "abbreviation"))
    assert abbr["Báo cáo"] == "BC"
    assert abbr["Kế hoạch"] == "KH"
    assert abbr["Chương trình"] == "CTr"
    assert abbr["Đề án"] == "ĐA"
    assert abbr["Quy định"] == "QĐi"
    assert abbr["Quyết định"] == "QĐ"


def test_numbers_run_per_issuer_and_type(city):
    texts = [_register(city.commission).number_text for _ in range(3)]
    assert texts == ["Số 01-BC/BTGDVTU", "Số 02-BC/BTGDVTU", "Số 03-BC/BTGDVTU"]
    assert _register(city.commission, code="KH").number_text == "Số 01-KH/BTGDVTU"
    assert _register(city.commission).number == 4


def test_two_issuers_number_independently(city):
    _register(city.commission)
    _register(city.commission)
    doc = _register(city.organisation)
    assert doc.number == 1
    assert doc.number_text == "Số 01-BC/BTCTU"


def test_numbering_restarts_with_the_committees_new_term(city):
    first = _register(city.commission, on=D(2025, 9, 20))
    second = _register(city.commission, on=D(2025, 10, 15))
    after = _register(city.commission, on=D(2025, 10, 16))
    assert (first.number, second.number) == (1, 2)
    assert after.number == 1
    assert (first.term, after.term) == (city.old, city.new)


def test_number_text_format_is_the_party_one(city):
    NumberSequence.objects.create(issuer=city.commission, doc_type=_type("BC"), term=city.new, last_number=124)
    doc = _register(city.commission)
    assert doc.number_text == "Số 125-BC/BTGDVTU"  # no colon, hyphen before the type, slash before the issuer
    assert doc.symbol == "125-BC/BTGDVTU"
    assert str(doc) == "Số 125-BC/BTGDVTU"


def test_issuer_abbreviation_is_the_one_in_force_on_the_issue_date(city):
    old = _register(city.commission, on=D(2024, 12, 20), summary="tổng kết công tác tuyên giáo năm 2024")
    new = _register(city.commission, on=D(2026, 7, 5))
    assert old.number_text == "Số 01-BC/BTGTU"
    assert new.number_text == "Số 01-BC/BTGDVTU"
    old.refresh_from_db()
    assert old.number_text == "Số 01-BC/BTGTU"  # stored: a later rename never changes an issued number


def test_leading_zero_can_be_switched_off(city, settings):
    settings.DOCUMENT_NUMBER_ZERO_PAD = False
    assert _register(city.commission, code="KH").number_text == "Số 1-KH/BTGDVTU"


def test_term_comes_from_the_nearest_committee_with_a_term(city):
    assert committee_term_on(city.commission, D(2026, 1, 1)) == city.new
    own = Term.objects.create(unit=city.commission, name="Khóa riêng", valid_from=D(2026, 1, 1))
    assert committee_term_on(city.commission, D(2026, 1, 1)) == own
    assert committee_term_on(city.commission, D(2014, 1, 1)) is None


def test_a_regulation_numbered_qd_shares_the_decision_sequence(city):
    regulation = _type("QDI")
    regulation.abbreviation = "QĐ"
    regulation.shares_sequence_with = _type("QD")
    regulation.save()
    assert _register(city.commission, code="QD").number_text == "Số 01-QĐ/BTGDVTU"
    assert _register(city.commission, code="QDI").number_text == "Số 02-QĐ/BTGDVTU"


def test_registration_is_audited_and_linked_to_its_target(city):
    doc = _register(city.commission, target=city.organisation)
    assert documents_for(city.organisation) == [doc]
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(RegisteredDocument),
                                   object_id=str(doc.pk), action="create")
    assert entry.after["number_text"] == "Số 01-BC/BTGDVTU"


def test_bad_input_is_refused_with_a_message(city):
    with pytest.raises(ValidationError) as err:
        _register(city.commission, summary="  ")
    assert "summary" in err.value.message_dict
    with pytest.raises(ValidationError):
        _register(city.commission, on=D(2010, 1, 1))  # the unit did not exist yet
    assert not RegisteredDocument.objects.exists()


def test_header_of_a_registered_document(city):
    doc = _register(city.commission)
    header = document_header(doc)
    assert header.number_text == "Số 01-BC/BTGDVTU"
    # Without an issuer profile: the committee word repeated from the superior line is dropped, and the
    # place comes from the top committee's name.
    assert header.issuer_line == "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    assert header.superior_line == "THÀNH ỦY HẢI PHÒNG"
    assert header.place == "Hải Phòng"


def test_issuer_profile_gives_the_letterhead(city):
    from tuyengiao.documents.models import IssuerProfile

    IssuerProfile.objects.create(unit=city.commission, valid_from=D(2025, 3, 1), superior_line="THÀNH ỦY HẢI PHÒNG",
                                 issuer_line="BAN TUYÊN GIÁO VÀ DÂN VẬN", place="Hải Phòng")
    header = document_header(_register(city.commission))
    assert (header.superior_line, header.issuer_line) == ("THÀNH ỦY HẢI PHÒNG", "BAN TUYÊN GIÁO VÀ DÂN VẬN")
    assert header.date_line == "Hải Phòng, ngày 05 tháng 7 năm 2026"


def test_registering_needs_the_right_over_the_issuer(cast, document_types):
    bc = _type("BC")
    with pytest.raises(Http404):
        document_register(issuer=cast.commission, doc_type=bc, issued_on=D(2026, 7, 5), summary="x", by=cast.officer_b)
    with pytest.raises(Http404):
        document_register(issuer=cast.commission, doc_type=bc, issued_on=D(2026, 7, 5), summary="x", by=cast.clerk_a1)
    doc = document_register(issuer=cast.commission, doc_type=bc, issued_on=D(2026, 7, 5), summary="x", by=cast.admin)
    assert doc.number_text == "Số 01-BC/BTGDVTU"
    assert doc.created_by == cast.admin
    assert list(RegisteredDocument.objects.restrict(cast.officer_b, "view")) == []
    assert list(RegisteredDocument.objects.restrict(cast.viewer, "view")) == [doc]


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers(city):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("threads need a file database")
    issuer, bc = city.commission, _type("BC")
    results, errors = [], []

    def work():
        from django.db import connections

        try:
            for _ in range(3):
                results.append(document_register(issuer=issuer, doc_type=bc, issued_on=D(2026, 7, 5),
                                                 summary="báo cáo", by=None).number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == list(range(1, 19))


def test_issuer_profiles_of_one_unit_cannot_overlap(city):
    from tuyengiao.documents.models import IssuerProfile

    IssuerProfile.objects.create(unit=city.commission, valid_from=D(2025, 3, 1), issuer_line="BAN TUYÊN GIÁO VÀ DÂN VẬN",
                                 place="Hải Phòng")
    clash = IssuerProfile(unit=city.commission, valid_from=D(2026, 1, 1), issuer_line="X", place="Hải Phòng")
    with pytest.raises(ValidationError):
        clash.full_clean()
