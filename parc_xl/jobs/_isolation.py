"""Run the risky reader of each return in a worker process (issue 13 item 1).

python-calamine is native code: an allocation it cannot make aborts the whole process
(SIGABRT, no JSON, no record, the good returns beside the bad one never merged). So the
merge and validate jobs read each file in a forked worker that reports back a picklable
result; a worker that dies by a signal, runs out of its memory allowance (RLIMIT_AS in
the child) or exceeds the time limit (measured in the parent) becomes *that file's*
`Failure`, the caller turns it into that file's record, and a fresh worker takes the
next file. io/package_guard.py refuses what it can before any reader runs; this is the
second line, for what no screening foresees.

Workers are forked, so they inherit what the job already read (the master, the plan)
without pickling; only the item index goes in and the result comes out. Where fork does
not exist (Windows: the Excel add-in) the reader runs in this process and only Python
exceptions can be caught — a native abort there still ends the job, which is why the
guard runs first on every platform.
"""

from __future__ import annotations

import gc
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from parc_xl.domain.problems import Problem, error

T = TypeVar("T")
R = TypeVar("R")

TIME_LIMIT = 120.0  # seconds per file; a return takes ≈25 ms, a big one under load a second
MEMORY_LIMIT = 1024 ** 3  # bytes a worker may map beyond what it inherited (a return needs ≈50 MB)


@dataclass(frozen=True)
class Failure:
    """Why a worker gave no result for an item."""

    kind: str  # "crashed" (a signal), "memory", "timeout", "error" (a Python exception)
    detail: str  # signal name, exception text, the limit that was exceeded


def can_isolate() -> bool:
    """Whether items can be read in forked workers here (POSIX)."""
    import multiprocessing as mp

    return hasattr(os, "fork") and "fork" in mp.get_all_start_methods()


def run_isolated(fn: Callable[[T], R], items: Sequence[T], on_failure: Callable[[T, Failure], R], *,
                 workers: int = 1, time_limit: float | None = None,
                 memory_limit: int | None = None) -> list[R]:
    """`fn(item)` for every item, results in the items' order; an item whose worker failed
    gets `on_failure(item, failure)` instead. Never raises because of one item."""
    if not items:
        return []
    if not can_isolate():
        return [_in_process(fn, item, on_failure) for item in items]
    pool = _Pool(fn, items, on_failure, max(1, min(workers, len(items))),
                 TIME_LIMIT if time_limit is None else time_limit,
                 MEMORY_LIMIT if memory_limit is None else memory_limit)
    gc.freeze()  # the workers' collector then leaves the inherited heap's pages shared
    # Nor does this process collect while it waits: it only receives results (no cycles),
    # and each collection would walk every result received so far.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return pool.run()
    finally:
        if collecting:
            gc.enable()
        gc.unfreeze()


def _in_process(fn: Callable[[T], R], item: T, on_failure: Callable[[T, Failure], R]) -> R:
    try:
        return fn(item)
    except MemoryError:
        return on_failure(item, Failure("memory", ""))
    except Exception as exc:  # noqa: BLE001 - one file's reader must not end the batch
        return on_failure(item, Failure("error", f"{type(exc).__name__}: {exc}"[:300]))


def _limit_memory(extra: int) -> None:
    """RLIMIT_AS of this (child) process: what it has mapped now plus `extra`."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (mapped + extra, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (OSError, ValueError, ImportError, AttributeError):
        pass  # no /proc (macOS) or a hard limit below ours: the time limit still holds


def _worker_main(conn: Any, fn: Callable[[Any], Any], items: Sequence[Any], memory_limit: int) -> None:
    import faulthandler

    if faulthandler.is_enabled():
        faulthandler.disable()  # a reader's abort is reported by the parent, not as the inherited stack dump
    _limit_memory(memory_limit)
    while True:
        try:
            index = conn.recv()
        except EOFError:
            break
        if index is None:
            break
        try:
            reply: tuple[str, Any] = ("ok", fn(items[index]))
        except MemoryError:
            reply = ("memory", "")
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as this item's failure
            reply = ("error", f"{type(exc).__name__}: {exc}"[:300])
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - an unpicklable result
            conn.send(("error", f"{type(exc).__name__}: {exc}"[:300]))
    conn.close()


class _Worker:
    def __init__(self, ctx: Any, fn: Callable[[Any], Any], items: Sequence[Any], memory_limit: int) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, fn, items, memory_limit), daemon=True)
        self.proc.start()
        child.close()
        self.index: int | None = None
        self.started = 0.0

    def give(self, index: int) -> None:
        self.index, self.started = index, time.monotonic()
        self.conn.send(index)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.kill()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class _Pool(Generic[T, R]):
    def __init__(self, fn: Callable[[T], R], items: Sequence[T], on_failure: Callable[[T, Failure], R],
                 workers: int, time_limit: float, memory_limit: int) -> None:
        import multiprocessing as mp

        self.ctx = mp.get_context("fork")
        self.fn, self.items, self.on_failure = fn, items, on_failure
        self.n_workers, self.time_limit, self.memory_limit = workers, time_limit, memory_limit
        self.results: dict[int, R] = {}

    def _spawn(self) -> _Worker:
        return _Worker(self.ctx, self.fn, self.items, self.memory_limit)  # type: ignore[arg-type]

    def _fail(self, index: int, failure: Failure) -> None:
        self.results[index] = self.on_failure(self.items[index], failure)

    def run(self) -> list[R]:
        from multiprocessing.connection import wait

        todo = deque(range(len(self.items)))
        idle = [self._spawn() for _ in range(self.n_workers)]
        busy: list[_Worker] = []
        try:
            while todo or busy:
                while todo and idle:
                    w = idle.pop()
                    w.give(todo.popleft())
                    busy.append(w)
                now = time.monotonic()
                wait_for = max(0.0, min(w.started + self.time_limit for w in busy) - now)
                ready = wait([x for w in busy for x in (w.conn, w.proc.sentinel)], timeout=wait_for + 0.05)
                for w in list(busy):
                    done = self._collect(w, w.conn in ready or w.proc.sentinel in ready)
                    if done is None:
                        continue
                    busy.remove(w)
                    if done:
                        idle.append(w)
                    elif todo:
                        idle.append(self._spawn())  # the dead or killed worker's replacement
        finally:
            for w in idle + busy:
                w.stop()
        return [self.results[i] for i in range(len(self.items))]

    def _collect(self, w: _Worker, ready: bool) -> bool | None:
        """None while `w` is still working; True when it answered (and may go on), False
        when it died or was killed (its item has its Failure). `ready`: `wait` saw its
        pipe or its process sentinel ready (else only its time is checked)."""
        assert w.index is not None
        index = w.index
        if ready and w.conn.poll():
            try:
                status, value = w.conn.recv()
            except (EOFError, OSError):
                status, value = "dead", None
            if status == "ok":
                self.results[index] = value
                return True
            if status in ("error", "memory"):
                self._fail(index, Failure(status, str(value or "")))
                return True
        if ready and not w.proc.is_alive():
            w.proc.join(1)
            code = w.proc.exitcode
            self._fail(index, Failure("memory" if code == -signal.SIGKILL else "crashed", _exit_text(code)))
            w.conn.close()
            return False
        if time.monotonic() - w.started > self.time_limit:
            w.kill()
            self._fail(index, Failure("timeout", f"{self.time_limit:g}"))
            return False
        return None


def _exit_text(code: int | None) -> str:
    if code is None or code >= 0:
        return f"mã thoát {code}"
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"tín hiệu {-code}"


PARALLEL_MIN_ITEMS = 16  # below this one worker reads every file (≈25 ms each): not worth a second


def worker_count(n_items: int) -> int:
    """Workers for `n_items` files: one for a handful, up to four cores for many."""
    if n_items < PARALLEL_MIN_ITEMS:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 4))


_RESEND = ("Các tệp khác vẫn được xử lý. Đề nghị đơn vị mở mẫu đã được gửi bằng Excel, điền, lưu lại dạng .xlsx "
           "rồi gửi lại.")


def failure_problem(file: str, failure: Failure) -> Problem:
    """The record of a file whose reader failed: what happened, and what the unit should do."""
    name = os.path.basename(file)
    if failure.kind == "timeout":
        return error("read-timeout", f"Đọc tệp «{name}» quá {failure.detail} giây nên đã dừng; tệp không được "
                     f"nhận. {_RESEND}", file=file)
    if failure.kind == "memory":
        return error("reader-crashed", f"Đọc tệp «{name}» cần quá nhiều bộ nhớ (hơn {MEMORY_LIMIT // 1048576} MB) "
                     f"nên đã dừng; tệp không được nhận. {_RESEND}", file=file, value=failure.detail or None)
    if failure.kind == "crashed":
        return error("reader-crashed", f"Bộ đọc dừng đột ngột khi đọc tệp «{name}» ({failure.detail}); tệp có thể "
                     f"bị hỏng hoặc không do Excel tạo ra và không được nhận. {_RESEND}", file=file,
                     value=failure.detail)
    return error("read-failed", f"Không đọc được tệp «{name}» ({failure.detail}); tệp không được nhận. {_RESEND}",
                 file=file, value=failure.detail)
