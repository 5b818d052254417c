"""Fault injection for the practice server: make chosen requests fail the way real services do.

A `Fault` matches requests by method and a regular expression on the path (after the /v1
prefix), skips the first `skip` matches and then affects the next `times` ones (0 = all):

- ``status``: answer with `status` (429, 500, 503, …) and OpenAI's error body, with a
  `retry-after` header when `retry_after` is set;
- ``slow``: wait `delay` seconds before answering normally (or, with `release`, until that
  event is set: tests decide when the answer comes, instead of guessing a time);
- ``drop``: close the connection without answering, before doing anything;
- ``drop_after``: do the work (create the job, store the file), then close without answering;
- ``malformed``: answer 200 with a body that is not valid JSON.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

KINDS = ("status", "slow", "drop", "drop_after", "malformed")


@dataclass
class Fault:
    kind: str
    path: str = ""  # regex searched in the path after the prefix, e.g. r"^/fine_tuning/jobs$"
    method: str = "*"
    times: int = 1
    skip: int = 0
    status: int = 500
    retry_after: float | None = None
    delay: float = 0.0
    release: threading.Event | None = None
    seen: int = field(default=0, init=False)
    used: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {', '.join(KINDS)}")
        self._pattern = re.compile(self.path)

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and self._pattern.search(path) is not None

    @property
    def exhausted(self) -> bool:
        return self.times > 0 and self.used >= self.times


class FaultPlan:
    """The faults of one server; thread-safe."""

    def __init__(self, faults: list[Fault] | tuple[Fault, ...] = ()) -> None:
        self._lock = threading.Lock()
        self._faults = list(faults)

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The fault that applies to this request, counting it as used; None for most requests."""
        with self._lock:
            for fault in self._faults:
                if fault.exhausted or not fault.matches(method, path):
                    continue
                fault.seen += 1
                if fault.seen <= fault.skip:
                    continue
                fault.used += 1
                return fault
        return None
