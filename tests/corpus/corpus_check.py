"""One corpus workbook through the package layer and through `validate`, in a worker
process with a time limit (tests/corpus/test_corpus.py runs every file of
../shared/corpus/xlsx through `check` in a pool).

`check(path)` returns a plain dict (picklable, JSON-able):
- kind: "written" (opened, written, saved, re-read right), "refused" (the package layer
  refused it with an InputError), "failed" (anything else: the reason says what);
- readable: whether openpyxl or python-calamine can read the original (a refused
  readable file is a failure of the package layer, a refused unreadable one is right);
- validate: "record" (a problem record or a clean report), or "crash: …";
- seconds, reason, traceback line.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import signal
import tempfile
import time
import traceback
import warnings
import zipfile
from pathlib import Path
from typing import Any

TEXT = "  Tiến độ – «Đã hoàn thành» & <b>số 15/KH-UBND</b>  "
NUMBER = 1234.5
DAY = dt.date(2026, 3, 15)
FORMULA_LIKE = "=SUM(A1:A9)"
VALUES = [TEXT, NUMBER, DAY, FORMULA_LIKE]
TIME_LIMIT = 120  # seconds for one file (package work, both readers on the result, validate)
_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def _where(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    last = tb[-1] if tb else None
    return f"{type(exc).__name__}: {str(exc)[:200]}" + (f" ({Path(last.filename).name}:{last.lineno})" if last else "")


def _readers(path: Path, target: str | None = None, has_values: bool = False) -> set[str]:
    """Which of openpyxl and python-calamine read the original file: every sheet without
    an error and, when the package layer sees values in `target`, some of them (openpyxl
    sees nothing in a pre-release Excel 2007 namespace, poi/sample-beta.xlsx)."""
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    def filled(rows: Any) -> bool:
        return any(v not in (None, "") for row in rows for v in row)

    ok: set[str] = set()
    try:
        book = CalamineWorkbook.from_path(str(path))
        seen = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
        if not (has_values and target in seen and not filled(seen[target])):
            ok.add("calamine")
    except Exception:  # noqa: BLE001 - any failure of a reader means "that reader cannot read it"
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True)
            seen_any = not has_values or target not in wb.sheetnames or filled(wb[target].iter_rows(values_only=True))
            wb.close()
        if seen_any:
            ok.add("openpyxl")
    except Exception:  # noqa: BLE001 - as above
        pass
    return ok


def _readable(path: Path) -> bool:
    return bool(_readers(path))


def _parts(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}


def _merges(data: bytes) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a sheet part: only their top-left cell shows a value."""
    from parc_xl.io.ooxml import split_ref

    hidden: list[tuple[int, int, int, int]] = []
    for m in re.finditer(rb"<(?:\w+:)?mergeCell\s+ref\s*=\s*[\"']([A-Za-z]+\d+):([A-Za-z]+\d+)[\"']", data):
        try:
            (r1, c1), (r2, c2) = split_ref(m.group(1).decode()), split_ref(m.group(2).decode())
        except ValueError:
            continue
        hidden.append((r1, c1, r2, c2))
    return hidden


def _covered(r: int, c: int, merges: list[tuple[int, int, int, int]]) -> bool:
    return any(r1 <= r <= r2 and c1 <= c <= c2 and (r, c) != (r1, c1) for r1, c1, r2, c2 in merges)


def _existing_cells(pkg: Any, part: str, limit: int) -> list[tuple[int, int]]:
    """(row, col) of the first cells of the sheet part that exist, hold no formula and
    are not hidden by a merge."""
    from lxml import etree

    from parc_xl.io.ooxml import split_ref

    data = pkg.read_part(part)
    hidden = _merges(data)
    out: list[tuple[int, int]] = []
    try:  # a sheet this cannot parse: write new cells in row 1 and let the package layer decide
        for _, el in etree.iterparse(io.BytesIO(data), tag="{*}c", huge_tree=True, resolve_entities=False):
            ref = el.get("r")
            if ref and not any(etree.QName(ch).localname == "f" for ch in el if isinstance(ch.tag, str)):
                try:
                    r, c = split_ref(ref)
                except ValueError:  # a reference such as A0 (poi/poc-shared-strings.xlsx)
                    continue
                if (r, c) not in out and c <= 16000 and not _covered(r, c, hidden):
                    out.append((r, c))
            el.clear()
            if len(out) >= limit:
                break
    except etree.XMLSyntaxError:
        return []
    return out


def _same(got: object, want: object, date1904: bool = False) -> bool:
    if isinstance(want, float) and isinstance(got, dt.datetime):
        # a number written into a cell the workbook formats as a date keeps that format
        epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
        return abs((got - epoch).total_seconds() / 86400 - want) < 1e-6
    if isinstance(want, dt.date):
        if isinstance(got, dt.datetime):
            return got == dt.datetime.combine(want, dt.time())
        return got == want
    if isinstance(want, float):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and abs(float(got) - want) < 1e-9
    return got == want


def _package_work(path: Path, out: Path, result: dict[str, Any]) -> None:
    from lxml import etree
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    from parc_xl.errors import InputError
    from parc_xl.io.ooxml import XlsxPackage, col_letter

    original = path.read_bytes()
    try:
        pkg = XlsxPackage.open(path)
        names = pkg.sheet_names()
        sheet_map = pkg._sheet_map()
        target = next((n for n in names if n in sheet_map and pkg.has_part(sheet_map[n])
                       and (pkg.content_type(sheet_map[n]) or "").endswith("worksheet+xml")), None)
        if target is None:
            result.update(kind="nosheet", reason="no worksheet to write into")
            return
        part = sheet_map[target]
        cells = _existing_cells(pkg, part, len(VALUES))
        if len(cells) < len(VALUES):  # an empty or nearly empty sheet: new cells in row 1
            cells = [(1, c) for c in range(1, len(VALUES) + 1)]
        columns: dict[int, dict[int, Any]] = {}
        for (r, c), v in zip(cells, VALUES):
            columns.setdefault(c, {})[r] = v
        pkg.set_columns(target, columns)
        first = pkg.append_rows(target, [VALUES, [TEXT + "2", NUMBER + 1, DAY + dt.timedelta(days=1), "+84 912"]])
        pkg.save(out)
    except InputError as exc:
        msg = str(exc)
        result.update(kind="refused", message=msg[:300], vietnamese=bool(_VIETNAMESE.search(msg)))
        return
    result["sheet"] = target
    expected = {(r, c): v for (r, c), v in zip(cells, VALUES)}
    rows = [VALUES, [TEXT + "2", NUMBER + 1, DAY + dt.timedelta(days=1), "+84 912"]]
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            expected[(first + i, 1 + j)] = v
    problems: list[str] = []
    with zipfile.ZipFile(out) as zf:
        merges = _merges(zf.read(part)) if part in zf.namelist() else []
    has_values = False
    try:  # the package layer's own reading of the original sheet (what the jobs read)
        has_values = any(v not in (None, "") for row in XlsxPackage.open(path).sheet(target).read_values()
                         for v in row)
    except InputError:
        pass
    except Exception as exc:  # noqa: BLE001 - a traceback while reading is a failure; recorded
        problems.append(f"read_values of the original: {_where(exc)}")
    readers = _readers(path, target, has_values)
    result["readers"] = sorted(readers)
    # openpyxl (a merge hides what lies under it from openpyxl, as from Excel)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(out)
        ws = wb[target]
        for (r, c), v in expected.items():
            if _covered(r, c, merges):
                continue
            got = ws.cell(row=r, column=c).value
            if not _same(got, v, pkg.date1904):
                problems.append(f"openpyxl {col_letter(c)}{r}: {got!r} != {v!r}")
    except _Timeout:
        raise
    except Exception as exc:  # noqa: BLE001 - the check is "opens in openpyxl"; the reason is recorded
        if "openpyxl" in readers:
            problems.append(f"openpyxl cannot open the result: {_where(exc)}")
    # calamine
    try:
        sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(target)
        grid = sheet.to_python(skip_empty_area=False)
        for (r, c), v in expected.items():
            got = grid[r - 1][c - 1] if r - 1 < len(grid) and c - 1 < len(grid[r - 1]) else None
            if not _same(got, v, pkg.date1904):
                problems.append(f"calamine {col_letter(c)}{r}: {got!r} != {v!r}")
    except Exception as exc:  # noqa: BLE001 - as above
        if "calamine" in readers:
            problems.append(f"calamine cannot open the result: {_where(exc)}")
    # untouched parts byte-identical
    try:
        before = _parts(original)
    except zipfile.BadZipFile as exc:  # a corrupt entry (bad CRC) the package layer did not notice
        problems.append(f"the original has a corrupt zip entry, accepted instead of refused: {exc}")
        result.update(kind="failed", reason="; ".join(problems[:6]))
        return
    after = _parts(out.read_bytes())
    touched = {part, "[Content_Types].xml", pkg.workbook_part, _rels(pkg.workbook_part), "xl/calcChain.xml"}
    styles = [p for p in before if p.endswith("styles.xml")]
    touched.update(styles)
    rels = _rels(part)
    if rels in before:
        touched.add(rels)
        for rel in etree.fromstring(before[rels]):
            if rel.get("Type", "").endswith("/table"):
                touched.add(_resolve(part, rel.get("Target", "")))
    for name, data in before.items():
        if name in touched:
            continue
        if name not in after:
            problems.append(f"part {name} lost")
        elif after[name] != data:
            problems.append(f"part {name} changed")
    result["changed"] = sorted(n for n in touched if n in before and after.get(n) != before[n])
    if problems:
        result.update(kind="failed", reason="; ".join(problems[:6]))
    else:
        result.update(kind="written")


def _rels(part: str) -> str:
    p = Path(part)
    return str(p.parent / "_rels" / f"{p.name}.rels")


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in (Path(source).parent / target).parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _validate(path: Path, result: dict[str, Any]) -> None:
    from parc_xl.jobs import validate

    try:
        res = validate.run([path])
        rep = res.files[0]
        codes = sorted({p.code for p in rep.problems})
        result["validate"] = "record" if codes or not rep.readable else "clean"
        result["validate_codes"] = codes
        result["validate_json"] = bool(res.to_json())
    except Exception as exc:  # noqa: BLE001 - a crash is what this check looks for; recorded, not hidden
        result["validate"] = "crash: " + _where(exc)


def _has_doctype(path: Path) -> bool:
    """A DTD in any XML part (OPC forbids them: entity bombs, poi/poc-xmlbomb.xlsx)."""
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.filename.endswith((".xml", ".rels")) and info.file_size < 50_000_000:
                    with zf.open(info) as fh:
                        if b"<!DOCTYPE" in fh.read(4096):
                            return True
    except Exception:  # noqa: BLE001 - a package zipfile cannot read has no readable DTD either
        return False
    return False


def check(path_str: str) -> dict[str, Any]:
    path = Path(path_str)
    result: dict[str, Any] = {"file": path_str, "kind": "failed", "reason": ""}
    start = time.perf_counter()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIME_LIMIT)
    try:
        with tempfile.TemporaryDirectory(prefix="corpus_") as tmp:
            try:
                _package_work(path, Path(tmp) / "out.xlsx", result)
            except _Timeout:
                raise
            except Exception as exc:  # noqa: BLE001 - a traceback is the failure being counted
                result.update(kind="failed", reason="traceback: " + _where(exc))
            result["package_seconds"] = time.perf_counter() - start
            _validate(path, result)
    except _Timeout:
        result.update(kind="failed", reason=f"timeout after {TIME_LIMIT} s", validate=result.get("validate", "timeout"))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    result["readable"] = _readable(path) if result["kind"] != "written" else True
    result["doctype"] = _has_doctype(path)
    result["seconds"] = time.perf_counter() - start
    return result
