"""The look at a big file just opened (`plan_for`), in a child process.

The look is pure Python (a 20 MB file: about a second). On a thread of the window's process it
held the interpreter lock while the first rows painted, and each table cell Qt asked the window's
Python code for waited for the lock: paints of 50–150 ms (benchmarks/README.md). The child reads
the file itself — the caller makes sure the window's records are what was loaded from it and the
file has not changed since — reports progress, and sends the plan back. When there is nothing to
offer (most files), the plan crosses back without the file's records, so receiving it is quick.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.cancel import CancelToken
from desktop_app.core.convert.opening import OpenPlan, plan_for
from desktop_app.core.processes import spawn_child

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

MIN_BYTES = 2 * 1024 * 1024  # smaller files are looked at on a thread: a child costs more
POLL_S = 0.05  # how often the waiting thread looks for a cancel
STOP_WAIT_S = 2.0


class LookFailed(Exception):
    """The child stopped without a plan (it crashed, or the file could not be read)."""


def plan_file(
    path: Path, *, cancel: CancelToken, progress: Callable[[float], None] | None = None
) -> OpenPlan:
    """`plan_for(Dataset.open(path))`, computed in a child process. Raises Cancelled when
    `cancel` is set, LookFailed when the child ends without a plan."""
    process, conn = spawn_child(_serve, "finetune-studio-look", lower=True)
    try:
        conn.send(str(path))
        while True:
            cancel.raise_if_cancelled()
            if not conn.poll(POLL_S):
                if not process.is_alive() and not conn.poll():
                    raise LookFailed("the look at the file stopped")
                continue
            try:
                kind, value = conn.recv()
            except EOFError as exc:
                raise LookFailed("the look at the file stopped") from exc
            if kind == "progress" and progress is not None:
                progress(value)
            elif kind == "plan":
                assert isinstance(value, OpenPlan)
                return value
            elif kind == "failed":
                raise LookFailed(str(value))
    finally:
        conn.close()
        process.terminate()  # a cancelled look stops at once
        process.join(STOP_WAIT_S)
        if process.is_alive():
            process.kill()
            process.join(STOP_WAIT_S)


def _serve(conn: Connection) -> None:
    """The child: read the file, look at it, send ("progress", fraction)… then ("plan", plan)."""
    from desktop_app.core.dataset.records import Dataset

    try:
        path = Path(conn.recv())
        sent = [-1.0]

        def report(fraction: float) -> None:
            if fraction - sent[0] >= 0.01 or fraction >= 1.0:
                sent[0] = fraction
                conn.send(("progress", fraction))

        plan = plan_for(Dataset.open(path), progress=report)
        conn.send(("plan", light(plan)))
    except (EOFError, BrokenPipeError):  # the window stopped waiting
        return
    except Exception as exc:  # noqa: BLE001 - sent back as a plain sentence, never lost
        with contextlib.suppress(OSError):
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))


def light(plan: OpenPlan) -> OpenPlan:
    """The plan without the file's records when there is nothing to offer (they are needed
    only to repair or bring in, and are the bulk of what would cross back)."""
    if plan.worth_offering:
        return plan
    return replace(plan, records=[], repair=replace(plan.repair, records=[]))
