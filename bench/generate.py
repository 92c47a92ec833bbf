"""Generate a national-scale organisation tree for the benchmark (about 55,000 units).

    Trung ương
      Tỉnh ủy / Thành ủy × 34                    (real provinces from vietnam-provinces)
        Ban Tuyên giáo và Dân vận Tỉnh ủy
        Đảng ủy xã / phường / đặc khu × ~100    (real post-2025 communes and wards, 3,321 in all)
          Chi bộ … × ~15                        (synthetic: thôn, tổ dân phố, schools, police, …)
        Huyện ủy … (ended 30/6/2025)            (10 provinces: 2–3 each, synthetic names)
          Đảng ủy xã … (ended 30/6/2025)        (merged into a new commune on 1/7/2025)
            Chi bộ … (ended 30/6/2025)

Written for speed: ids are assigned here, so the materialised path, depth, folded search text and
sort key (the same values Unit.save / Unit.refresh_denormalised compute) are set before one
bulk_create per table. Must run inside a configured Django (see run.py).

    DATABASE_URL=sqlite:///var/bench/bench.sqlite3 DJANGO_SETTINGS_MODULE=tuyengiao.settings.test \
        .venv/bin/python bench/generate.py     # migrates, then fills an empty database
"""
from __future__ import annotations

import datetime as dt
import os
import random
import time

if __name__ == "__main__":  # standalone: configure Django before the models are imported
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings.test")
    django.setup()

from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402

from tuyengiao.core.vi import fold, sort_key  # noqa: E402
from tuyengiao.org.models import PATH_WIDTH, LineageEvent, LineageLink, Unit, UnitName, UnitType  # noqa: E402

OLD_START = dt.date(2020, 10, 1)   # a pre-2025 term began
OLD_END = dt.date(2025, 6, 30)     # district committees and old communes end
NEW_START = dt.date(2025, 7, 1)    # the two-level local government starts
ROOT_START = dt.date(1930, 2, 3)

HISTORICAL_PROVINCES = 10
BATCH = 2000

VILLAGES = [
    "An Lạc", "An Phú", "Bắc Sơn", "Bình Minh", "Cầu Đá", "Chợ Mới", "Đông Hòa", "Đồng Tâm", "Gò Cao",
    "Hạ Long", "Hòa Bình", "Hưng Thịnh", "Kim Sơn", "Làng Mới", "Long Thạnh", "Minh Khai", "Nam Tiến",
    "Ngọc Lâm", "Phú Mỹ", "Phước Lộc", "Quang Trung", "Quyết Thắng", "Sơn Hà", "Tân Lập", "Tân Thành",
    "Thạch Bàn", "Thanh Xuân", "Thống Nhất", "Thượng", "Tiền Phong", "Trung Hòa", "Trường Xuân",
    "Vĩnh Phúc", "Xuân Đài", "Yên Thế", "Đoài", "Đông", "Nam", "Bắc", "Đình", "Bến Đò", "Ấp Một",
]
INSTITUTIONS = [
    ("Chi bộ Trường Mầm non {w}", "CB MN {w}"),
    ("Chi bộ Trường Tiểu học {w}", "CB TH {w}"),
    ("Chi bộ Trường Trung học cơ sở {w}", "CB THCS {w}"),
    ("Chi bộ Trạm Y tế {w}", "CB TYT {w}"),
    ("Chi bộ Công an {w}", "CB CA {w}"),
    ("Chi bộ Quân sự {w}", "CB QS {w}"),
    ("Chi bộ Cơ quan Đảng ủy {w}", "CB CQĐU {w}"),
    ("Chi bộ Ủy ban nhân dân {w}", "CB UBND {w}"),
]
OLD_DISTRICTS = [
    "Yên Định", "Thiệu Hóa", "Hoằng Hóa", "Nghi Lộc", "Diễn Châu", "Quỳnh Lưu", "Kim Bảng", "Lý Nhân",
    "Tiên Lãng", "Vĩnh Bảo", "Gia Lộc", "Tứ Kỳ", "Cẩm Giàng", "Đông Anh", "Sóc Sơn", "Ba Vì", "Đức Thọ",
    "Can Lộc", "Hương Khê", "Bố Trạch", "Quảng Ninh", "Lệ Thủy", "Phù Cát", "Tuy Phước", "Châu Thành",
    "Cái Bè", "Chợ Gạo", "Long Hồ", "Tam Bình", "Mỏ Cày",
]


def _letters_only(text: str) -> str:
    return "".join(ch for ch in fold(text).upper() if ch.isalnum())[:12]


class _Builder:
    """Collects Unit and UnitName rows with ids, paths and denormalised columns precomputed."""

    def __init__(self, first_id: int, first_name_id: int):
        self.next_id = first_id
        self.next_name_id = first_name_id
        self.units: list[Unit] = []
        self.names: list[UnitName] = []

    def add(self, parent: Unit | None, type_: UnitType, code: str, name: str, short: str = "", abbr: str = "",
            valid_from: dt.date = NEW_START, valid_to: dt.date | None = None) -> Unit:
        pk = self.next_id
        self.next_id += 1
        path = f"{parent.path if parent else ''}{pk:0{PATH_WIDTH}d}/"
        u = Unit(
            id=pk, parent=parent, path=path, depth=(parent.depth + 1) if parent else 0, type=type_,
            code=code, name=name, short_name=short, issuer_abbr=abbr, valid_from=valid_from, valid_to=valid_to,
            # Unit.refresh_denormalised, inlined.
            search=fold(" ".join(filter(None, [name, short, code, abbr]))), sort_key=sort_key(name),
        )
        self.units.append(u)
        self.names.append(UnitName(
            id=self.next_name_id, unit_id=pk, code=code, name=name, short_name=short, issuer_abbr=abbr,
            valid_from=valid_from, valid_to=valid_to,
        ))
        self.next_name_id += 1
        return u


def _types() -> dict[str, UnitType]:
    spec = [
        ("trung-uong", "Trung ương", True, 0),
        ("tinh-uy", "Tỉnh ủy", True, 10),
        ("ban-tgdv", "Ban Tuyên giáo và Dân vận", False, 20),
        ("huyen-uy", "Huyện ủy, quận ủy, thị ủy, thành ủy (trước 2025)", True, 30),
        ("dang-uy-xa", "Đảng ủy xã, phường, đặc khu", True, 40),
        ("chi-bo", "Chi bộ", True, 80),
    ]
    out = {}
    for code, name, party, order in spec:
        out[code] = UnitType.objects.get_or_create(
            code=code, defaults={"name": name, "is_party_committee": party, "order": order}
        )[0]
    return out


def _province_committee(name: str) -> tuple[str, str]:
    """'Thành phố Hà Nội' -> ('Thành ủy Hà Nội', 'ThU'); 'Tỉnh Lào Cai' -> ('Tỉnh ủy Lào Cai', 'TU')."""
    if name.startswith("Thành phố "):
        return "Thành ủy " + name.removeprefix("Thành phố "), "ThU"
    return "Tỉnh ủy " + name.removeprefix("Tỉnh "), "TU"


def _commune_committee(name: str) -> str:
    """'Phường Hoàn Kiếm' -> 'Đảng ủy phường Hoàn Kiếm'."""
    head, _, rest = name.partition(" ")
    if head == "Đặc":  # Đặc khu
        return "Đảng ủy đặc khu " + name.split(" ", 2)[2]
    return f"Đảng ủy {head.lower()} {rest}"


def _grassroots(b: _Builder, rng: random.Random, commune: Unit, place: str, is_ward: bool, t_cb: UnitType,
                count: int, valid_from=NEW_START, valid_to=None) -> None:
    institutions = rng.sample(INSTITUTIONS, k=min(len(INSTITUTIONS), max(3, count // 3)))
    for i, (name, short) in enumerate(institutions, 1):
        b.add(commune, t_cb, f"{commune.code}-C{i:02d}", name.format(w=place), short.format(w=place),
              valid_from=valid_from, valid_to=valid_to)
    rest = count - len(institutions)
    if is_ward:
        for n in range(1, rest + 1):
            label = "Chi bộ khu phố" if n % 3 == 0 else "Chi bộ tổ dân phố"
            b.add(commune, t_cb, f"{commune.code}-T{n:02d}", f"{label} {n}", f"CB TDP {n}",
                  valid_from=valid_from, valid_to=valid_to)
    else:
        for n, village in enumerate(rng.sample(VILLAGES, k=min(rest, len(VILLAGES))), 1):
            b.add(commune, t_cb, f"{commune.code}-T{n:02d}", f"Chi bộ thôn {village}", f"CB thôn {village}",
                  valid_from=valid_from, valid_to=valid_to)


def build(seed: int = 2025, per_commune: int = 15) -> dict:
    """Fill the database; returns counts and the elapsed seconds. The database should be empty of units."""
    from vietnam_provinces import Province, Ward

    started = time.perf_counter()
    rng = random.Random(seed)
    types = _types()
    b = _Builder(
        first_id=(Unit.objects.aggregate(m=Max("id"))["m"] or 0) + 1,
        first_name_id=(UnitName.objects.aggregate(m=Max("id"))["m"] or 0) + 1,
    )
    events: list[LineageEvent] = []
    links: list[LineageLink] = []
    next_event_id = (LineageEvent.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    next_link_id = (LineageLink.objects.aggregate(m=Max("id"))["m"] or 0) + 1

    def event(kind, preds, succs, scope_unit, decision):
        nonlocal next_event_id, next_link_id
        e = LineageEvent(id=next_event_id, kind=kind, date=NEW_START, decision=decision,
                         scope_path=scope_unit.parent.path if scope_unit.parent else scope_unit.path)
        next_event_id += 1
        events.append(e)
        for role, units in ((LineageLink.Role.PREDECESSOR, preds), (LineageLink.Role.SUCCESSOR, succs)):
            for u in units:
                links.append(LineageLink(id=next_link_id, event_id=e.id, unit_id=u.id, role=role))
                next_link_id += 1

    wards_by_province: dict[int, list] = {}
    for w in Ward.iter_all():
        wards_by_province.setdefault(int(w.province_code), []).append(w)

    root = b.add(None, types["trung-uong"], "TW", "Trung ương", "TW", "TW", valid_from=ROOT_START)
    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    historical = set(rng.sample([int(p.code) for p in provinces], k=min(HISTORICAL_PROVINCES, len(provinces))))
    districts = iter(rng.sample(OLD_DISTRICTS, k=len(OLD_DISTRICTS)))
    for p in provinces:
        pcode = int(p.code)
        name, abbr = _province_committee(p.name)
        prov = b.add(root, types["tinh-uy"], f"P{pcode:02d}", name, f"{abbr} {name.split(' ', 2)[2]}", abbr,
                     valid_from=OLD_START)
        b.add(prov, types["ban-tgdv"], f"P{pcode:02d}-BTGDV", f"Ban Tuyên giáo và Dân vận {name}",
              "Ban TG&DV", "BTGDV" + abbr, valid_from=OLD_START)
        communes = []
        for w in sorted(wards_by_province.get(pcode, []), key=lambda w: int(w.code)):
            place = w.name.split(" ", 1)[1] if not w.name.startswith("Đặc khu") else w.name.split(" ", 2)[2]
            commune = b.add(prov, types["dang-uy-xa"], f"X{int(w.code):05d}", _commune_committee(w.name),
                            f"ĐU {place}", "ĐU")
            communes.append(commune)
            count = max(3, per_commune + rng.randint(-3, 3))
            _grassroots(b, rng, commune, place, w.name.startswith("Phường"), types["chi-bo"], count)
        if pcode not in historical or not communes:
            continue
        # The historical slice: old district committees whose communes merged into new ones on 1/7/2025.
        for d in range(rng.randint(2, 3)):
            dname = next(districts)
            district = b.add(prov, types["huyen-uy"], f"P{pcode:02d}-H{d + 1}", f"Huyện ủy {dname}",
                             f"HU {dname}", "HU", valid_from=OLD_START, valid_to=OLD_END)
            olds = []
            for k, village in enumerate(rng.sample(VILLAGES, k=rng.randint(5, 8)), 1):
                old = b.add(district, types["dang-uy-xa"], f"{district.code}-X{k:02d}", f"Đảng ủy xã {village}",
                            f"ĐU {village}", "ĐU", valid_from=OLD_START, valid_to=OLD_END)
                _grassroots(b, rng, old, village, False, types["chi-bo"], 4, OLD_START, OLD_END)
                olds.append(old)
            # Two or three old communes make one new commune.
            i = 0
            while i < len(olds):
                group = olds[i:i + rng.randint(2, 3)]
                i += len(group)
                event(LineageEvent.Kind.MERGE, group, [rng.choice(communes)], prov,
                      "Nghị quyết 1686/NQ-UBTVQH15 (mô phỏng)")
            event(LineageEvent.Kind.ABOLISH, [district], [], district, "Kết luận 137-KL/TW (mô phỏng)")
    built = time.perf_counter()

    with transaction.atomic():
        Unit.objects.bulk_create(b.units, batch_size=BATCH)
        UnitName.objects.bulk_create(b.names, batch_size=BATCH)
        LineageEvent.objects.bulk_create(events, batch_size=BATCH)
        LineageLink.objects.bulk_create(links, batch_size=BATCH)
    if connection.vendor == "postgresql":
        # Explicit ids leave the sequences behind; later inserts would collide.
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Unit, UnitName, LineageEvent, LineageLink]):
                cur.execute(sql)
            cur.execute("ANALYZE")  # autovacuum would do this soon after; measure with statistics in place
    return {
        "units": len(b.units), "unit_names": len(b.names), "lineage_events": len(events),
        "lineage_links": len(links), "build_seconds": round(built - started, 2),
        "seconds": round(time.perf_counter() - started, 2),
    }


if __name__ == "__main__":
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if Unit.objects.exists():
        print("Units already present: nothing generated.")
    else:
        print(build())
