"""The standard tree and the fixed cast of personas, reused by every test (and by the demo's logic).

    Tỉnh ủy Mẫu (PROV)                      <- admin (commission admin), leader, viewer
      Ban Tuyên giáo và Dân vận (BTGDV)
      Đảng ủy xã An Bình (A)                <- officer_a (specialist)
        Chi bộ thôn Đông (A1)              <- clerk_a1 (unit reporter)
      Đảng ủy phường Bến Thủy (B)            <- officer_b (specialist): gets 404 on A's data
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tuyengiao.accounts.models import Grant, User
from tuyengiao.accounts.roles import Role
from tuyengiao.org.models import Unit, UnitName, UnitType

START = dt.date(2025, 7, 1)
PASSWORD = "Mat-khau-thu-2026"


@dataclass
class Cast:
    province: Unit
    commission: Unit
    a: Unit
    a1: Unit
    b: Unit
    admin: User
    leader: User
    officer_a: User
    clerk_a1: User
    officer_b: User
    viewer: User
    nobody: User
    superuser: User

    def persona(self, name: str) -> User:
        return getattr(self, name)


def _type(code, name, party=False, order=100):
    return UnitType.objects.get_or_create(code=code, defaults={"name": name, "is_party_committee": party, "order": order})[0]


def _unit(parent, type_, code, name, short="", abbr=""):
    u = Unit.objects.create(parent=parent, type=type_, code=code, name=name, short_name=short, issuer_abbr=abbr,
                            valid_from=START)
    UnitName.objects.create(unit=u, code=code, name=name, short_name=short, issuer_abbr=abbr, valid_from=START)
    return u


def _user(username, full_name, unit, role=None, grant_unit=None):
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name, home_unit=unit)
    if role:
        Grant.objects.create(user=user, unit=grant_unit or unit, role=role, valid_from=START)
    return user


def build_cast() -> Cast:
    t_prov = _type("tinh-uy", "Tỉnh ủy", party=True, order=10)
    t_ban = _type("ban-tgdv", "Ban Tuyên giáo và Dân vận", order=20)
    t_xa = _type("dang-uy-xa", "Đảng ủy xã, phường, đặc khu", party=True, order=40)
    t_cb = _type("chi-bo", "Chi bộ", party=True, order=80)
    prov = _unit(None, t_prov, "PROV", "Tỉnh ủy Mẫu", "TU Mẫu", "TU")
    commission = _unit(prov, t_ban, "BTGDV", "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ban TG&DV", "BTGDVTU")
    a = _unit(prov, t_xa, "A", "Đảng ủy xã An Bình", "ĐU An Bình", "ĐU")
    a1 = _unit(a, t_cb, "A1", "Chi bộ thôn Đông", "CB thôn Đông")
    b = _unit(prov, t_xa, "B", "Đảng ủy phường Bến Thủy", "ĐU Bến Thủy", "ĐU")
    superuser = User.objects.create_superuser(username="root", password=PASSWORD, email="root@example.org")
    return Cast(
        province=prov, commission=commission, a=a, a1=a1, b=b,
        admin=_user("admin", "Nguyễn Thị Quản Trị", commission, Role.ADMIN, prov),
        leader=_user("leader", "Trần Văn Lãnh", commission, Role.LEADER, prov),
        officer_a=_user("officer_a", "Lê Thị An", a, Role.SPECIALIST),
        clerk_a1=_user("clerk_a1", "Phạm Văn Đông", a1, Role.REPORTER),
        officer_b=_user("officer_b", "Hoàng Thị Bến", b, Role.SPECIALIST),
        viewer=_user("viewer", "Vũ Văn Xem", commission, Role.VIEWER, prov),
        nobody=_user("nobody", "Đỗ Thị Không", commission),
        superuser=superuser,
    )
