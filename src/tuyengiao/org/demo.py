"""The demo province: Thành phố Hải Phòng after the 2025 restructuring, as sample data.

Real communes, wards and special zones come from the `vietnam-provinces` package; the people, the
chi bộ, the clusters and the pre-2025 slice (two district committees of the former Hải Dương province
and some of their old communes) are fictional or illustrative. Every row created here is marked
`is_sample`. `load_demo()` runs in one transaction and does nothing when the demo root already exists.

Simplifications, on purpose:
- Thành ủy Chí Linh and Thị ủy Kinh Môn belonged to Tỉnh ủy Hải Dương until 30/6/2025; here they sit
  under Thành ủy Hải Phòng so that the city's users can see the history of their new wards.
- Which old commune went into which new ward is illustrative, not the official resolution.

This module sits in the `org` layer, below `accounts` (see the import-linter contract), so the persona
accounts are made through the app registry (`apps.get_model`) rather than by importing accounts.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from vietnam_provinces import Province, Ward

from tuyengiao.core import audit
from tuyengiao.core.models import AuditEntry
from tuyengiao.core.querysets import object_unit_path
from tuyengiao.core.services import object_create

from .models import PATH_WIDTH, Cluster, Department, Person, Position, Term, Unit, UnitName, UnitType
from .services import NewUnit, cluster_save, unit_abolish, unit_absorb, unit_create, unit_merge

D = dt.date
ROOT_CODE = "HP"
PROVINCE_CODENAME = "hai_phong"
DEMO_PASSWORD = "demo-2026!"  # sample data only; printed by `manage.py demo_accounts`
DEMO_URL = "http://127.0.0.1:8000"

HORIZON = D(2020, 1, 1)  # where the demo's history starts (the committees themselves are older)
MERGER_COMMISSION = D(2025, 3, 1)  # Ban Tuyên giáo + Ban Dân vận -> Ban Tuyên giáo và Dân vận
TWO_TIER = D(2025, 7, 1)  # districts end, new communes and wards begin
PRE_2025_END = TWO_TIER - dt.timedelta(days=1)

# (code, name, is_party_committee, order)
UNIT_TYPES = [
    ("tinh-uy", "Tỉnh ủy, Thành ủy", True, 10),
    ("ban-tgdv", "Ban Tuyên giáo và Dân vận", False, 20),
    ("ban-tuyen-giao", "Ban Tuyên giáo (trước 2025)", False, 21),
    ("ban-dan-van", "Ban Dân vận (trước 2025)", False, 22),
    ("dang-uy-truc-thuoc", "Đảng ủy trực thuộc", True, 30),
    ("dang-uy-xa", "Đảng ủy xã, phường, đặc khu", True, 40),
    ("ban-xay-dung-dang", "Ban Xây dựng Đảng", False, 50),
    ("trung-tam-chinh-tri", "Trung tâm chính trị", False, 60),
    ("chi-bo", "Chi bộ", True, 80),
    ("huyen-uy", "Huyện ủy, Thành ủy, Thị ủy (cấp huyện, trước 2025)", True, 90),
    ("ban-tuyen-giao-huyen", "Ban Tuyên giáo cấp huyện (trước 2025)", False, 91),
    ("dang-uy-xa-cu", "Đảng ủy xã, phường (trước 2025)", True, 92),
]

DEPARTMENTS = [
    ("VP", "Văn phòng"),
    ("TTBCXB", "Phòng Tuyên truyền, Báo chí – Xuất bản"),
    ("KGVHVN", "Phòng Khoa giáo, Văn hóa – Văn nghệ"),
    ("LLCT", "Phòng Lý luận chính trị, Lịch sử Đảng"),
    ("DVCQ", "Phòng Dân vận các cơ quan Nhà nước, dân tộc và tôn giáo"),
    ("DTH", "Phòng Đoàn thể và các Hội"),
]

# (code, name, short name, valid_from, [chi bộ names])
AFFILIATED = [
    ("DU-CQD", "Đảng ủy các cơ quan Đảng thành phố", "ĐU các cơ quan Đảng", D(2025, 2, 1),
     ["Chi bộ Văn phòng Thành ủy", "Chi bộ Ban Tổ chức Thành ủy", "Chi bộ Ban Tuyên giáo và Dân vận Thành ủy"]),
    ("DU-UBND", "Đảng ủy Ủy ban nhân dân thành phố", "ĐU UBND thành phố", D(2025, 2, 1),
     ["Chi bộ Sở Văn hóa, Thể thao và Du lịch", "Chi bộ Sở Giáo dục và Đào tạo", "Chi bộ Sở Khoa học và Công nghệ"]),
    ("DU-CA", "Đảng ủy Công an thành phố", "ĐU Công an thành phố", HORIZON,
     ["Chi bộ Phòng An ninh chính trị nội bộ", "Chi bộ Phòng Tham mưu"]),
    ("DU-QS", "Đảng ủy Quân sự thành phố", "ĐU Quân sự thành phố", HORIZON,
     ["Chi bộ Phòng Chính trị", "Chi bộ Phòng Tham mưu"]),
    ("DU-BP", "Đảng ủy Bộ đội Biên phòng thành phố", "ĐU Biên phòng thành phố", HORIZON,
     ["Chi bộ Phòng Chính trị", "Chi bộ Đồn Biên phòng Cát Bà"]),
]

# The pre-2025 slice: district committee -> its Ban Tuyên giáo and old communes, each group of old
# communes absorbed into one new ward on 1/7/2025 (illustrative mapping).
DISTRICTS = [
    {
        "code": "TU-CL", "name": "Thành ủy Chí Linh", "short": "TU Chí Linh", "abbr": "TU", "from": HORIZON,
        "ban": ("TU-CL-BTG", "Ban Tuyên giáo Thành ủy Chí Linh", "BTG Chí Linh", "BTGTU"),
        "communes": {
            "Phường Chí Linh": [("CL-SD", "phường Sao Đỏ"), ("CL-CH", "phường Cộng Hòa")],
            "Phường Trần Hưng Đạo": [("CL-HD", "xã Hưng Đạo")],
            "Phường Trần Nhân Tông": [("CL-LL", "xã Lê Lợi"), ("CL-HHT", "xã Hoàng Hoa Thám")],
        },
    },
    {
        "code": "TU-KM", "name": "Thị ủy Kinh Môn", "short": "TU Kinh Môn", "abbr": "TU", "from": D(2020, 3, 1),
        "ban": ("TU-KM-BTG", "Ban Tuyên giáo Thị ủy Kinh Môn", "BTG Kinh Môn", "BTGTU"),
        "communes": {
            "Phường Trần Liễu": [("KM-LN", "xã Lê Ninh"), ("KM-BD", "xã Bạch Đằng")],
            "Phường Nhị Chiểu": [("KM-QT", "xã Quang Thành"), ("KM-LLo", "xã Lạc Long")],
        },
    },
]

WARD_A = "Phường Chí Linh"
WARD_B = "Phường Chu Văn An"
POLITICAL_CENTRES = ["Phường Chí Linh", "Phường Hải Dương"]

# Emulation clusters: ward names (the first two are head and deputy in 2025, the next two in 2026).
CLUSTERS = [
    ("Cụm thi đua số 1 – các phường khu vực trung tâm", Cluster.Kind.CLUSTER,
     ["Phường Hồng Bàng", "Phường Ngô Quyền", "Phường Lê Chân", "Phường Gia Viên", "Phường An Biên",
      "Phường Hải An", "Phường Đông Hải", "Phường Kiến An", "Phường Đồ Sơn"]),
    ("Cụm thi đua số 2 – các xã, đặc khu ven biển", Cluster.Kind.CLUSTER,
     ["Đặc khu Cát Hải", "Xã Tiên Lãng", "Xã Vĩnh Bảo", "Xã Kiến Thụy", "Xã An Lão", "Đặc khu Bạch Long Vĩ",
      "Xã Kiến Hải", "Xã Vĩnh Hải"]),
    ("Cụm thi đua số 3 – các phường Chí Linh, Kinh Môn", Cluster.Kind.CLUSTER,
     ["Phường Chí Linh", "Phường Kinh Môn", "Phường Chu Văn An", "Phường Trần Liễu", "Phường Trần Hưng Đạo",
      "Phường Nguyễn Trãi", "Phường Trần Nhân Tông", "Phường Lê Đại Hành", "Phường Nhị Chiểu"]),
]
AFFILIATED_BLOCK = "Khối thi đua các đảng ủy trực thuộc"

# Persona accounts: username, full name, role, unit key, home unit key. Role values are those of
# accounts.roles.Role (checked against the Grant.role choices at load time).
PERSONAS = [
    ("admin", "Lê Thị Thanh Huyền", "admin", "root", "commission"),
    ("lanhdao", "Nguyễn Thị Thu Hà", "leader", "root", "commission"),
    ("chuyenvien", "Trần Văn Đức", "specialist", "root", "commission"),
    ("phuong_a", "Lê Thị Ngọc Ánh", "specialist", "ward_a", "ward_a"),
    # The commune's reporter: fills in and submits the ward committee's reports.
    ("baocao_a", "Phạm Văn Bình", "reporter", "ward_a", "ward_a"),
    ("chibo_a1", "Đỗ Văn Toàn", "reporter", "chibo_a1", "chibo_a1"),
    ("phuong_b", "Vũ Thị Hạnh", "specialist", "ward_b", "ward_b"),
    ("xem", "Kiều Thị Minh Châu", "viewer", "root", "commission"),
]

OPEN = None
# People: full name, gender, birth year, [(unit key, department code, title, from, to)]. Unit keys are
# resolved by _unit_key(): "commission", "btg", "bdv", "root", an affiliated code, a district or
# old-commune code, "ward:<Ward name>", "xdd:<Ward name>", "ttct:<Ward name>", "chibo_a1".
PEOPLE = [
    ("Phạm Văn Thắng", "m", 1970, [
        ("btg", None, "Trưởng ban", D(2020, 10, 20), D(2025, 2, 28)),
        ("commission", None, "Trưởng ban", MERGER_COMMISSION, OPEN)]),
    ("Nguyễn Thị Thu Hà", "f", 1974, [
        ("bdv", None, "Trưởng ban", D(2020, 10, 20), D(2025, 2, 28)),
        ("commission", None, "Phó Trưởng ban Thường trực", MERGER_COMMISSION, OPEN)]),
    ("Trần Quang Minh", "m", 1976, [
        ("btg", None, "Phó Trưởng ban", D(2021, 3, 1), D(2025, 2, 28)),
        ("commission", None, "Phó Trưởng ban", MERGER_COMMISSION, OPEN)]),
    ("Đỗ Thị Lan Anh", "f", 1979, [
        ("bdv", None, "Phó Trưởng ban", D(2022, 6, 1), D(2025, 2, 28)),
        ("commission", None, "Phó Trưởng ban", MERGER_COMMISSION, OPEN)]),
    ("Vũ Đức Long", "m", 1980, [
        ("btg", None, "Chánh Văn phòng", D(2020, 10, 20), D(2025, 2, 28)),
        ("commission", "VP", "Chánh Văn phòng", MERGER_COMMISSION, OPEN)]),
    ("Tạ Quang Huy", "m", 1985, [("commission", "VP", "Phó Chánh Văn phòng", MERGER_COMMISSION, OPEN)]),
    ("Hoàng Thị Mai", "f", 1982, [
        ("btg", None, "Trưởng phòng Tuyên truyền – Báo chí", D(2022, 1, 1), D(2025, 2, 28)),
        ("commission", "TTBCXB", "Trưởng phòng", MERGER_COMMISSION, OPEN)]),
    ("Bùi Văn Tiến", "m", 1978, [("commission", "KGVHVN", "Trưởng phòng", MERGER_COMMISSION, OPEN)]),
    ("Lương Thị Hồng", "f", 1981, [("commission", "LLCT", "Trưởng phòng", MERGER_COMMISSION, OPEN)]),
    ("Ngô Văn Hải", "m", 1977, [
        ("bdv", None, "Chuyên viên chính", D(2020, 10, 20), D(2025, 2, 28)),
        ("commission", "DVCQ", "Trưởng phòng", MERGER_COMMISSION, OPEN)]),
    ("Đinh Thị Ngọc", "f", 1983, [("commission", "DTH", "Trưởng phòng", MERGER_COMMISSION, OPEN)]),
    ("Nguyễn Văn Khánh", "m", 1975, [
        ("TU-CL-BTG", None, "Trưởng ban", D(2020, 9, 1), PRE_2025_END),
        ("commission", "TTBCXB", "Phó Trưởng phòng", TWO_TIER, OPEN)]),
    ("Phạm Thị Hương", "f", 1986, [
        ("TU-KM-BTG", None, "Chuyên viên", D(2020, 9, 1), PRE_2025_END),
        ("commission", "LLCT", "Chuyên viên", TWO_TIER, OPEN)]),
    ("Lê Thị Thanh Huyền", "f", 1990, [
        ("btg", None, "Chuyên viên", D(2021, 7, 1), D(2025, 2, 28)),
        ("commission", "VP", "Chuyên viên (công nghệ thông tin)", MERGER_COMMISSION, OPEN)]),
    ("Trần Văn Đức", "m", 1988, [("commission", "TTBCXB", "Chuyên viên", MERGER_COMMISSION, OPEN)]),
    ("Đặng Thị Phương", "f", 1991, [("commission", "KGVHVN", "Chuyên viên", MERGER_COMMISSION, OPEN)]),
    ("Cao Văn Nam", "m", 1987, [("commission", "DTH", "Chuyên viên", MERGER_COMMISSION, OPEN)]),
    ("Mai Thị Thảo", "f", 1992, [("commission", "DVCQ", "Chuyên viên", MERGER_COMMISSION, OPEN)]),
    ("Kiều Thị Minh Châu", "f", 1989, [("commission", "VP", "Chuyên viên", MERGER_COMMISSION, OPEN)]),
    ("Vương Văn Sơn", "m", 1968, [("DU-CQD", None, "Bí thư Đảng ủy", D(2025, 2, 1), OPEN)]),
    ("Nguyễn Thị Kim Oanh", "f", 1975, [("DU-UBND", None, "Phó Bí thư Đảng ủy", D(2025, 2, 1), OPEN)]),
    ("Lê Văn Cường", "m", 1973, [("DU-CA", None, "Phó Bí thư Đảng ủy", D(2023, 5, 1), OPEN)]),
    ("Nguyễn Văn Tuấn", "m", 1972, [
        ("TU-CL", None, "Phó Bí thư Thành ủy", D(2020, 9, 1), PRE_2025_END),
        ("ward:Phường Chí Linh", None, "Bí thư Đảng ủy", TWO_TIER, OPEN)]),
    ("Trần Thị Hoa", "f", 1980, [
        ("CL-SD", None, "Bí thư Đảng ủy", D(2020, 7, 1), PRE_2025_END),
        ("ward:Phường Chí Linh", None, "Phó Bí thư Thường trực Đảng ủy", TWO_TIER, OPEN)]),
    ("Phạm Văn Bình", "m", 1979, [("xdd:Phường Chí Linh", None, "Trưởng Ban Xây dựng Đảng", TWO_TIER, OPEN)]),
    ("Lê Thị Ngọc Ánh", "f", 1993, [("xdd:Phường Chí Linh", None, "Chuyên viên", TWO_TIER, OPEN)]),
    ("Đỗ Văn Toàn", "m", 1965, [("chibo_a1", None, "Bí thư Chi bộ", D(2025, 8, 1), OPEN)]),
    ("Dương Văn Phúc", "m", 1969, [("ttct:Phường Chí Linh", None, "Giám đốc", TWO_TIER, OPEN)]),
    ("Hoàng Văn Dũng", "m", 1971, [("ward:Phường Chu Văn An", None, "Bí thư Đảng ủy", TWO_TIER, OPEN)]),
    ("Nguyễn Thị Loan", "f", 1984, [("xdd:Phường Chu Văn An", None, "Trưởng Ban Xây dựng Đảng", TWO_TIER, OPEN)]),
    ("Vũ Thị Hạnh", "f", 1994, [("xdd:Phường Chu Văn An", None, "Chuyên viên", TWO_TIER, OPEN)]),
    ("Phạm Quốc Việt", "m", 1976, [
        ("TU-KM-BTG", None, "Trưởng ban", D(2020, 9, 1), PRE_2025_END),
        ("xdd:Phường Kinh Môn", None, "Trưởng Ban Xây dựng Đảng", TWO_TIER, OPEN)]),
    ("Bùi Thị Thủy", "f", 1982, [
        ("KM-LN", None, "Bí thư Đảng ủy", D(2020, 7, 1), PRE_2025_END),
        ("ward:Phường Trần Liễu", None, "Phó Bí thư Đảng ủy", TWO_TIER, OPEN)]),
    ("Mạc Văn Thịnh", "m", 1974, [
        ("CL-HD", None, "Bí thư Đảng ủy", D(2020, 7, 1), PRE_2025_END),
        ("ward:Phường Trần Hưng Đạo", None, "Phó Bí thư Đảng ủy", TWO_TIER, OPEN)]),
    ("Đào Văn Hưng", "m", 1970, [("ward:Phường Hồng Bàng", None, "Bí thư Đảng ủy", TWO_TIER, OPEN)]),
    ("Nguyễn Thị Minh Nguyệt", "f", 1985, [
        ("xdd:Phường Hồng Bàng", None, "Trưởng Ban Xây dựng Đảng", TWO_TIER, OPEN)]),
    ("Trịnh Văn Lực", "m", 1972, [("ward:Phường Ngô Quyền", None, "Bí thư Đảng ủy", TWO_TIER, OPEN)]),
    ("Phan Thị Yến", "f", 1983, [("xdd:Phường Lê Chân", None, "Trưởng Ban Xây dựng Đảng", TWO_TIER, OPEN)]),
    ("Lưu Văn Thành", "m", 1971, [("ward:Phường Hải Dương", None, "Bí thư Đảng ủy", TWO_TIER, OPEN)]),
    ("Hà Thị Quỳnh", "f", 1987, [("xdd:Phường Hải Dương", None, "Trưởng Ban Xây dựng Đảng", TWO_TIER, OPEN)]),
    ("Kiều Văn Quân", "m", 1969, [("ward:Đặc khu Cát Hải", None, "Bí thư Đảng ủy", TWO_TIER, OPEN)]),
    ("Châu Thị Lệ", "f", 1981, [("ward:Xã Tiên Lãng", None, "Phó Bí thư Đảng ủy", TWO_TIER, OPEN)]),
    ("Lại Thị Nhung", "f", 1990, [
        ("xdd:Phường Thuỷ Nguyên", None, "Phó Trưởng Ban Xây dựng Đảng", TWO_TIER, OPEN)]),
]


@dataclass
class DemoResult:
    created: bool
    root: Unit
    counts: dict[str, int] = field(default_factory=dict)


def province_wards() -> list[Ward]:
    """The communes, wards and special zones of post-2025 Hải Phòng, from vietnam-provinces."""
    (province,) = [p for p in Province.iter_all() if p.codename == PROVINCE_CODENAME]
    return list(Ward.iter_by_province(province.code))


def demo_root() -> Unit | None:
    return Unit.objects.filter(code=ROOT_CODE, parent__isnull=True, is_sample=True).first()


def load_demo() -> DemoResult:
    """Load the demo province once; a second call keeps the data and changes nothing."""
    root = demo_root()
    if root is not None:
        return DemoResult(created=False, root=root, counts=_counts(root))
    with transaction.atomic():
        root = _Loader().run()
    return DemoResult(created=True, root=root, counts=_counts(root))


def _counts(root: Unit) -> dict[str, int]:
    units = Unit.objects.subtree(root)
    return {
        "units": units.count(),
        "wards": units.filter(type__code="dang-uy-xa").count(),
        "people": Person.objects.filter(home_unit__path__startswith=root.path, is_sample=True).count(),
        "clusters": Cluster.objects.filter(organiser__path__startswith=root.path).count(),
        "users": get_user_model().objects.filter(is_sample=True).count(),
    }


def demo_accounts() -> list[dict]:
    """One row per persona account: username, password, full name, role, unit."""
    User = get_user_model()
    Grant = apps.get_model("accounts", "Grant")
    users = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in PERSONAS], is_sample=True)}
    rows = []
    for username, *_rest in PERSONAS:
        user = users.get(username)
        if user is None:
            continue
        grant = Grant.objects.filter(user=user).select_related("unit").order_by("valid_from").first()
        rows.append({
            "username": username, "password": DEMO_PASSWORD, "full_name": user.full_name,
            "role": grant.get_role_display() if grant else "", "unit": grant.unit.name if grant else "",
        })
    return rows


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


class _Loader:
    def __init__(self):
        self.types: dict[str, UnitType] = {}
        self.units: dict[str, Unit] = {}
        self.departments: dict[str, Department] = {}
        self.wards: dict[str, Unit] = {}  # by ward name as in vietnam-provinces ("Phường Chí Linh")
        self.xdd: dict[str, Unit] = {}
        self.ttct: dict[str, Unit] = {}
        self.people: dict[str, Person] = {}
        self.reason = _("Sample data (load_demo)")

    def run(self) -> Unit:
        self._types()
        self._city()
        self._commission()
        self._affiliated()
        self._history()
        self._wards()
        self._lineage_2025()
        self._terms()
        self._clusters()
        self._people()
        self._accounts()
        return self.units["root"]

    # --- units ---------------------------------------------------------------------------------

    def _types(self):
        for code, name, party, order in UNIT_TYPES:
            self.types[code] = UnitType.objects.get_or_create(
                code=code, defaults={"name": name, "is_party_committee": party, "order": order}
            )[0]

    def _create(self, key, parent, type_code, code, name, short="", abbr="", valid_from=HORIZON) -> Unit:
        unit = unit_create(
            data=NewUnit(name=name, code=code, type=self.types[type_code], parent=parent, short_name=short,
                         issuer_abbr=abbr),
            valid_from=valid_from, by=None, is_sample=True,
        )
        self.units[key] = unit
        return unit

    def _city(self):
        self._create("root", None, "tinh-uy", ROOT_CODE, "Thành ủy Hải Phòng", "Thành ủy", "TU")

    def _commission(self):
        root = self.units["root"]
        start = D(2020, 10, 20)
        btg = self._create("btg", root, "ban-tuyen-giao", "BTG", "Ban Tuyên giáo Thành ủy", "Ban Tuyên giáo",
                           "BTGTU", start)
        bdv = self._create("bdv", root, "ban-dan-van", "BDV", "Ban Dân vận Thành ủy", "Ban Dân vận", "BDVTU", start)
        event = unit_merge(
            predecessors=[btg, bdv],
            successor=NewUnit(name="Ban Tuyên giáo và Dân vận Thành ủy", code="BTGDV", type=self.types["ban-tgdv"],
                              parent=root, short_name="Ban TG&DV Thành ủy", issuer_abbr="BTGDVTU"),
            on=MERGER_COMMISSION, by=None, carry_grants=False,
            note="Hợp nhất Ban Tuyên giáo Thành ủy và Ban Dân vận Thành ủy (dữ liệu mẫu).",
        )
        commission = event.successors().get()
        self.units["commission"] = commission
        for code, name in DEPARTMENTS:
            self.departments[code] = object_create(
                model=Department, data={"unit": commission, "code": code, "name": name, "valid_from": MERGER_COMMISSION},
                by=None,
            )

    def _affiliated(self):
        root = self.units["root"]
        for code, name, short, start, cells in AFFILIATED:
            committee = self._create(code, root, "dang-uy-truc-thuoc", code, name, short, "ĐU", start)
            self._bulk([
                Unit(parent=committee, type=self.types["chi-bo"], code=f"{code}-CB{i}", name=cell, valid_from=start)
                for i, cell in enumerate(cells, 1)
            ])

    def _history(self):
        root = self.units["root"]
        for d in DISTRICTS:
            district = self._create(d["code"], root, "huyen-uy", d["code"], d["name"], d["short"], d["abbr"], d["from"])
            ban_code, ban_name, ban_short, ban_abbr = d["ban"]
            self._create(ban_code, district, "ban-tuyen-giao-huyen", ban_code, ban_name, ban_short, ban_abbr, d["from"])
            for communes in d["communes"].values():
                for code, place in communes:
                    self._create(code, district, "dang-uy-xa-cu", code, f"Đảng ủy {place}", f"ĐU {place}", "ĐU",
                                 d["from"])

    def _wards(self):
        """Every commune, ward and special zone as a party committee with its Ban Xây dựng Đảng; a few
        with chi bộ and a political centre. Bulk-created: 114 wards would take too long one by one."""
        root = self.units["root"]
        wards = sorted(province_wards(), key=lambda w: w.code.value)
        t_ward = self.types["dang-uy-xa"]
        committees = [
            Unit(parent=root, type=t_ward, code=f"{w.code.value:05d}", name=f"Đảng ủy {_lower_first(w.name)}",
                 short_name=f"ĐU {_lower_first(w.name)}", issuer_abbr="ĐU", valid_from=TWO_TIER)
            for w in wards
        ]
        self._bulk(committees)
        self.wards = {w.name: u for w, u in zip(wards, committees, strict=True)}
        children = []
        for i, (w, committee) in enumerate(zip(wards, committees, strict=True)):
            place = _lower_first(w.name)
            xdd = Unit(parent=committee, type=self.types["ban-xay-dung-dang"], code=f"{committee.code}-BXDD",
                       name=f"Ban Xây dựng Đảng Đảng ủy {place}", short_name="Ban XDĐ", issuer_abbr="BXDĐ",
                       valid_from=TWO_TIER)
            self.xdd[w.name] = xdd
            children.append(xdd)
            if w.name in POLITICAL_CENTRES:
                centre = Unit(parent=committee, type=self.types["trung-tam-chinh-tri"], code=f"{committee.code}-TTCT",
                              name=f"Trung tâm chính trị {place}", short_name="TTCT", valid_from=TWO_TIER)
                self.ttct[w.name] = centre
                children.append(centre)
            n_cells = 3 if w.name in (WARD_A, WARD_B) else (1 + i % 3 if i % 4 == 0 else 0)
            village = "thôn" if w.name.startswith("Xã") else "khu dân cư"
            for n in range(1, n_cells + 1):
                cell = Unit(parent=committee, type=self.types["chi-bo"], code=f"{committee.code}-CB{n}",
                            name=f"Chi bộ {village} số {n}", valid_from=D(2025, 8, 1))
                children.append(cell)
                if w.name == WARD_A and n == 1:
                    self.units["chibo_a1"] = cell
        self._bulk(children)
        self.units["ward_a"] = self.wards[WARD_A]
        self.units["ward_b"] = self.wards[WARD_B]

    def _bulk(self, units: list[Unit]) -> None:
        """bulk_create units of any parents already saved, with path, depth, search and sort_key computed
        as Unit.save() does, plus their first UnitName and the audit entries unit_create would write."""
        for u in units:
            u.is_sample = True
            u.path = f"tmp-{uuid.uuid4().hex}"
            u.refresh_denormalised()
        Unit.objects.bulk_create(units)
        for u in units:
            u.path = f"{u.parent.path}{u.pk:0{PATH_WIDTH}d}/"
            u.depth = u.parent.depth + 1
        Unit.objects.bulk_update(units, ["path", "depth"], batch_size=500)
        UnitName.objects.bulk_create([
            UnitName(unit=u, code=u.code, name=u.name, short_name=u.short_name, issuer_abbr=u.issuer_abbr,
                     valid_from=u.valid_from)
            for u in units
        ])
        self._audit_bulk(units)

    def _audit_bulk(self, objs) -> None:
        if not objs:
            return
        ct = ContentType.objects.get_for_model(type(objs[0]))
        AuditEntry.objects.bulk_create([
            AuditEntry(actor=None, action=AuditEntry.Action.CREATE, content_type=ct, object_id=str(o.pk),
                       object_repr=str(o)[:300], unit_path=object_unit_path(o) or "", after=audit.snapshot(o),
                       reason=self.reason)
            for o in objs
        ])

    # --- the 1/7/2025 restructuring --------------------------------------------------------------

    def _lineage_2025(self):
        for d in DISTRICTS:
            for ward_name, communes in d["communes"].items():
                unit_absorb(
                    absorbed=[self.units[code] for code, _place in communes], into=self.wards[ward_name],
                    on=TWO_TIER, by=None, carry_grants=False,
                    note="Sắp xếp đơn vị hành chính cấp xã từ 01/7/2025 (dữ liệu mẫu, phân chia minh họa).",
                )
            unit_abolish(unit=self.units[d["ban"][0]], on=TWO_TIER, by=None,
                         note="Kết thúc hoạt động cấp huyện từ 01/7/2025 (dữ liệu mẫu).")
            unit_abolish(unit=self.units[d["code"]], on=TWO_TIER, by=None,
                         note="Kết thúc hoạt động cấp huyện từ 01/7/2025 (dữ liệu mẫu).")

    # --- terms, clusters ---------------------------------------------------------------------------

    def _terms(self):
        root = self.units["root"]
        # Merged provinces restart committee numbering at "khóa I" (DOMAIN.md §1.2).
        for data in [
            {"unit": root, "name": "Khóa XVI, nhiệm kỳ 2020–2025", "number": 16, "valid_from": D(2020, 10, 20),
             "valid_to": PRE_2025_END},
            {"unit": root, "name": "Khóa I, nhiệm kỳ 2025–2030", "number": 1, "valid_from": TWO_TIER},
        ]:
            object_create(model=Term, data=data, by=None)
        for d in DISTRICTS:
            object_create(model=Term, data={"unit": self.units[d["code"]], "name": "Nhiệm kỳ 2020–2025",
                                            "valid_from": max(d["from"], D(2020, 8, 15)), "valid_to": PRE_2025_END},
                          by=None)
        for code, *_rest in AFFILIATED:
            object_create(model=Term, data={"unit": self.units[code], "name": "Khóa I, nhiệm kỳ 2025–2030",
                                            "number": 1, "valid_from": D(2025, 7, 15)}, by=None)
        terms = [
            Term(unit=u, name="Khóa I, nhiệm kỳ 2025–2030", number=1, valid_from=D(2025, 8, 1 + i % 28))
            for i, u in enumerate(self.wards.values())
        ]
        Term.objects.bulk_create(terms)
        self._audit_bulk(terms)

    def _clusters(self):
        commission = self.units["commission"]
        groups = [(name, kind, [self.wards[n] for n in names]) for name, kind, names in CLUSTERS]
        groups.append((AFFILIATED_BLOCK, Cluster.Kind.BLOCK, [self.units[code] for code, *_r in AFFILIATED]))
        for name, kind, members in groups:
            for year, (head, deputy) in ((2025, members[0:2]), (2026, members[2:4])):
                cluster_save(cluster=None, members=members, by=None, data={
                    "year": year, "kind": kind, "name": name, "organiser": commission, "head": head, "deputy": deputy,
                })

    # --- people and accounts -------------------------------------------------------------------------

    def _unit_key(self, key: str) -> Unit:
        if ":" in key:
            kind, name = key.split(":", 1)
            return {"ward": self.wards, "xdd": self.xdd, "ttct": self.ttct}[kind][name]
        return self.units[key]

    def _people(self):
        for full_name, gender, born, positions in PEOPLE:
            current = positions[-1]
            person = object_create(model=Person, by=None, data={
                "full_name": full_name, "gender": gender, "birth_year": born, "is_sample": True,
                "home_unit": self._unit_key(current[0]),
            })
            self.people[full_name] = person
            for key, dept, title, start, end in positions:
                object_create(model=Position, by=None, data={
                    "person": person, "unit": self._unit_key(key), "department": self.departments.get(dept),
                    "title": title, "valid_from": start, "valid_to": end,
                })

    def _accounts(self):
        User = get_user_model()
        Grant = apps.get_model("accounts", "Grant")
        roles = {value for value, _label in Grant._meta.get_field("role").choices}
        for username, full_name, role, unit_key, home_key in PERSONAS:
            if role not in roles:
                raise ValueError(f"Unknown role {role!r} for the demo account {username!r}")
            if User.objects.filter(username__iexact=username).exists():
                continue  # an existing account keeps its data; the demo never overwrites it
            user = User.objects.create_user(
                username=username, password=DEMO_PASSWORD, full_name=full_name, home_unit=self.units[home_key],
                person=self.people.get(full_name), is_sample=True,
            )
            snapshot = audit.snapshot(user)
            snapshot.pop("password", None)
            audit.record(actor=None, action="create", obj=user, after=snapshot, reason=self.reason)
            unit = self.units[unit_key]
            grant = Grant.objects.create(user=user, unit=unit, role=role, valid_from=max(unit.valid_from, TWO_TIER))
            audit.record(actor=None, action="grant", obj=grant, after=audit.snapshot(grant), reason=self.reason)
