"""Restructuring rules and the as-of selectors, on the 2025 case: district commissions end
30/6/2025; old communes merge into new ones from 1/7/2025."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tuyengiao.accounts.models import Grant
from tuyengiao.accounts.roles import Role
from tuyengiao.core.models import AuditEntry
from tuyengiao.org import selectors, services
from tuyengiao.org.models import LineageEvent, Unit, UnitName, UnitType
from tuyengiao.org.services import NewUnit

OLD_START = dt.date(2020, 10, 1)
JUL1 = dt.date(2025, 7, 1)
JUN30 = dt.date(2025, 6, 30)


@pytest.fixture
def old_tree(cast):
    """A district committee with two old communes under the province, as before 1/7/2025."""
    t_dist = UnitType.objects.create(code="huyen-uy", name="Huyện ủy", is_party_committee=True)
    t_xa = UnitType.objects.get(code="dang-uy-xa")
    prov = cast.province
    prov.valid_from = OLD_START
    prov.save()
    district = services.unit_create(data=NewUnit("Huyện ủy Kinh Môn", "KM", t_dist, prov), valid_from=OLD_START, by=None)
    x1 = services.unit_create(data=NewUnit("Đảng ủy xã Hiệp An", "HA", t_xa, district), valid_from=OLD_START, by=None)
    x2 = services.unit_create(data=NewUnit("Đảng ủy xã Long Xuyên", "LX", t_xa, district), valid_from=OLD_START, by=None)
    return district, x1, x2, t_xa


@pytest.mark.django_db
class TestMerge2025:
    def test_merge_creates_successor_and_closes_predecessors(self, cast, old_tree):
        district, x1, x2, t_xa = old_tree
        event = services.unit_merge(
            predecessors=[x1, x2], on=JUL1, by=cast.admin, decision="NQ 1665/NQ-UBTVQH15",
            successor=NewUnit("Đảng ủy phường Kinh Môn", "P-KM", t_xa, cast.province),
        )
        new = event.successors().get()
        x1.refresh_from_db()
        x2.refresh_from_db()
        assert x1.valid_to == JUN30 and x2.valid_to == JUN30
        assert new.valid_from == JUL1 and new.parent == cast.province
        assert set(event.predecessors()) == {x1, x2}
        assert event.kind == LineageEvent.Kind.MERGE
        assert AuditEntry.objects.filter(action="close", object_id=str(x1.pk)).exists()

    def test_units_as_of_before_and_after(self, cast, old_tree):
        district, x1, x2, t_xa = old_tree
        services.unit_merge(predecessors=[x1, x2], on=JUL1, by=cast.admin,
                            successor=NewUnit("Đảng ủy phường Kinh Môn", "P-KM", t_xa, cast.province))
        services.unit_abolish(unit=district, on=JUL1, by=cast.admin)
        before = set(selectors.units_as_of(JUN30, root=cast.province).values_list("code", flat=True))
        after = set(selectors.units_as_of(JUL1, root=cast.province).values_list("code", flat=True))
        assert {"KM", "HA", "LX"} <= before and "P-KM" not in before
        assert "P-KM" in after and not ({"KM", "HA", "LX"} & after)

    def test_successors_at(self, cast, old_tree):
        district, x1, x2, t_xa = old_tree
        event = services.unit_merge(predecessors=[x1, x2], on=JUL1, by=cast.admin,
                                    successor=NewUnit("Đảng ủy phường Kinh Môn", "P-KM", t_xa, cast.province))
        new = event.successors().get()
        x1.refresh_from_db()
        assert selectors.successors_at(x1, JUN30) == [x1]
        assert selectors.successors_at(x1, JUL1) == [new]
        assert selectors.successors_at(x1, dt.date(2026, 1, 1)) == [new]
        district.refresh_from_db()
        services.unit_abolish(unit=district, on=JUL1, by=cast.admin)
        district.refresh_from_db()
        assert selectors.successors_at(district, JUL1) == []  # a district has no successor of its type

    def test_successors_through_two_events(self, cast, old_tree):
        district, x1, x2, t_xa = old_tree
        e1 = services.unit_merge(predecessors=[x1, x2], on=JUL1, by=cast.admin,
                                 successor=NewUnit("Đảng ủy phường Kinh Môn", "P-KM", t_xa, cast.province))
        mid = e1.successors().get()
        x1.refresh_from_db()
        e2 = services.unit_split(predecessor=mid, on=dt.date(2026, 1, 1), by=cast.admin, successors=[
            NewUnit("Đảng ủy phường Bắc", "P-B", t_xa, cast.province),
            NewUnit("Đảng ủy phường Nam", "P-N", t_xa, cast.province)])
        assert {u.code for u in selectors.successors_at(x1, dt.date(2026, 2, 1))} == {"P-B", "P-N"}
        assert {u.code for u in selectors.predecessors_closure(e2.successors().first())} == {"P-KM", "HA", "LX"}

    def test_merge_carries_grants_over(self, cast, old_tree):
        district, x1, x2, t_xa = old_tree
        g = Grant.objects.create(user=cast.officer_b, unit=x1, role=Role.SPECIALIST, valid_from=OLD_START)
        event = services.unit_merge(predecessors=[x1, x2], on=JUL1, by=cast.admin, carry_grants=True,
                                    successor=NewUnit("Đảng ủy phường Kinh Môn", "P-KM", t_xa, cast.province))
        new = event.successors().get()
        g.refresh_from_db()
        assert g.valid_to == JUN30
        carried = Grant.objects.get(user=cast.officer_b, unit=new)
        assert carried.role == Role.SPECIALIST and carried.carried_from == g and carried.valid_from == JUL1

    def test_merge_without_carrying_grants(self, cast, old_tree):
        district, x1, x2, t_xa = old_tree
        Grant.objects.create(user=cast.officer_b, unit=x1, role=Role.SPECIALIST, valid_from=OLD_START)
        event = services.unit_merge(predecessors=[x1, x2], on=JUL1, by=cast.admin, carry_grants=False,
                                    successor=NewUnit("Đảng ủy phường Kinh Môn", "P-KM", t_xa, cast.province))
        assert not Grant.objects.filter(unit=event.successors().get()).exists()


@pytest.mark.django_db
class TestRules:
    def test_no_event_before_unit_exists(self, cast, old_tree):
        district, x1, x2, t_xa = old_tree
        with pytest.raises(ValidationError):
            services.unit_merge(predecessors=[x1, x2], on=dt.date(2019, 1, 1), by=cast.admin,
                                successor=NewUnit("X", "X", t_xa, cast.province))
        assert not Unit.objects.filter(code="X").exists()  # atomic: nothing half-done
        x1.refresh_from_db()
        assert x1.valid_to is None

    def test_merge_needs_two_units(self, cast, old_tree):
        district, x1, x2, t_xa = old_tree
        with pytest.raises(ValidationError):
            services.unit_merge(predecessors=[x1], on=JUL1, by=cast.admin, successor=NewUnit("X", "X", t_xa, cast.province))

    def test_merge_refuses_units_with_subunits_unless_asked(self, cast, old_tree):
        district, x1, x2, t_xa = old_tree
        t_dist = district.type
        d2 = services.unit_create(data=NewUnit("Huyện ủy Kim Thành", "KT", t_dist, cast.province), valid_from=OLD_START, by=None)
        with pytest.raises(ValidationError):
            services.unit_merge(predecessors=[district, d2], on=JUL1, by=cast.admin,
                                successor=NewUnit("Y", "Y", t_dist, cast.province))
        event = services.unit_merge(predecessors=[district, d2], on=JUL1, by=cast.admin, close_subunits=True,
                                    successor=NewUnit("Y", "Y", t_dist, cast.province))
        x1.refresh_from_db()
        assert x1.valid_to == JUN30 and event.successors().get().code == "Y"

    def test_absorb_cycle_refused(self, cast, old_tree):
        district, x1, x2, t_xa = old_tree
        e = services.unit_merge(predecessors=[x1, x2], on=JUL1, by=cast.admin,
                                successor=NewUnit("Đảng ủy phường Kinh Môn", "P-KM", t_xa, cast.province))
        new = e.successors().get()
        with pytest.raises(ValidationError):
            services.unit_absorb(absorbed=[new], into=new, on=dt.date(2026, 1, 1), by=cast.admin)

    def test_out_of_scope_restructure_is_404(self, cast, old_tree):
        from django.http import Http404

        district, x1, x2, t_xa = old_tree
        with pytest.raises(Http404):
            services.unit_merge(predecessors=[x1, x2], on=JUL1, by=cast.officer_a,
                                successor=NewUnit("Z", "Z", t_xa, cast.province))

    def test_rename_cannot_overlap_names(self, cast):
        services.unit_rename(unit=cast.commission, on=dt.date(2026, 1, 1), name="Ban mới", code="BM", by=cast.admin)
        with pytest.raises(ValidationError):
            services.unit_rename(unit=cast.commission, on=dt.date(2025, 12, 1), name="Ban giữa", code="BG", by=cast.admin)
        ranges = list(UnitName.objects.filter(unit=cast.commission).order_by("valid_from").values_list("valid_from", "valid_to"))
        assert ranges == [(dt.date(2025, 7, 1), dt.date(2025, 12, 31)), (dt.date(2026, 1, 1), None)]

    def test_duplicate_code_under_same_parent(self, cast):
        with pytest.raises(ValidationError):
            services.unit_create(data=NewUnit("Khác", "A", cast.a.type, cast.province), valid_from=dt.date(2026, 1, 1), by=cast.admin)

    def test_timeline(self, cast, old_tree):
        district, x1, x2, t_xa = old_tree
        e = services.unit_merge(predecessors=[x1, x2], on=JUL1, by=cast.admin,
                                successor=NewUnit("Đảng ủy phường Kinh Môn", "P-KM", t_xa, cast.province))
        new = e.successors().get()
        x1.refresh_from_db()
        kinds = [(t.role, t.kind) for t in selectors.lineage_timeline(x1)]
        assert kinds == [("start", "start"), ("end", "end"), ("pred", "merge")]  # 30/6 then 1/7
        succ_entry = [t for t in selectors.lineage_timeline(new) if t.role == "succ"][0]
        assert set(succ_entry.others) == {x1, x2}


@pytest.mark.django_db
def test_grants_on_sub_units_are_not_widened_by_a_merge(cast, old_tree):
    district, x1, x2, t_xa = old_tree
    cell = services.unit_create(data=NewUnit("Chi bộ thôn 1", "C1", cast.a1.type, x1), valid_from=OLD_START, by=None)
    Grant.objects.create(user=cast.clerk_a1, unit=cell, role=Role.REPORTER, valid_from=OLD_START)
    event = services.unit_merge(predecessors=[x1, x2], on=JUL1, by=cast.admin, carry_grants=True, close_subunits=True,
                                successor=NewUnit("Đảng ủy phường Kinh Môn", "P-KM", t_xa, cast.province))
    assert not Grant.objects.filter(user=cast.clerk_a1, unit=event.successors().get()).exists()
