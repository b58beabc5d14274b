"""Copies that are whole or absent: the archive of accepted returns (`luu_tru/`) and the
backups of the master (`sao_luu/`) are written to a temporary file in the destination
folder, fsynced, then renamed; a failure (disk full, a killed process) never leaves a
truncated file under the final name, and the temporary file is removed on any error.
Leftovers of a process killed mid-copy carry `TMP_PREFIX` and are removed by
`remove_leftovers` (called by the job holding the master's lock)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

TMP_PREFIX = ".~parc_tmp."
BACKUP_DIR = "sao_luu"  # beside the master: previous versions
ARCHIVE_DIR = "luu_tru"  # beside the master: accepted unit files, by period and hash


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _new_file_mode(path: Path) -> int:
    """The mode `path` should get: its current mode when it exists, else what the umask
    gives a new file (mkstemp makes 0600, which hid the master from colleagues)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def replace_whole(target: Path, write: Callable[[Path], None], *, prefix: str, suffix: str = "") -> None:
    """Call `write(tmp)` on a temporary file beside `target` (named `prefix`…`suffix`, so
    a killed writer's leftover is recognised), fsync it, give it `target`'s permissions
    (the umask's for a new file), `os.replace` it onto `target`, fsync the folder. On any
    failure `target` is as it was and the temporary file is gone. The one atomic writer:
    the import's new master and every package save (`io/ooxml/zipio.write_atomically`)."""
    target = Path(target)
    fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        mode = _new_file_mode(target)
        write(tmp)
        os.chmod(tmp, mode)
        with tmp.open("r+b") as f:  # a write handle: Windows flushes only those (_commit)
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def copy_atomically(src: Path, dest: Path) -> Path:
    """Copy `src` to `dest` (bytes and times) through a temporary file beside `dest`."""
    src, dest = Path(src), Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{dest.name}.", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
            shutil.copyfileobj(inp, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        shutil.copystat(src, tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(dest.parent)
    return dest


def copy_many_atomically(pairs: list[tuple[Path, Path]]) -> None:
    """`copy_atomically` for each (src, dest), with the same guarantee per file (whole or
    absent under its name) but the waits shared: every copy is written first, the
    temporary files are fsynced together (a journaling file system commits concurrent
    fsyncs at once), then renamed, and each folder is fsynced once. A merge archives
    one file per accepted return: 2 fsyncs each, one after the other, were ≈0.4 s of a
    60-file merge. On any failure no temporary file is left; the renamed ones are whole."""
    if len(pairs) <= 1:
        for src, dest in pairs:
            copy_atomically(src, dest)
        return
    temps: list[tuple[Path, Path, Path]] = []  # (src, tmp, dest)
    try:
        for src, dest in pairs:
            src, dest = Path(src), Path(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{dest.name}.", dir=dest.parent)
            temps.append((src, Path(tmp_name), dest))
            with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
                shutil.copyfileobj(inp, out, 1 << 20)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(8, len(temps))) as pool:
            list(pool.map(lambda t: _fsync_file(t[1]), temps))  # fsync releases the GIL
        while temps:
            src, tmp, dest = temps[0]
            shutil.copystat(src, tmp)
            os.replace(tmp, dest)
            temps.pop(0)
    except BaseException:
        for _, tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise
    for folder in dict.fromkeys(Path(dest).parent for _, dest in pairs):
        _fsync_dir(folder)


def _fsync_file(path: Path) -> None:
    with open(path, "r+b") as f:  # a write handle: Windows flushes only those (_commit)
        os.fsync(f.fileno())


def sha256_of(path: Path) -> str | None:
    """The file's SHA-256 (hex), None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def remove_master_leftovers(master: Path) -> list[Path]:
    """The temporary files a writer of `master` killed mid-write left behind: the
    package's ``.<stem>.*.tmp`` and the import's ``.~parc_tmp.<name>.*`` beside it,
    backups in sao_luu/ and archive copies in luu_tru/<period>/. Only the holder of
    the master's lock calls this (no other writer of this master can be running)."""
    master = Path(master)
    folder = master.parent
    removed = remove_leftovers(folder, (f".{master.stem}.",), ".tmp")
    removed += remove_leftovers(folder, (f"{TMP_PREFIX}{master.name}.",))
    removed += remove_leftovers(folder / BACKUP_DIR, (f"{TMP_PREFIX}{master.stem}_",))
    archive = folder / ARCHIVE_DIR
    if archive.is_dir():
        for period in archive.iterdir():
            if period.is_dir():
                removed += remove_leftovers(period, (TMP_PREFIX,))
    return removed


def remove_leftovers(folder: Path, prefixes: tuple[str, ...], suffix: str = "") -> list[Path]:
    """Delete files in `folder` whose names start with one of `prefixes` and end with
    `suffix` (temporary files of a killed writer); returns what was removed."""
    removed: list[Path] = []
    try:
        names = list(Path(folder).iterdir())
    except OSError:
        return removed
    for p in names:
        if p.is_file() and p.name.startswith(prefixes) and p.name.endswith(suffix):
            try:
                p.unlink()
            except OSError:
                continue
            removed.append(p)
    return removed
