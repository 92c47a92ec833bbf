"""The demo province: Hải Phòng's real post-2025 wards, the 2025 lineage, the persona accounts."""
import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from vietnam_provinces import Province, Ward

from tuyengiao.core.models import AuditEntry
from tuyengiao.core.vi import fold, sort_key
from tuyengiao.org import demo
from tuyengiao.org.models import (
    PATH_WIDTH,
    Cluster,
    Department,
    LineageEvent,
    LineageLink,
    Person,
    Position,
    Term,
    Unit,
    UnitName,
)
from tuyengiao.org.selectors import lineage_timeline, successors_at, units_as_of

pytestmark = pytest.mark.django_db

JUNE_30 = dt.date(2025, 6, 30)
JULY_1 = dt.date(2025, 7, 1)


def _counts():
    from django.apps import apps

    models = [Unit, UnitName, Person, Position, Term, Department, Cluster, LineageEvent, LineageLink, AuditEntry,
              get_user_model(), apps.get_model("accounts", "Grant")]
    return {m.__name__: m.objects.count() for m in models}


def _hai_phong_wards():
    (hp,) = [p for p in Province.iter_all() if p.name == "Thành phố Hải Phòng"]
    return [w for w in Ward.iter_all() if w.province_code == hp.code]


def test_load_twice_keeps_the_data_and_changes_nothing():
    first = demo.load_demo()
    before = _counts()
    again = demo.load_demo()
    assert first.created and not again.created
    assert again.root.pk == first.root.pk
    assert _counts() == before
    assert 300 <= before["Unit"] <= 500
    # Through the command too, as `make demo` runs it on every start.
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert _counts() == before


def test_every_ward_of_hai_phong_is_a_ward_committee_with_its_ban_xay_dung_dang():
    root = demo.load_demo().root
    wards = _hai_phong_wards()
    committees = Unit.objects.filter(type__code="dang-uy-xa", parent=root)
    assert committees.count() == len(wards) > 100
    assert set(committees.values_list("code", flat=True)) == {f"{w.code.value:05d}" for w in wards}
    chi_linh = committees.get(name="Đảng ủy phường Chí Linh")
    assert chi_linh.valid_from == JULY_1 and chi_linh.is_sample
    assert chi_linh.children.filter(type__code="ban-xay-dung-dang").count() == 1
    assert Unit.objects.filter(type__code="ban-xay-dung-dang").count() == len(wards)
    assert Term.objects.filter(unit=chi_linh, name="Khóa I, nhiệm kỳ 2025–2030").exists()
    assert Unit.objects.search("dang uy phuong chi linh").filter(pk=chi_linh.pk).exists()


def test_bulk_created_units_are_consistent_with_unit_save():
    demo.load_demo()
    units = list(Unit.objects.select_related("parent"))
    assert all(u.is_sample for u in units)
    for u in units:
        prefix = u.parent.path if u.parent_id else ""
        assert u.path == f"{prefix}{u.pk:0{PATH_WIDTH}d}/", u
        assert u.depth == (u.parent.depth + 1 if u.parent_id else 0), u
        assert u.sort_key == sort_key(u.name)
        assert u.search == fold(" ".join(filter(None, [u.name, u.short_name, u.code, u.issuer_abbr])))
        assert u.names.filter(valid_from=u.valid_from, name=u.name).exists(), u
    assert AuditEntry.objects.filter(action="create", object_id__in=[str(u.pk) for u in units]).count() >= len(units)


def test_the_2025_restructuring_as_of_dates():
    demo.load_demo()
    chi_linh_district = Unit.objects.get(name="Thành ủy Chí Linh")
    chi_linh_ban = Unit.objects.get(name="Ban Tuyên giáo Thành ủy Chí Linh")
    kinh_mon_ban = Unit.objects.get(name="Ban Tuyên giáo Thị ủy Kinh Môn")
    new_ward = Unit.objects.get(name="Đảng ủy phường Trần Hưng Đạo")

    before = set(units_as_of(JUNE_30))
    assert {chi_linh_district, chi_linh_ban, kinh_mon_ban} <= before
    assert new_ward not in before
    assert not before & set(Unit.objects.filter(type__code="dang-uy-xa"))

    after = set(units_as_of(JULY_1))
    assert not {chi_linh_district, chi_linh_ban, kinh_mon_ban} & after
    assert new_ward in after
    assert set(Unit.objects.filter(type__code="dang-uy-xa")) <= after

    old_commune = Unit.objects.get(name="Đảng ủy xã Hưng Đạo")
    assert old_commune.valid_to == JUNE_30
    assert successors_at(old_commune, JULY_1) == [new_ward]
    assert successors_at(old_commune, JUNE_30) == [old_commune]
    # The district commission ends with no successor: district level abolished.
    assert successors_at(chi_linh_ban, JULY_1) == []
    assert LineageEvent.objects.filter(kind=LineageEvent.Kind.ABOLISH, links__unit=chi_linh_ban, date=JULY_1).exists()
    # The ward of the persona accounts has a lineage to show.
    ward_a = Unit.objects.get(name="Đảng ủy phường Chí Linh")
    assert any(e.role == "succ" and e.kind == "absorb" for e in lineage_timeline(ward_a))


def test_the_commission_is_the_merge_of_two_commissions_on_1_march_2025():
    demo.load_demo()
    commission = Unit.objects.get(issuer_abbr="BTGDVTU")
    event = LineageEvent.objects.get(kind=LineageEvent.Kind.MERGE, links__unit=commission)
    assert event.date == dt.date(2025, 3, 1)
    assert commission.valid_from == event.date
    assert {u.issuer_abbr for u in event.predecessors()} == {"BTGTU", "BDVTU"}
    assert {u.valid_to for u in event.predecessors()} == {dt.date(2025, 2, 28)}
    assert Department.objects.filter(unit=commission).count() == 6
    root = commission.parent
    assert root.name == "Thành ủy Hải Phòng" and root.code == demo.ROOT_CODE
    assert Unit.objects.filter(parent=root, type__code="dang-uy-truc-thuoc").count() >= 4


def test_clusters_rotate_head_and_deputy_among_their_members():
    demo.load_demo()
    for year in (2025, 2026):
        clusters = Cluster.objects.filter(year=year)
        assert 3 <= clusters.count() <= 5
        for c in clusters:
            members = set(c.members.all())
            assert c.head in members and c.deputy in members and c.head != c.deputy
    for c25 in Cluster.objects.filter(year=2025):
        c26 = Cluster.objects.get(year=2026, name=c25.name)
        assert (c25.head, c25.deputy) != (c26.head, c26.deputy)


def test_people_keep_their_position_history_across_the_restructuring():
    demo.load_demo()
    assert 35 <= Person.objects.filter(is_sample=True).count() <= 60
    khanh = Person.objects.get(full_name="Nguyễn Văn Khánh")
    history = list(khanh.positions.order_by("valid_from").select_related("unit", "department"))
    assert history[0].unit.name == "Ban Tuyên giáo Thành ủy Chí Linh" and history[0].valid_to == JUNE_30
    assert history[1].unit.issuer_abbr == "BTGDVTU" and history[1].valid_from == JULY_1
    assert history[1].department.name == "Phòng Tuyên truyền, Báo chí – Xuất bản"
    assert khanh.home_unit == history[1].unit


def test_each_persona_account_exists_and_sees_its_own_subtree():
    demo.load_demo()
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(is_sample=True)}
    assert set(users) == {"admin", "lanhdao", "chuyenvien", "phuong_a", "baocao_a", "chibo_a1", "phuong_b", "xem"}
    for u in users.values():
        assert u.check_password(demo.DEMO_PASSWORD)

    ward_a = Unit.objects.get(name="Đảng ủy phường Chí Linh")
    ward_b = Unit.objects.get(name="Đảng ủy phường Chu Văn An")
    seen_by_a = set(Unit.objects.restrict(users["phuong_a"], "view"))
    assert seen_by_a == set(Unit.objects.subtree(ward_a))
    assert ward_b not in seen_by_a
    assert not set(Unit.objects.restrict(users["phuong_b"], "view")) & set(Unit.objects.subtree(ward_a))
    assert set(Unit.objects.restrict(users["baocao_a"], "view")) == set(Unit.objects.subtree(ward_a))
    assert not Unit.objects.restrict(users["baocao_a"], "change").exists()
    clerk_sees = set(Unit.objects.restrict(users["chibo_a1"], "view"))
    assert len(clerk_sees) == 1 and clerk_sees.pop().parent == ward_a
    assert Unit.objects.restrict(users["admin"], "view").count() == Unit.objects.count()
    assert Unit.objects.restrict(users["xem"], "view").count() == Unit.objects.count()
    assert not Unit.objects.restrict(users["xem"], "change").exists()


def test_demo_accounts_command_prints_the_table_and_the_address():
    demo.load_demo()
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    assert demo.DEMO_URL in text
    for username in ("admin", "lanhdao", "chuyenvien", "phuong_a", "baocao_a", "chibo_a1", "phuong_b", "xem"):
        assert username in text
    assert demo.DEMO_PASSWORD in text
    assert "Đảng ủy phường Chí Linh" in text
