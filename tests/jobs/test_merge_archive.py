"""Archive, log and master consistent (issue 13 item 3): luu_tru/ is written first and
atomically, a re-run repairs a lost or truncated entry from the inbox (or names the file
to put back), and temporary files of a killed writer are cleaned."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import make_office  # noqa: E402

from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.io.master_lock import DiskFullError  # noqa: E402
from parc_xl.jobs import merge, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

Q1 = "2026-Q1"
AS_OF = dt.date(2026, 3, 25)


def accepted_log(master: Path) -> list[dict[str, object]]:
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(L.SHEET_SUBMISSIONS).to_python()
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if r and r[0] != ""]


@pytest.fixture
def office(tmp_path: Path) -> dict[str, Path]:
    master = make_office(tmp_path / "vp")
    units_generate.run(master, Q1, tmp_path / "gui", ["PNV"])
    inbox = tmp_path / "hop_thu"
    fill_return(tmp_path / "gui" / f"{Q1}_PNV.xlsx", inbox / "pnv.xlsx",
                {"1.1": {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 12, 9))
    return {"master": master, "inbox": inbox, "file": inbox / "pnv.xlsx"}


def _entry(office: dict[str, Path]) -> Path:
    sha = hashlib.sha256(office["file"].read_bytes()).hexdigest()
    return office["master"].parent / "luu_tru" / Q1 / f"{sha}.xlsx"


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_a_rerun_repairs_a_lost_or_truncated_archive_entry(office: dict[str, Path], damage: str) -> None:
    merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    entry = _entry(office)
    assert entry.read_bytes() == office["file"].read_bytes()
    if damage == "missing":
        entry.unlink()
    else:
        entry.write_bytes(entry.read_bytes()[:1000])
    again = merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    assert again.already_merged and again.archive_repaired == [str(entry)]
    assert entry.read_bytes() == office["file"].read_bytes()
    assert "bổ sung lại 1 tệp lưu trữ" in again.summary_vi()
    assert len(accepted_log(office["master"])) == 1, "the repair adds no log row"


def test_a_lost_entry_without_its_inbox_file_names_the_file_to_put_back(office: dict[str, Path]) -> None:
    merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    _entry(office).unlink()
    office["file"].unlink()  # the clerk moved the inbox away
    again = merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    missing = [p for p in again.problems if p.code == "archive-missing"]
    assert len(missing) == 1 and "«pnv.xlsx»" in missing[0].message and "hộp thư" in missing[0].message
    assert "«pnv.xlsx»" in again.summary_vi()


def test_the_archive_is_written_before_the_master(office: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    before = office["master"].read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(merge, "_write", crash)
    with pytest.raises(DiskFullError, match="hết chỗ trống; sổ vẫn như trước"):
        merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    assert office["master"].read_bytes() == before  # old master, and the archive already complete
    assert _entry(office).read_bytes() == office["file"].read_bytes()
    monkeypatch.undo()
    result = merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    assert result.accepted and [r["Kết quả"] for r in accepted_log(office["master"])] == ["Chấp nhận"]


def test_temporary_files_of_a_killed_writer_are_removed_by_the_next_job(office: dict[str, Path]) -> None:
    folder = office["master"].parent
    stem = office["master"].stem
    (folder / "sao_luu").mkdir(exist_ok=True)
    (folder / "luu_tru" / Q1).mkdir(parents=True)
    leftovers = [folder / f".{stem}.k3j2.tmp", folder / f".~parc_tmp.{office['master'].name}.x.xlsx",
                 folder / "sao_luu" / f".~parc_tmp.{stem}_20260325-080000-000000.xlsx.ab12",
                 folder / "luu_tru" / Q1 / ".~parc_tmp.abc.xlsx.zz"]
    for p in leftovers:
        p.write_bytes(b"PK\x03\x04 half")
    keep = folder / "ghi_chu_cua_chuyen_vien.tmp"
    keep.write_text("của chuyên viên")
    merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    assert [p for p in leftovers if p.exists()] == []
    assert keep.exists()
    assert not [p for p in folder.rglob("*") if p.name.startswith(".~parc_tmp.")]
