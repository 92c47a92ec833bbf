"""The code uniqueness rule (services.check_code_free): under one parent, two units in force on the same
day have different codes. Dates are inclusive: a unit whose last day is the day before does not count,
nor do the units that the same merge or split ends the day before (a successor may keep their code)."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tuyengiao.org import services
from tuyengiao.org.models import Unit, UnitName
from tuyengiao.org.services import NewUnit

JAN1 = dt.date(2027, 1, 1)
DEC31 = dt.date(2026, 12, 31)


def _code_error(exc: ValidationError) -> str:
    return " ".join(exc.message_dict["code"])


@pytest.mark.django_db
class TestMerge:
    def test_the_successor_may_keep_a_predecessors_code(self, cast):
        event = services.unit_merge(predecessors=[cast.a, cast.b], on=JAN1, by=cast.admin, close_subunits=True,
                                    successor=NewUnit("Đảng ủy phường An Bến", "A", cast.a.type, cast.province))
        new = event.successors().get()
        cast.a.refresh_from_db()
        assert new.code == "A" and new.valid_from == JAN1 and cast.a.valid_to == DEC31
        # on any day, one unit under the province holds the code A
        for day in (DEC31, JAN1):
            assert Unit.objects.filter(parent=cast.province, code="A").active(day).count() == 1

    def test_a_code_held_by_another_unit_in_force_is_refused_at_the_code(self, cast):
        with pytest.raises(ValidationError) as info:
            services.unit_merge(predecessors=[cast.a, cast.b], on=JAN1, by=cast.admin, close_subunits=True,
                                successor=NewUnit("Đảng ủy phường An Bến", "BTGDV", cast.a.type, cast.province))
        message = _code_error(info.value)
        assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" in message and "BTGDV" in message and "01/01/2027" in message
        assert not Unit.objects.filter(name="Đảng ủy phường An Bến").exists()
        cast.a.refresh_from_db()
        assert cast.a.valid_to is None  # all or nothing

    def test_a_unit_that_ends_the_day_before_does_not_count(self, cast):
        services.unit_abolish(unit=cast.commission, on=JAN1, by=cast.admin)
        event = services.unit_merge(predecessors=[cast.a, cast.b], on=JAN1, by=cast.admin, close_subunits=True,
                                    successor=NewUnit("Đảng ủy phường An Bến", "BTGDV", cast.a.type, cast.province))
        assert event.successors().get().code == "BTGDV"

    def test_a_unit_ending_on_the_day_itself_still_counts(self, cast):
        services.unit_abolish(unit=cast.commission, on=JAN1 + dt.timedelta(days=1), by=cast.admin)  # last day 01/01
        with pytest.raises(ValidationError) as info:
            services.unit_merge(predecessors=[cast.a, cast.b], on=JAN1, by=cast.admin, close_subunits=True,
                                successor=NewUnit("Đảng ủy phường An Bến", "BTGDV", cast.a.type, cast.province))
        assert "BTGDV" in _code_error(info.value)

    def test_the_rule_is_per_parent(self, cast):
        services.unit_merge(predecessors=[cast.a, cast.b], on=JAN1, by=cast.admin, close_subunits=True,
                            successor=NewUnit("Đảng ủy phường An Bến", "A1", cast.a.type, cast.province))
        assert Unit.objects.filter(code="A1").count() == 2  # the chi bộ A1 sits under A, not the province


@pytest.mark.django_db
class TestSplit:
    def test_a_new_unit_may_keep_the_split_units_code(self, cast):
        event = services.unit_split(predecessor=cast.b, on=JAN1, by=cast.admin, successors=[
            NewUnit("Đảng ủy phường Bến Thủy", "B", cast.b.type, cast.province),
            NewUnit("Đảng ủy phường Bến Thủy Nam", "B2", cast.b.type, cast.province),
        ])
        assert sorted(u.code for u in event.successors()) == ["B", "B2"]

    def test_a_sibling_in_force_keeps_its_code(self, cast):
        with pytest.raises(ValidationError) as info:
            services.unit_split(predecessor=cast.b, on=JAN1, by=cast.admin, successors=[
                NewUnit("Đảng ủy phường Bến Thủy Bắc", "A", cast.b.type, cast.province),
                NewUnit("Đảng ủy phường Bến Thủy Nam", "B2", cast.b.type, cast.province),
            ])
        assert "Đảng ủy xã An Bình" in _code_error(info.value)

    def test_two_new_units_cannot_share_a_code(self, cast):
        with pytest.raises(ValidationError) as info:
            services.unit_split(predecessor=cast.b, on=JAN1, by=cast.admin, successors=[
                NewUnit("Đảng ủy phường Bến Thủy Bắc", "B9", cast.b.type, cast.province),
                NewUnit("Đảng ủy phường Bến Thủy Nam", "B9", cast.b.type, cast.province),
            ])
        assert "Bến Thủy Bắc" in _code_error(info.value)


@pytest.mark.django_db
class TestRename:
    def test_the_code_of_a_unit_that_ends_the_day_before_is_free(self, cast):
        services.unit_abolish(unit=cast.b, on=JAN1, by=cast.admin)
        services.unit_rename(unit=cast.a, on=JAN1, name="Đảng ủy xã An Bình", code="B", by=cast.admin)
        assert UnitName.objects.get(unit=cast.a, valid_from=JAN1).code == "B"

    def test_the_code_of_a_sibling_in_force_is_refused(self, cast):
        services.unit_abolish(unit=cast.b, on=JAN1 + dt.timedelta(days=1), by=cast.admin)  # last day 01/01
        with pytest.raises(ValidationError) as info:
            services.unit_rename(unit=cast.a, on=JAN1, name="Đảng ủy xã An Bình", code="B", by=cast.admin)
        assert "Đảng ủy phường Bến Thủy" in _code_error(info.value)
        assert not UnitName.objects.filter(unit=cast.a, valid_from=JAN1).exists()

    def test_keeping_its_own_code(self, cast):
        services.unit_rename(unit=cast.a, on=JAN1, name="Đảng ủy xã An Bình Mới", code="A", by=cast.admin)
        assert UnitName.objects.get(unit=cast.a, valid_from=JAN1).code == "A"
