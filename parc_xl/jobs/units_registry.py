"""Job «Thêm xã»: add the communes of a district to the unit registry from their names.

Plans give many tasks to "Chủ tịch UBND xã - thị trấn": the group of communes, which the
import cannot fill from the plan. The clerk pastes or types the communes' names (a column
copied from a list, one per line, or "Tân Hiệp; Xuân Thới Sơn"); each gets a registry row
with a generated code, the commune group and the aliases plans use ("Chủ tịch UBND xã
Tân Hiệp"), appended to the `Đơn vị` sheet of the master or of a registry workbook
(`--units`); re-importing the plan into a master not yet merged then gives each commune
its `Theo dõi` rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from parc_xl.domain.models import Unit
from parc_xl.domain.record import Record
from parc_xl.domain.text import match_key
from parc_xl.domain.communes import commune_group, commune_units, split_commune_list
from parc_xl.errors import InputError
from parc_xl.jobs._common import BACKUP_DIR, JobResult, ensure_writable


class AddedUnit(Record):
    code: str
    name: str
    group: str


class CommunesResult(JobResult):
    file: str
    group: str
    added: list[AddedUnit] = Field(default_factory=list)
    skipped: list[dict[str, str]] = Field(default_factory=list)  # {"name", "reason"}
    backup: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "group": self.group, "added": [a.model_dump() for a in self.added],
                "skipped": self.skipped, "backup": self.backup}

    def summary_vi(self) -> str:
        lines = [f"Đã thêm {len(self.added)} xã vào nhóm {self.group} của {Path(self.file).name}:"]
        lines += [f"  {a.code}: {a.name}" for a in self.added]
        lines += [f"Bỏ qua «{s['name']}»: {s['reason']}." for s in self.skipped]
        if self.added:
            lines.append("Chạy lại «Nhập kế hoạch» vào sổ này (chưa tổng hợp kỳ nào) để các nhiệm vụ của nhóm có "
                         "dòng theo dõi cho từng xã; sửa mã trong sheet Đơn vị trước đó nếu muốn.")
        return "\n".join(lines)


def run(registry_file: Path, names: list[str] | str, group: str | None = None, *,
        from_file: Path | None = None) -> CommunesResult:
    """Add communes named in `names` (a list, or pasted text) to the registry in
    `registry_file` (a master or a `--units` workbook) under `group` (default: the
    registry's commune group)."""
    from parc_xl.io.master_lock import save_guarded
    from parc_xl.io.ooxml import XlsxPackage
    from parc_xl.io.registry import append_units, read_registry, unit_header_positions

    registry_file = Path(registry_file)
    if not registry_file.exists():
        raise InputError(f"Không tìm thấy tệp {registry_file.name}.")
    text = names if isinstance(names, str) else "\n".join(names)
    if from_file is not None:
        try:
            text += "\n" + Path(from_file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"Không đọc được tệp danh sách {Path(from_file).name}: {exc}") from exc
    given = split_commune_list(text)
    if not given:
        raise InputError("Chưa có tên xã nào: gõ hoặc dán danh sách tên (mỗi dòng một xã, "
                         "hoặc cách nhau bởi dấu ;).")
    registry, problems = read_registry(registry_file)
    code = group or commune_group(registry)
    if code is None or registry.group(code) is None:
        raise InputError((f"Danh mục không có nhóm «{group}»" if group else
                          "Không xác định được nhóm các xã trong danh mục") +
                         f"; hãy ghi mã nhóm bằng --group, một trong: {', '.join(g.code for g in registry.groups)}.")
    known = {match_key(t) for u in registry.units for t in [u.name, *u.aliases]}
    taken = {u.code for u in registry.units} | {g.code for g in registry.groups}
    new, skipped = commune_units(given, taken, known)
    result = CommunesResult(file=str(registry_file), group=code, problems=problems,
                            skipped=[{"name": n, "reason": why} for n, why in skipped])
    if not new:
        return result
    ensure_writable(registry_file)
    positions = unit_header_positions(registry_file)
    pkg = XlsxPackage.open(registry_file)
    append_units(pkg, positions, [Unit(code=c.code, name=c.name, groups=[code], aliases=c.aliases) for c in new])
    saved = save_guarded(pkg, registry_file, registry_file.parent / BACKUP_DIR)
    result.backup = str(saved) if saved else None
    result.added = [AddedUnit(code=c.code, name=c.name, group=code) for c in new]
    return result
