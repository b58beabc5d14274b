"""Synthetic but realistic offices for the benchmarks.

An *office* is what a Văn phòng / Phòng Nội vụ handles in one quarter: a unit registry
of N units, a yearly plan appendix whose M tasks fall on every unit (lead cell "Các cơ
quan, đơn vị" and its variants, i.e. one registry group holding every unit — the usual
shape of a district plan sent to its communes, DOMAIN.md "Units"), hence N unit
workbooks of M rows each and a `Theo dõi` sheet of N × M rows.

Text is built from phrases taken from the real appendices in `/work/shared/seeds/`
(Sở Nội vụ TP.HCM 2024, huyện Hóc Môn 2024) so task cells have real lengths (60–400
characters, diacritics, numbered legal references). Everything is drawn from one
seeded `random.Random`, so the same parameters give the same office byte for byte
(except zip timestamps).

Pipeline (cached under `benchmarks/.cache/<units>x<rows>-<key>/`, see `cache_key`):
1. `write_plan_text()` — tab-separated appendix like the seed tables.
2. `write_registry()` — `Đơn vị` / `Nhóm đơn vị` workbook (`--units FILE`).
3. `plan_import.run(...)` → master; `units_generate.run(...)` → blank unit workbooks.
4. `fill_returns()` — fills the blank workbooks as units would: most on time and clean,
   a share late (file mtime after the submission deadline), a share wrong (validation
   errors: invalid dropdown value, impossible date, done without date, a formula-looking
   text, an edited locked plan cell) and a share missing (no file in the inbox).

Filling uses openpyxl (load, set the fill cells, save): ~0.1–0.2 s per 200-row file,
i.e. a few minutes once for the large load (1,000 files), which is why the result is
cached and keyed by the generator parameters and the source of the modules that shape
the files (importer, unit workbook writer, this file). Cloning one filled template at
the zip level would be faster but would make every unit's return identical, which
hides per-file work from the merge (hashes, history) — not worth it at this cost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parc_xl.io.master_layout import (
    GROUP_COLUMNS,
    SHEET_GROUPS,
    SHEET_UNITS,
    TRACKING_COLUMNS,
    UNIT_COLUMNS,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"

# Bump GENERATOR_VERSION when the plan or registry generation changes, or what plan
# import writes into the master (new master and blank workbooks), FILL_VERSION when only
# the way units fill their returns changes. 2: masters have the empty «Đề nghị điều
# chỉnh» sheet (issue 18); a cached master without it timed the old masters' path.
GENERATOR_VERSION = 2
FILL_VERSION = 3

# --- vocabulary (from the seed appendices 000 / 003 in /work/shared/seeds) -------------

AREAS = [
    "Công tác chỉ đạo, điều hành và truyền thông về cải cách hành chính (CCHC)",
    "Công tác cải cách thể chế",
    "Công tác cải cách thủ tục hành chính (TTHC)",
    "Công tác cải cách tổ chức bộ máy hành chính nhà nước",
    "Công tác cải cách chế độ công vụ",
    "Công tác cải cách tài chính công",
    "Công tác xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
    "Công tác kiểm tra, đánh giá và khảo sát sự hài lòng",
]

VERBS = [
    "Tổ chức triển khai thực hiện", "Tiếp tục triển khai", "Rà soát, đánh giá",
    "Kiện toàn", "Tăng cường", "Đẩy mạnh", "Theo dõi, đôn đốc", "Thực hiện",
    "Tuyên truyền, phổ biến", "Kiểm tra, khảo sát", "Nâng cao chất lượng",
    "Chủ động phối hợp", "Cập nhật, công khai", "Tổ chức đánh giá",
]

OBJECTS = [
    "công tác cải cách hành chính trên địa bàn",
    "cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính",
    "Bộ phận Tiếp nhận và Trả kết quả",
    "việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "chất lượng phục vụ người dân, doanh nghiệp",
    "hệ thống văn bản quy phạm pháp luật thuộc lĩnh vực quản lý",
    "đội ngũ cán bộ, công chức làm công tác cải cách hành chính",
    "dịch vụ công trực tuyến toàn trình",
    "Chỉ số cải cách hành chính (PAR Index) và Chỉ số SIPAS",
    "việc sắp xếp tổ chức bộ máy, tinh giản biên chế",
    "công tác thanh tra, kiểm tra công vụ",
    "ứng dụng công nghệ thông tin, chuyển đổi số",
    "thủ tục hành chính nội bộ",
    "phản ánh, kiến nghị của cá nhân, tổ chức",
]

QUALIFIERS = [
    "bảo đảm đúng quy định, hiệu quả, thiết thực",
    "gắn với trách nhiệm người đứng đầu",
    "phù hợp với đặc điểm, tình hình thực tiễn của địa phương",
    "100% hồ sơ được theo dõi trạng thái xử lý trên Hệ thống thông tin giải quyết TTHC",
    "tỷ lệ hồ sơ giải quyết đúng hạn đạt 99% trở lên",
    "mức độ hài lòng của người dân đạt 95% trở lên",
    "khắc phục hạn chế, thiếu sót sau khi công bố Chỉ số CCHC",
    "trong đó có ít nhất 01 mô hình, sáng kiến mới",
]

ISSUERS = [
    "của Thủ tướng Chính phủ", "của Chính phủ", "của Ủy ban nhân dân Thành phố",
    "của Chủ tịch Ủy ban nhân dân Thành phố", "của Bộ Nội vụ", "của Ủy ban nhân dân huyện",
]
DOC_KINDS = ["Quyết định số {n}/QĐ-UBND", "Nghị quyết số {n}/NQ-CP", "Chỉ thị số {n}/CT-TTg",
             "Kế hoạch số {n}/KH-UBND", "Nghị định số {n}/2023/NĐ-CP"]

PRODUCTS = ["Kế hoạch", "Báo cáo", "Quyết định", "Công văn", "Kế hoạch/ Công văn",
            "- Kế hoạch - Báo cáo", "Văn bản triển khai", "Bài viết", "Tờ trình",
            "Hồ sơ được số hóa", "Báo cáo kết quả kiểm tra"]

# Deadline families seen in the seeds, with weights (share of tasks).
DEADLINES: list[tuple[str, int]] = [
    ("Quý I/{y}", 14),
    ("Trước ngày 15/3/{y}", 6),
    ("Trong quý I năm {y}", 4),
    ("Quý II/{y}", 8),
    ("Tháng 6/{y}", 4),
    ("Trong năm {y}", 26),
    ("Hàng quý", 10),
    ("Định kỳ 06 tháng", 3),
    ("Khi có phát sinh (không quá 10 ngày làm việc kể từ ngày có thông tin thay đổi)", 6),
    ("Khi có văn bản chỉ đạo của Trung ương", 3),
    ("Thường xuyên", 12),
    ("Hoàn thành trong tháng 10 năm {y}", 4),
]

COORDS = ["Sở Nội vụ", "Văn phòng UBND Thành phố", "Các cơ quan liên quan", "Sở Tư pháp",
          "Sở Thông tin và Truyền thông", ""]

PLACES = ["Tân Thới Nhì", "Bà Điểm", "Xuân Thới Thượng", "Đông Thạnh", "Nhị Bình",
          "Thới Tam Thôn", "Tân Hiệp", "Trung Chánh", "Tân Xuân", "Xuân Thới Sơn",
          "Hiệp Phước", "Bến Thành", "Phước Kiển", "Long Hòa", "An Nhơn Tây", "Bình Mỹ"]

OFFICES = ["Phòng Nội vụ", "Văn phòng HĐND và UBND", "Phòng Tư pháp", "Phòng Tài chính - Kế hoạch",
           "Phòng Văn hóa và Thông tin", "Phòng Kinh tế", "Phòng Tài nguyên và Môi trường",
           "Phòng Giáo dục và Đào tạo", "Phòng Y tế", "Thanh tra huyện"]

# Every unit belongs to TATCA and to one of PHONG (district offices) or XA (communes);
# the plan's lead cells name TATCA directly or PHONG + XA together ("Các phòng, ban và
# UBND các xã, thị trấn", which the importer splits), so every task falls on every unit.
ALL_GROUP = ("TATCA", "Tất cả cơ quan, đơn vị",
             ["Các cơ quan, đơn vị", "Thủ trưởng các cơ quan, đơn vị"])
OFFICE_GROUP = ("PHONG", "Các phòng, ban chuyên môn", ["Các phòng, ban", "Các phòng chuyên môn"])
COMMUNE_GROUP = ("XA", "UBND các xã, thị trấn", ["UBND các xã, thị trấn", "UBND xã, thị trấn"])
LEADS = ["Các cơ quan, đơn vị", "Thủ trưởng các cơ quan, đơn vị",
         "Các phòng, ban và UBND các xã, thị trấn",
         "Các phòng chuyên môn; UBND xã, thị trấn"]

# Fill vocabulary (Tiến độ values: parc_xl.domain.models.Progress)
PROGRESS = [("Đã hoàn thành", 35), ("Đang thực hiện", 40), ("Chưa triển khai", 12),
            ("Đề nghị điều chỉnh", 3), ("", 10)]
DIFFICULTIES = ["Thiếu nhân sự làm công tác CCHC", "Kinh phí chưa được bố trí",
                "Hệ thống phần mềm chưa đồng bộ, thường xuyên lỗi kết nối"]
PROPOSALS = ["Đề nghị bổ sung kinh phí", "Đề nghị tập huấn nghiệp vụ",
             "Đề nghị điều chỉnh thời gian hoàn thành sang quý III"]

REASONS = ["Chờ hướng dẫn của cấp trên", "Thiếu kinh phí thực hiện trong quý",
           "Phần mềm chưa được bàn giao"]

# The unit form's two extension-request columns are not `Theo dõi` columns.
FILL_HEADERS = {**{c.id: c.header for c in TRACKING_COLUMNS},
                "proposed_due": "Hạn đề nghị", "extension_reason": "Lý do điều chỉnh"}


@dataclass(frozen=True)
class Shares:
    """How the returns behave (shares of units, drawn per unit)."""

    missing: float = 0.08
    late: float = 0.10
    wrong: float = 0.07


@dataclass(frozen=True)
class OfficeSpec:
    units: int
    rows: int
    year: int = 2026
    period: str = "2026-Q1"
    seed: int = 20260331
    shares: Shares = field(default_factory=Shares)

    @property
    def label(self) -> str:
        return f"{self.units}x{self.rows}"


@dataclass
class Office:
    """Paths of one generated office (all inside `root`)."""

    spec: OfficeSpec
    root: Path
    plan: Path
    registry: Path
    master: Path | None = None
    blank_dir: Path | None = None
    inbox: Path | None = None
    returns: dict[str, str] = field(default_factory=dict)  # unit -> ok|late|wrong|missing
    submission_deadline: dt.date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def unit_files(self) -> list[Path]:
        return sorted(self.inbox.glob("*.xlsx")) if self.inbox else []


# --- text --------------------------------------------------------------------------------

def _legal_ref(rng: random.Random, year: int) -> str:
    kind = rng.choice(DOC_KINDS).format(n=rng.randint(12, 4999))
    d = dt.date(year - rng.randint(1, 3), rng.randint(1, 12), rng.randint(1, 28))
    return f"theo {kind} ngày {d.day:02d} tháng {d.month:02d} năm {d.year} {rng.choice(ISSUERS)}"


def task_text(rng: random.Random, year: int) -> str:
    """One task cell, 60–400 characters, in the seeds' style."""
    target = int(min(400, max(60, rng.lognormvariate(5.0, 0.5))))
    parts = [f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"]
    extras = [lambda: rng.choice(QUALIFIERS), lambda: _legal_ref(rng, year),
              lambda: f"{rng.choice(VERBS).lower()} {rng.choice(OBJECTS)}"]
    while len("; ".join(parts)) < target:
        parts.append(rng.choice(extras)())
    text = "; ".join(parts)
    if len(text) > 400:
        text = text[:399].rsplit(" ", 1)[0]
    return text.rstrip(" ;,") + "."


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([t for t, _ in table], weights=[w for _, w in table])[0]


# --- plan and registry --------------------------------------------------------------------

def plan_rows(spec: OfficeSpec) -> list[list[str]]:
    """Appendix table rows (header, area rows, task rows) as cell lists."""
    rng = random.Random(spec.seed)
    rows: list[list[str]] = [["STT", "Nhiệm vụ cụ thể", "Sản phẩm", "Đơn vị chủ trì",
                              "Đơn vị phối hợp", "Thời gian hoàn thành"]]
    per_area = max(1, -(-spec.rows // len(AREAS)))
    n = 0
    for a, area in enumerate(AREAS, start=1):
        if n >= spec.rows:
            break
        rows.append([str(a), area, "", "", "", ""])
        for t in range(1, per_area + 1):
            if n >= spec.rows:
                break
            n += 1
            rows.append([
                f"{a}.{t}", task_text(rng, spec.year), rng.choice(PRODUCTS),
                rng.choice(LEADS), rng.choice(COORDS),
                _weighted(rng, DEADLINES).format(y=spec.year),
            ])
    return rows


def write_plan_text(spec: OfficeSpec, path: Path) -> Path:
    head = [
        "ỦY BAN NHÂN DÂN HUYỆN MẪU\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "",
        "PHỤ LỤC",
        f"TRIỂN KHAI CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM {spec.year}",
        f"(Ban hành kèm theo Kế hoạch số /KH-UBND ngày tháng 01 năm {spec.year} "
        "của Ủy ban nhân dân huyện)", "",
    ]
    body = ["\t".join(r) for r in plan_rows(spec)]
    path.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    return path


def registry_rows(spec: OfficeSpec) -> tuple[list[list[str]], list[list[str]]]:
    rng = random.Random(spec.seed + 1)
    units: list[list[str]] = []
    for i in range(1, spec.units + 1):
        code = f"U{i:04d}"
        if i <= len(OFFICES) and spec.units > 20:
            name, group = OFFICES[i - 1], OFFICE_GROUP[0]
            alias = f"Trưởng {name.lower()}"
        else:
            kind = rng.choice(["xã", "thị trấn"])
            name, group = f"UBND {kind} {rng.choice(PLACES)} {i}", COMMUNE_GROUP[0]
            alias = f"Chủ tịch {name}"
        units.append([code, name, f"{ALL_GROUP[0]}; {group}", alias,
                      f"{code.lower()}@example.gov.vn"])
    groups = [[g[0], g[1], "; ".join(g[2])] for g in (ALL_GROUP, OFFICE_GROUP, COMMUNE_GROUP)]
    return units, groups


def write_registry(spec: OfficeSpec, path: Path) -> Path:
    from openpyxl import Workbook

    units, groups = registry_rows(spec)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_UNITS
    ws.append([c.header for c in UNIT_COLUMNS])
    for r in units:
        ws.append(r)
    wg = wb.create_sheet(SHEET_GROUPS)
    wg.append([c.header for c in GROUP_COLUMNS])
    for r in groups:
        wg.append(r)
    wb.save(path)
    return path


# --- filling returns --------------------------------------------------------------------

def _find_header(ws: Any) -> tuple[int, dict[str, int]]:
    """Header row number and {column id: 1-based column} for the fill columns + key."""
    wanted = {h: cid for cid, h in FILL_HEADERS.items()}
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=30, values_only=True), start=1):
        found = {}
        for c, v in enumerate(row, start=1):
            if isinstance(v, str) and v.strip() in wanted:
                found[wanted[v.strip()]] = c
        if "progress" in found:
            return r, found
    raise ValueError("no 'Tiến độ' header in the first 30 rows")


def _report_sheet(wb: Any) -> Any:
    for name in ("Báo cáo",):
        if name in wb.sheetnames:
            return wb[name]
    for ws in wb.worksheets:  # any visible sheet with a Tiến độ header
        try:
            _find_header(ws)
            return ws
        except ValueError:
            continue
    raise ValueError("no report sheet")


def fill_one(src: Path, dst: Path, rng: random.Random, fate: str, year: int,
             cutoff: dt.date) -> None:
    """Fill one blank unit workbook as its unit would (fate: ok | late | wrong)."""
    from openpyxl import load_workbook

    wb = load_workbook(src)
    ws = _report_sheet(wb)
    hr, cols = _find_header(ws)
    last = ws.max_row
    data_rows = [r for r in range(hr + 1, last + 1)
                 if any(ws.cell(r, c).value not in (None, "") for c in range(1, min(6, ws.max_column) + 1))]
    # completion dates inside the period's data window (before the cut-off, never future)
    q_start, q_end = dt.date(year, 1, 1), cutoff
    for r in data_rows:
        prog = _weighted(rng, PROGRESS)
        if "progress" in cols:
            ws.cell(r, cols["progress"]).value = prog or None
        if prog == "Đã hoàn thành":
            done = q_start + dt.timedelta(days=rng.randint(5, max(5, (q_end - q_start).days)))
            if "completed_on" in cols:
                ws.cell(r, cols["completed_on"]).value = dt.datetime.combine(done, dt.time())
            if "evidence" in cols:
                ws.cell(r, cols["evidence"]).value = (
                    f"{rng.choice(['Kế hoạch', 'Báo cáo', 'Quyết định', 'Công văn'])} số "
                    f"{rng.randint(10, 999)}/{rng.choice(['KH', 'BC', 'QĐ'])}-UBND ngày "
                    f"{done.day:02d}/{done.month:02d}/{done.year}")
            has_target = "target_result" in cols and ws.cell(r, cols["target_result"]).value
            if "figure" in cols and has_target and rng.random() < 0.9:
                ws.cell(r, cols["figure"]).value = f"{rng.randint(90, 100)},{rng.randint(0, 9)}%"
        elif prog == "Đề nghị điều chỉnh":
            # a request the merge accepts: a new date after the row's «Hạn» and a reason
            # (without them every such row refused its file: 56 of 57 at reference)
            due = ws.cell(r, cols["due"]).value if "due" in cols else None
            base = due.date() if isinstance(due, dt.datetime) else due if isinstance(due, dt.date) else cutoff
            if "proposed_due" in cols:
                later = base + dt.timedelta(days=rng.randint(30, 90))
                ws.cell(r, cols["proposed_due"]).value = dt.datetime.combine(later, dt.time())
            if "extension_reason" in cols:
                ws.cell(r, cols["extension_reason"]).value = rng.choice(REASONS)
        elif prog and rng.random() < 0.15:
            if "difficulties" in cols:
                ws.cell(r, cols["difficulties"]).value = rng.choice(DIFFICULTIES)
            if "proposals" in cols:
                ws.cell(r, cols["proposals"]).value = rng.choice(PROPOSALS)
    if fate == "wrong" and data_rows:
        bad = rng.sample(data_rows, k=min(len(data_rows), rng.randint(1, 3)))
        for i, r in enumerate(bad):
            kind = (i + rng.randint(0, 4)) % 5
            if kind == 0 and "progress" in cols:
                ws.cell(r, cols["progress"]).value = "Xong rồi"
            elif kind == 1 and "completed_on" in cols:
                ws.cell(r, cols["progress"]).value = "Đã hoàn thành"
                ws.cell(r, cols["completed_on"]).value = "31/02/" + str(year)
            elif kind == 2 and "completed_on" in cols:
                ws.cell(r, cols["progress"]).value = "Đã hoàn thành"
                ws.cell(r, cols["completed_on"]).value = None
            elif kind == 3 and "evidence" in cols:
                ws.cell(r, cols["evidence"]).value = "=HYPERLINK(\"http://x\",\"Báo cáo\")"
            else:  # edit a locked plan cell (the task text): tamper check must catch it
                c = next((c for c in range(1, ws.max_column + 1)
                          if isinstance(ws.cell(r, c).value, str)
                          and len(ws.cell(r, c).value) > 40), None)
                if c is not None:
                    ws.cell(r, c).value = ws.cell(r, c).value + " (đã sửa)"
    wb.save(dst)


def _mtime_for(fate: str, rng: random.Random, deadline: dt.date) -> float:
    if fate == "late":
        d = deadline + dt.timedelta(days=rng.randint(1, 12))
    else:
        d = deadline - dt.timedelta(days=rng.randint(0, 8))
    return dt.datetime.combine(d, dt.time(rng.randint(7, 17), rng.randint(0, 59))).timestamp()


def fates(spec: OfficeSpec, unit_codes: list[str]) -> dict[str, str]:
    rng = random.Random(spec.seed + 2)
    out: dict[str, str] = {}
    s = spec.shares
    for code in unit_codes:
        x = rng.random()
        out[code] = ("missing" if x < s.missing else "late" if x < s.missing + s.late
                     else "wrong" if x < s.missing + s.late + s.wrong else "ok")
    if unit_codes and all(v == "missing" for v in out.values()):
        out[unit_codes[0]] = "ok"
    return out


def _unit_of(path: Path, period: str) -> str:
    stem = path.stem
    return stem[len(period) + 1:] if stem.startswith(period + "_") else stem


def fill_returns(office: Office) -> None:
    """Write the inbox: one filled copy of each blank workbook, except missing units.

    A file's mtime is when the unit sent it (late ones after the submission deadline);
    its completion dates fall before that moment and before the data cut-off, as a
    careful unit's would (a later date is a `date-in-future` error).
    """
    assert office.blank_dir is not None
    spec = office.spec
    inbox = office.root / f"inbox-v{FILL_VERSION}"
    if inbox.exists():
        shutil.rmtree(inbox)
    inbox.mkdir()
    blanks = sorted(office.blank_dir.glob("*.xlsx"))
    office.returns = fates(spec, [_unit_of(p, spec.period) for p in blanks])
    deadline = office.submission_deadline or dt.date(spec.year, 3, 20)
    for p in blanks:
        unit = _unit_of(p, spec.period)
        fate = office.returns[unit]
        if fate == "missing":
            continue
        rng = random.Random(f"{spec.seed}:{unit}")
        t = _mtime_for(fate, rng, deadline)
        sent = dt.date.fromtimestamp(t)
        dst = inbox / p.name
        fill_one(p, dst, rng, fate, spec.year,
                 min(deadline, sent) - dt.timedelta(days=1))
        os.utime(dst, (t, t))
    (inbox / ".done").write_text("ok\n")
    office.inbox = inbox


def read_submission_deadline(master: Path, period: str) -> dt.date | None:
    """The period's `Hạn nộp báo cáo` from the master's `Kỳ báo cáo` sheet, if any."""
    from python_calamine import CalamineWorkbook

    from parc_xl.io.master_layout import PERIOD_COLUMNS, SHEET_PERIODS

    try:
        wb = CalamineWorkbook.from_path(str(master))
        rows = wb.get_sheet_by_name(SHEET_PERIODS).to_python()
    except Exception:  # noqa: BLE001 - optional information
        return None
    headers = [c.header for c in PERIOD_COLUMNS]
    if not rows:
        return None
    idx = {h: i for i, h in enumerate(rows[0])}
    if headers[0] not in idx or headers[4] not in idx:
        return None
    for r in rows[1:]:
        if str(r[idx[headers[0]]]).strip() == period:
            v = r[idx[headers[4]]]
            if isinstance(v, dt.datetime):
                return v.date()
            if isinstance(v, dt.date):
                return v
    return None


# --- cache ------------------------------------------------------------------------------

# What shapes the generated files: the layout contracts (plus GENERATOR_VERSION for this
# generator). The job modules themselves are not hashed: they change many times a day and
# an office only has to match the *layout* (a stale office shows up as validation errors,
# and --fresh rebuilds it). Stale entries are never deleted automatically, since another
# run may be reading them: `rm -rf benchmarks/.cache` when it grows.
SHAPING_SOURCES = ["parc_xl/io/master_layout.py"]


def _unit_book_layout() -> str:
    try:
        from parc_xl.io import unit_book
    except ImportError:
        return "-"
    return repr((getattr(unit_book, "TEMPLATE_VERSION", None),
                 getattr(unit_book, "HEADER_ROW", None),
                 [tuple(c) for c in getattr(unit_book, "COLUMNS", [])]))


def cache_key(spec: OfficeSpec) -> str:
    """Key of the plan, registry, master and blank workbooks (not of the fills)."""
    h = hashlib.sha256(repr((GENERATOR_VERSION, spec, _unit_book_layout())).encode())
    for rel in SHAPING_SOURCES:
        p = REPO / rel
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()[:12]


def cached_stages(spec: OfficeSpec) -> set[str]:
    """Which parts of this office the cache already holds: master, blank, inbox."""
    root = CACHE / f"{spec.label}-{cache_key(spec)}"
    out = set()
    if (root / ".done").exists() or (root / ".master-done").exists():
        out.add("master")
    if (root / ".done").exists():
        out.add("blank")
    if (root / f"inbox-v{FILL_VERSION}" / ".done").exists():
        out.add("inbox")
    return out


def build_office(spec: OfficeSpec, *, returns: bool = True, blanks: bool = True,
                 fresh: bool = False, log: Any = print) -> Office:
    """Generate (or reuse from the cache) the office: plan, registry, master, returns.

    Cached under `benchmarks/.cache/<units>x<rows>-<key>/` (see `cache_key`), shared by
    every load that needs the same office: `master.xlsx` (marker `.master-done`),
    `blank/` as generated (marker `.done`) and `inbox-v<FILL_VERSION>/` as filled.
    `blanks=False` stops after the import (the status-200k load needs only the master),
    `returns=False` before filling. Steps whose job module does not exist yet are
    skipped and noted in `office.notes`.
    """
    root = CACHE / f"{spec.label}-{cache_key(spec)}"
    office = Office(spec, root, root / "ke_hoach.txt", root / "don_vi.xlsx")
    base_done, master_done = root / ".done", root / ".master-done"
    if fresh and root.exists():
        shutil.rmtree(root)
    if not base_done.exists() and not master_done.exists():
        if root.exists():  # an unfinished build
            shutil.rmtree(root)
        root.mkdir(parents=True)
        write_plan_text(spec, office.plan)
        write_registry(spec, office.registry)
        try:
            from parc_xl.jobs import plan_import
        except ImportError as e:
            office.notes.append(f"job missing: {e}")
            return office
        log(f"[office] importing plan {spec.label} …")
        try:
            plan_import.run(office.plan, spec.year, root / "master.xlsx", units=office.registry)
        except Exception as e:  # noqa: BLE001 - reported by run.py, never a crash
            office.notes.append(f"plan_import failed: {type(e).__name__}: {e}")
            return office
        master_done.write_text("ok\n")
    office.master = root / "master.xlsx"
    office.submission_deadline = read_submission_deadline(office.master, spec.period)
    if not blanks:
        return office
    if not base_done.exists():
        try:
            from parc_xl.jobs import units_generate
        except ImportError as e:
            office.notes.append(f"job missing: {e}")
            return office
        log(f"[office] generating {spec.units} unit workbooks …")
        shutil.rmtree(root / "blank", ignore_errors=True)
        try:
            units_generate.run(root / "master.xlsx", spec.period, root / "blank")
        except Exception as e:  # noqa: BLE001
            office.notes.append(f"units_generate failed: {type(e).__name__}: {e}")
            return office
        base_done.write_text("ok\n")
    office.blank_dir = root / "blank"
    if not returns:
        return office
    inbox = root / f"inbox-v{FILL_VERSION}"
    if (inbox / ".done").exists():
        office.inbox = inbox
        office.returns = fates(spec, [_unit_of(p, spec.period)
                                      for p in sorted(office.blank_dir.glob("*.xlsx"))])
        return office
    log("[office] filling returns (openpyxl) …")
    try:
        fill_returns(office)
    except Exception as e:  # noqa: BLE001
        office.notes.append(f"filling returns failed: {type(e).__name__}: {e}")
        office.inbox = None
    return office
