"""Running parts of a cold build side by side on several cores: each part but the first runs in a
forked child process, which inherits everything loaded so far and sends its result back through
a pipe. Python runs one thread at a time, so threads would not help the parsing and rendering.

Used by the command line only (a forked process must not inherit other threads, as the live
preview has); where fork is missing, or a child dies, the part runs here instead.
"""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def run_parts(parts: list[Callable[[], T]], processes: int = 1) -> list[T]:
    """[part() for part in parts]. With `processes` > 1, the first runs here and each other one
    in a child process at the same time; an exception in a part is raised here, as if the part
    had run here."""
    if processes < 2 or len(parts) < 2 or not hasattr(os, "fork"):
        return [part() for part in parts]
    children = [_start(part) for part in parts[1:]]
    try:
        results = [parts[0]()]
    finally:
        outcomes = [_finish(child) for child in children]
    for part, outcome in zip(parts[1:], outcomes):
        if outcome is None:  # the child died or could not send its result: do the part here
            results.append(part())
        elif outcome[0] == "raised":
            raise outcome[1]  # type: ignore[misc]  # the child sends back the exception it raised
        else:
            results.append(outcome[1])  # type: ignore[arg-type]
    return results


def run_jobs(jobs: list[tuple[float, Callable[[], T]]], processes: int = 1) -> list[T]:
    """The result of every (rough cost, work) job, in order. With `processes` > 1 the jobs are
    shared out by cost (the largest first, each to the least loaded process) and the shares run
    side by side (run_parts)."""
    if processes < 2:
        return [work() for _, work in jobs]
    shares: list[list[int]] = [[] for _ in range(processes)]
    loads = [0.0] * processes
    for index in sorted(range(len(jobs)), key=lambda index: -jobs[index][0]):
        lightest = loads.index(min(loads))
        shares[lightest].append(index)
        loads[lightest] += jobs[index][0]
    parts = run_parts([_share_runner(jobs, share) for share in shares], processes)
    results: list[Any] = [None] * len(jobs)
    for part in parts:
        for index, result in part:
            results[index] = result
    return results


def _share_runner(jobs: list[tuple[float, Callable[[], T]]], share: list[int]) -> Callable[[], list[Any]]:
    """The work of one share: (job index, result) for each of its jobs."""
    return lambda: [(index, jobs[index][1]()) for index in share]


def _start(part: Callable[[], object]) -> tuple[int, int] | None:
    """(child pid, read end of its pipe), or None when no child could be started."""
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: run the part, send the outcome, leave without any clean-up
        os.close(read_end)
        gc.disable()  # it lives for one part: collecting garbage would only cost time
        code = 0
        try:
            try:
                outcome = ("returned", part())
            except Exception as exc:
                outcome = ("raised", exc)
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_end)
    return pid, read_end


def _finish(child: tuple[int, int] | None) -> tuple[str, object] | None:
    """The child's ('returned', value) or ('raised', exception); None if it sent nothing."""
    if child is None:
        return None
    pid, read_end = child
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data or os.waitstatus_to_exitcode(status) != 0:
        return None
    collecting = gc.isenabled()
    gc.disable()  # unpickling makes many objects at once, each collection would go through them all
    try:
        return pickle.loads(data)
    except Exception:
        return None
    finally:
        if collecting:
            gc.enable()
