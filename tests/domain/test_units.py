"""Unit registry: splitting cells, titles, groups, bootstrap and resolution (issue 2 item 5)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from parc_xl.domain.models import Plan, Registry, Task, Unit, UnitGroup
from parc_xl.domain.units import (
    bootstrap_registry,
    code_for,
    parse_cell,
    plan_cells,
    resolve,
    resolve_plan,
    split_units,
    unit_name_from_title,
)


def seed_path(seeds: Path, prefix: str) -> Path:
    return next(seeds.glob(f"{prefix}_*.txt"))


# --- splitting --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # bullets at start and between units (seed 003 line 437)
        ("- Ban Chỉ đạo CCHC huyện - Trưởng phòng Nội vụ huyện",
         ["Ban Chỉ đạo CCHC huyện", "Trưởng phòng Nội vụ huyện"]),
        # "xã - thị trấn" is not a bullet
        ("- Thủ trưởng các cơ quan, đơn vị - Chủ tịch UBND xã - thị trấn",
         ["Thủ trưởng các cơ quan, đơn vị", "Chủ tịch UBND xã - thị trấn"]),
        # semicolons, empty bullets and HTML debris (seed 003 line 464)
        ('<ul style="list-style-type: none"> - Thủ trưởng các cơ quan, đơn vị; - Chủ tịch UBND xã - thị trấn ',
         ["Thủ trưởng các cơ quan, đơn vị", "Chủ tịch UBND xã - thị trấn"]),
        # commas inside names never split (seed 000 line 467)
        ("<ul> - Phòng Tổ chức, biên chế và tổ chức phi chính phủ - Phòng Xây dựng chính quyền và công "
         "tác thanh niên - Phòng Công chức, viên chức ",
         ["Phòng Tổ chức, biên chế và tổ chức phi chính phủ",
          "Phòng Xây dựng chính quyền và công tác thanh niên", "Phòng Công chức, viên chức"]),
        ("Thủ trưởng sở, ban, ngành; Chủ tịch UBND quận, huyện, thành phố Thủ Đức",
         ["Thủ trưởng sở, ban, ngành", "Chủ tịch UBND quận, huyện, thành phố Thủ Đức"]),
        ("Thủ trưởng các Sở, Ban, Ngành", ["Thủ trưởng các Sở, Ban, Ngành"]),
        # a comma list of full unit names splits
        ("Sở Tư pháp, Văn phòng Sở", ["Sở Tư pháp", "Văn phòng Sở"]),
        # dashes inside names (seed 003 lines 455, 487)
        ("Trưởng phòng Tài chính - Kế hoạch huyện", ["Trưởng phòng Tài chính - Kế hoạch huyện"]),
        ("- Trưởng phòng Nội vụ huyện - Trung tâm Văn hóa - Thể thao và Truyền thông huyện",
         ["Trưởng phòng Nội vụ huyện", "Trung tâm Văn hóa - Thể thao và Truyền thông huyện"]),
        # "HĐND và UBND" is one office; "và" before a title splits
        ("Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện",
         ["Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện"]),
        ("Văn phòng HĐND - UBND huyện - Phòng Nội vụ", ["Văn phòng HĐND - UBND huyện", "Phòng Nội vụ"]),
        ("Trưởng phòng Tài chính - Kế hoạch huyện và Trưởng phòng Kinh tế huyện phối hợp chủ trì thực hiện",
         ["Trưởng phòng Tài chính - Kế hoạch huyện", "Trưởng phòng Kinh tế huyện"]),
        ("Sở Kế hoạch và Đầu tư\nSở Khoa học và Công nghệ", ["Sở Kế hoạch và Đầu tư", "Sở Khoa học và Công nghệ"]),
    ],
)
def test_split_units(cell: str, expected: list[str]) -> None:
    assert split_units(cell) == expected


def test_phoi_hop_in_lead_cell_names_coordinating_units() -> None:
    # seed 000 line 452: the lead is the Phòng, the Sở after "phối hợp" coordinate
    parsed = parse_cell(
        "Sở Nội vụ (Phòng Cải cách hành chính) phối hợp Sở Tài chính, Sở Thông tin và Truyền thông, "
        "Sở Tư pháp, Văn phòng Ủy ban nhân dân Thành phố."
    )
    assert parsed.main == ["Sở Nội vụ (Phòng Cải cách hành chính)"]
    assert parsed.coordination == ["Sở Tài chính", "Sở Thông tin và Truyền thông", "Sở Tư pháp",
                                   "Văn phòng Ủy ban nhân dân Thành phố"]


def test_notes_after_verbs_are_kept_apart() -> None:
    parsed = parse_cell("Thủ trưởng các cơ quan, đơn vị; Chủ tịch UBND xã - thị trấn được mời tham gia "
                        "kiểm tra, khảo sát")
    assert parsed.main == ["Thủ trưởng các cơ quan, đơn vị", "Chủ tịch UBND xã - thị trấn"]
    assert parsed.notes == ["được mời tham gia kiểm tra, khảo sát"]
    # "tham mưu" names the body advised, not a unit: UBND quận, huyện must not become a lead
    parsed = parse_cell("Sở Nội vụ (Phòng Cải cách hành chính) tham mưu Hội đồng đánh giá chỉ số CCHC "
                        "sở, ban, ngành, UBND quận, huyện, thành phố Thủ Đức")
    assert parsed.main == ["Sở Nội vụ (Phòng Cải cách hành chính)"]
    assert parsed.notes[0].startswith("tham mưu Hội đồng")


# --- titles, codes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "unit"),
    [
        ("Trưởng phòng Tư pháp huyện", "Phòng Tư pháp huyện"),
        ("Trưởng Phòng Nội vụ huyện", "Phòng Nội vụ huyện"),
        ("Trường Phòng Tài chính - Kế hoạch huyện", "Phòng Tài chính - Kế hoạch huyện"),  # seed 003 slip
        ("Giám đốc Sở Tư pháp", "Sở Tư pháp"),
        ("Chánh Văn phòng HĐND và UBND huyện", "Văn phòng HĐND và UBND huyện"),
        ("Chánh Thanh tra huyện", "Thanh tra huyện"),
        ("Chủ tịch UBND xã Tân Hiệp", "UBND xã Tân Hiệp"),
        ("Giám đốc Trung tâm Lưu trữ lịch sử", "Trung tâm Lưu trữ lịch sử"),
        ("Trưởng Ban Quản lý dự án", "Ban Quản lý dự án"),
        ("Phó Giám đốc Sở Nội vụ", "Sở Nội vụ"),
        ("Trường THCS Tân Xuân", "Trường THCS Tân Xuân"),  # a school, not a title
        ("Văn phòng Sở", "Văn phòng Sở"),
    ],
)
def test_head_titles_become_unit_names(title: str, unit: str) -> None:
    assert unit_name_from_title(title) == unit


def test_codes_are_short_ascii_initials_and_unique() -> None:
    taken: set[str] = set()
    codes = []
    for name in ["Phòng Nội vụ huyện", "Văn phòng Sở", "Văn phòng HĐND và UBND huyện", "Thanh tra huyện",
                 "Phòng Cải cách hành chính", "Phòng Nông nghiệp Vũ", "Phòng Tổ chức, biên chế và tổ chức "
                 "phi chính phủ"]:
        code = code_for(name, taken)
        taken.add(code)
        codes.append(code)
    assert codes == ["PNV", "VPS", "VPHDUB", "TTH", "PCCHC", "PNNV", "PTCBCTCP"]
    assert code_for("Phòng Ngoại vụ", {"PNV"}) == "PNV2"
    assert all(c.isascii() and len(c) <= 8 for c in codes)


# --- resolution ---------------------------------------------------------------------------


def _registry() -> Registry:
    return Registry(
        units=[
            Unit(code="PNV", name="Phòng Nội vụ huyện", groups=["G_CQ"]),
            Unit(code="PTCKH", name="Phòng Tài chính - Kế hoạch huyện", groups=["G_CQ"]),
            Unit(code="PVHTT", name="Phòng Văn hóa và Thông tin huyện", groups=["G_CQ"]),
            Unit(code="VPHDUB", name="Văn phòng HĐND và UBND huyện", groups=["G_CQ"]),
            Unit(code="TTVH", name="Trung tâm Văn hóa - Thể thao và Truyền thông huyện", groups=["G_CQ"]),
            Unit(code="PCCHC", name="Phòng Cải cách hành chính"),
            Unit(code="SNV", name="Sở Nội vụ"),
            Unit(code="KHOA", name="Phòng Khoa học"),
        ],
        groups=[
            UnitGroup(code="G_CQ", name="Các cơ quan, đơn vị", phrases=["Thủ trưởng các cơ quan, đơn vị"]),
            UnitGroup(code="G_XA", name="UBND các xã, thị trấn", phrases=["Chủ tịch UBND xã - thị trấn"]),
        ],
    )


def test_resolve_titles_abbreviations_groups() -> None:
    res = resolve("- Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện - Thủ trưởng các cơ quan, "
                  "đơn vị; Chủ tịch UBND xã - thị trấn", _registry())
    assert res.codes == ["VPHDUB", "G_CQ", "G_XA"]
    assert res.unresolved == []


def test_resolve_tolerates_nfd_old_tones_case_and_suffixes() -> None:
    nfd = unicodedata.normalize("NFD", "TRƯỞNG PHÒNG VĂN HOÁ VÀ THÔNG TIN")  # no "huyện", old tone
    assert resolve(nfd, _registry()).codes == ["PVHTT"]
    assert resolve("Phòng Văn hóa - Thông tin huyện", _registry()).codes == ["PVHTT"]
    assert resolve("Trung tâm Văn hóa - Thẻ thao và Truyền thông huyện", _registry()).codes == ["TTVH"]
    assert resolve("Trường Phòng Tài chính - Kế hoạch huyện", _registry()).codes == ["PTCKH"]
    assert resolve("VP HĐND và UBND huyện", _registry()).codes == ["VPHDUB"]


def test_parenthesised_unit_prefers_the_registered_inner_unit() -> None:
    reg = _registry()
    assert resolve("Sở Nội vụ (Phòng Cải cách hành chính)", reg).codes == ["PCCHC"]
    assert resolve("Sở Nội vụ (Phòng Pháp chế)", reg).codes == ["SNV"]


def test_unknown_fragments_are_reported_never_dropped() -> None:
    res = resolve("Trưởng phòng Nội vụ huyện; Phòng Y tế huyện - Ban Dân vận Huyện ủy", _registry())
    assert res.codes == ["PNV"]
    assert res.unresolved == ["Phòng Y tế huyện", "Ban Dân vận Huyện ủy"]
    # a known group, a dash, then an invitation (seed 003, 1.11, "Mời" typed "Mối"): the
    # group resolves and the invited body is reported
    res = resolve("Chủ tịch UBND xã - thị trấn - Mối Ban Tuyên giáo Huyện ủy", _registry())
    assert res.codes == ["G_XA"]
    assert res.unresolved == ["Mối Ban Tuyên giáo Huyện ủy"]
    # text that does not open like a unit name is not cut: reported whole, never half-guessed
    res = resolve("Chủ tịch UBND xã - thị trấn - nơi có điều kiện", _registry())
    assert res.codes == []
    # … while a cut before a unit starter is trusted
    res = resolve("Chủ tịch UBND xã - thị trấn và Phòng Y tế huyện", _registry())
    assert (res.codes, res.unresolved) == (["G_XA"], ["Phòng Y tế huyện"])


def test_a_prefix_does_not_swallow_a_longer_unknown_name() -> None:
    # "Phòng Khoa học" is registered; "Phòng Khoa học và Công nghệ" is another unit
    res = resolve("Phòng Khoa học và Công nghệ", _registry())
    assert res.codes == []
    assert res.unresolved == ["Phòng Khoa học và Công nghệ"]


def test_resolve_plan_fills_codes_and_warns_in_vietnamese() -> None:
    plan = Plan(year=2024, tasks=[
        Task(key="1.6", stt="1.6", area="1", task="…", lead="Phòng Y tế huyện",
             coord="Thủ trưởng các cơ quan, đơn vị"),
        Task(key="3.1", stt="3.1", area="3", task="…",
             lead="Sở Nội vụ (Phòng Cải cách hành chính) phối hợp Phòng Nội vụ huyện",
             coord="Chủ tịch UBND xã - thị trấn"),
        Task(key="2.1", stt="2.1", area="2", task="…",
             lead="Trưởng phòng Nội vụ huyện triển khai theo hướng dẫn của thành phố"),
    ])
    problems = resolve_plan(plan, _registry())
    assert [(t.lead_units, t.coord_units) for t in plan.tasks] == [
        ([], ["G_CQ"]), (["PCCHC"], ["G_XA", "PNV"]), (["PNV"], []),
    ]
    assert [(p.code, p.task_key, p.message) for p in problems] == [
        ("unit-unresolved", "1.6",
         "Không nhận ra đơn vị «Phòng Y tế huyện» trong ô Đơn vị chủ trì của nhiệm vụ 1.6; "
         "thêm vào sheet Đơn vị (cột Tên gọi khác) rồi nhập lại."),
        ("unit-lead-coordination", "3.1",
         "Trong ô Đơn vị chủ trì của nhiệm vụ 3.1, các đơn vị đứng sau «phối hợp» (PNV) được tính là "
         "đơn vị phối hợp."),
        ("unit-note-ignored", "2.1",
         "Phần «triển khai theo hướng dẫn của thành phố» trong ô Đơn vị chủ trì của nhiệm vụ 2.1 "
         "không phải tên đơn vị nên không được tính."),
    ]
    assert all(p.severity == "warning" for p in problems)


# --- bootstrap ------------------------------------------------------------------------------


def test_bootstrap_units_aliases_groups_and_commune_warning() -> None:
    problems: list = []
    reg = bootstrap_registry([
        "- Ban Chỉ đạo CCHC huyện - Trưởng phòng Nội vụ huyện",
        "- Thủ trưởng các cơ quan, đơn vị - Chủ tịch UBND xã - thị trấn",
        "Trưởng Phòng Nội vụ huyện",
        "Phòng Nội vụ huyện",
        "Phòng Nội vụ huyện",
        "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện",
    ], problems)
    assert [(u.code, u.name, u.groups) for u in reg.units] == [
        ("BCDCCHC", "Ban Chỉ đạo CCHC huyện", []),
        ("PNV", "Phòng Nội vụ huyện", ["G_CQ"]),
        ("VPHDUB", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện", ["G_CQ"]),
    ]
    assert reg.unit("PNV").aliases == ["Trưởng phòng Nội vụ huyện"]
    assert [g.code for g in reg.groups] == ["G_CQ", "G_XA"]
    assert reg.members("G_XA") == []
    assert [p.code for p in problems] == ["unit-group-guessed", "unit-group-empty"]
    assert "kế hoạch không liệt kê từng xã, thị trấn" in problems[1].message
    assert "G_XA" in problems[1].message


def test_bootstrap_merges_level_word_variants_only() -> None:
    reg = bootstrap_registry(["Phòng Nội vụ", "Trưởng phòng Nội vụ huyện; Phòng Nội vụ huyện",
                              "Thanh tra Sở", "Thanh tra huyện"])
    assert [(u.code, u.name) for u in reg.units] == [
        ("PNV", "Phòng Nội vụ huyện"), ("TTS", "Thanh tra Sở"), ("TTH", "Thanh tra huyện")]
    assert reg.unit("PNV").aliases == ["Phòng Nội vụ", "Trưởng phòng Nội vụ huyện"]


def test_bootstrap_sở_plan_groups_and_parenthesis() -> None:
    reg = bootstrap_registry([
        "Sở Nội vụ (Phòng Cải cách hành chính)", "Các cơ quan, đơn vị liên quan",
        "Văn phòng Sở", "Các tổ chức thuộc, trực thuộc Sở", "Phòng Cải cách hành chính",
        "Thủ trưởng sở, ban, ngành; Chủ tịch UBND quận, huyện, thành phố Thủ Đức",
    ])
    assert [(u.code, u.name) for u in reg.units] == [("PCCHC", "Phòng Cải cách hành chính"), ("VPS", "Văn phòng Sở")]
    assert reg.unit("PCCHC").aliases == ["Sở Nội vụ (Phòng Cải cách hành chính)"]
    assert [g.code for g in reg.groups] == ["G_TTS", "G_LQ", "G_SBN", "G_QH"]
    assert reg.members("G_TTS") == ["PCCHC", "VPS"]


# --- the done-when: every lead cell of the seeds resolves --------------------------------


def seed_rows(path: Path, first_line: int) -> list[list[str]]:
    """Table rows of an extracted seed (tab-separated): STT, task, product, lead, coord,
    deadline. Repeated headers are skipped; an unnumbered row whose lead is empty or starts
    in lower case continues the row above (page break); other unnumbered rows are sub-tasks."""
    rows: list[list[str]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if n < first_line or "\t" not in line:
            continue
        cells = [c.strip() for c in line.split("\t")] + [""] * 6
        if cells[0].upper() == "STT" or not any(cells):
            continue
        lead = cells[3]
        if cells[0] == "" and rows and (not lead or lead[0].islower()):
            for i in range(1, 6):
                if cells[i]:
                    rows[-1][i] = f"{rows[-1][i]} {cells[i]}".strip()
        else:
            rows.append(cells[:6])
    return rows


def _seed_plan(seeds: Path, prefix: str, first_line: int) -> Plan:
    rows = seed_rows(seed_path(seeds, prefix), first_line)
    tasks = [Task(key=f"{r[0] or 'row'}@{i}", stt=r[0], area="", task=r[1], lead=r[3], coord=r[4])
             for i, r in enumerate(rows) if r[3] or r[4]]
    return Plan(year=2024, tasks=tasks)


def test_seed_003_every_lead_cell_resolves(seeds_dir: Path) -> None:
    plan = _seed_plan(seeds_dir, "003", 435)
    assert sum(1 for t in plan.tasks if t.lead) == 87
    bootstrap_problems: list = []
    registry = bootstrap_registry(plan_cells(plan), bootstrap_problems)
    problems = resolve_plan(plan, registry)
    assert all(t.lead_units for t in plan.tasks if t.lead)
    lead_unresolved = [p for p in problems if p.code == "unit-unresolved" and "chủ trì" in p.message]
    assert lead_unresolved == []
    # the commune group: a lead cell naming it resolves to it, and the clerk is told to fill it
    commune = next(t for t in plan.tasks if t.lead == "Chủ tịch UBND xã - thị trấn")
    assert commune.lead_units == ["G_XA"]
    assert any(p.code == "unit-group-empty" and p.value == "G_XA" for p in bootstrap_problems)
    assert {u.code for u in registry.units} >= {"PNV", "PTP", "PTCKH", "VPHDUB", "TTH", "PVHTT", "PKT"}
    # the one leftover of the plan, in a coordination cell (1.11): pinned
    assert [(p.code, p.value) for p in problems if p.code == "unit-unresolved"] == [
        ("unit-unresolved", "Mối Ban Tuyên giáo Huyện ủy"),
    ]
    notes = sorted(p.value or "" for p in problems if p.code == "unit-note-ignored")
    assert notes == ["chủ trì thực hiện", "kiểm tra việc thực hiện", "triển khai theo hướng dẫn của thành phố",
                     "được mời tham gia kiểm tra, khảo sát"]


def test_seed_000_every_lead_cell_resolves(seeds_dir: Path) -> None:
    plan = _seed_plan(seeds_dir, "000", 427)
    assert sum(1 for t in plan.tasks if t.lead) == 89
    registry = bootstrap_registry(plan_cells(plan))
    problems = resolve_plan(plan, registry)
    assert all(t.lead_units for t in plan.tasks if t.lead)
    assert [p.value for p in problems if p.code == "unit-unresolved"] == [
        "Các cơ quan thành viên BCĐ CCHC Thành phố và các cơ quan",
        "đại diện các Phòng Nội vụ quận, huyện, thành phố Thủ Đức",
    ]
    t111 = next(t for t in plan.tasks if t.lead.endswith("phối hợp Thành Đoàn, Công đoàn Viên chức"))
    assert t111.lead_units == ["PCCHC"]
    assert [registry.unit(c).name for c in t111.coord_units if registry.unit(c)] == [
        "Thành Đoàn", "Công đoàn Viên chức"]
    assert "G_SBN" in t111.coord_units and "G_QH" in t111.coord_units
    assert registry.unit("VPS").name == "Văn phòng Sở"


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("000", [
            ("unit-unresolved", "1.4", "Các cơ quan thành viên BCĐ CCHC Thành phố và các cơ quan"),
            ("unit-note-ignored", "1.4", "được mời tham gia kiểm tra, khảo sát"),
            ("unit-note-ignored", "1.5", "tham mưu Hội đồng đánh giá chỉ số CCHC sở, ban, ngành, UBND quận, "
                                         "huyện, thành phố Thủ Đức"),
            ("unit-note-ignored", "1.6", "tham mưu Ủy ban nhân dân Thành phố"),
            ("unit-lead-coordination", "1.11", "TD, CDVC"),
            ("unit-lead-coordination", "1.12", "STC, STTTT, STP, SKHDT, SKHCN, VPUBTP"),
            ("unit-unresolved", "3.17", "đại diện các Phòng Nội vụ quận, huyện, thành phố Thủ Đức"),
        ]),
        ("003", [
            ("unit-note-ignored", "1.4.1", "được mời tham gia kiểm tra, khảo sát"),
            ("unit-note-ignored", "1.9", "kiểm tra việc thực hiện"),
            ("unit-note-ignored", "1.10", "triển khai theo hướng dẫn của thành phố"),
            ("unit-unresolved", "1.11", "Mối Ban Tuyên giáo Huyện ủy"),
            ("unit-note-ignored", "6.8", "chủ trì thực hiện"),
        ]),
    ],
)
def test_seed_plans_from_the_importer_resolve(seeds_dir: Path, prefix: str,
                                              expected: list[tuple[str, str, str]]) -> None:
    """Same done-when through the real appendix importer: every task's lead resolves; the
    leftovers (all in coordination cells or notes) are pinned with their task keys."""
    plan_reader = pytest.importorskip("parc_xl.io.plan_reader")
    plan, _ = plan_reader.read_appendix(seed_path(seeds_dir, prefix), 2024)
    registry = bootstrap_registry(plan_cells(plan))
    problems = resolve_plan(plan, registry)
    assert [t.key for t in plan.tasks if not t.lead_units] == []
    assert [(p.code, p.task_key, p.value) for p in problems] == expected


def test_tasks_by_unit_is_unit_tasks_for_every_unit() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from unit_books import make_plan, make_registry

    from parc_xl.domain.assignments import tasks_by_unit, unit_tasks

    plan, registry = make_plan(), make_registry()
    every = tasks_by_unit(plan, registry)
    assert set(every) == {u.code for u in registry.units}
    for u in registry.units:
        assert [(t.key, r) for t, r in every[u.code]] == [(t.key, r) for t, r in unit_tasks(plan, registry, u.code)]
    assert [(t.key, r) for t, r in every["PNV"]] == [("1.1", "Chủ trì"), ("1.2", "Chủ trì"), ("2.1", "Chủ trì"),
                                                     ("2.2", "Phối hợp"), ("3.2", "Chủ trì")]
