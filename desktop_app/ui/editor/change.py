"""A requested edit of the shown example: how to compute the new value, and its undo text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.dataset.edits import Path


@dataclass(frozen=True, slots=True)
class Change:
    apply: Callable[
        [Any], Any
    ]  # old value -> new value (pure, from desktop_app.core.dataset.edits)
    text: str  # what Edit ▸ Undo says
    merge_key: str | None = None  # same key in a row = one undo step (typing)
    focus: Path | None = None  # the message to focus once the change is shown


def ref_key(ref: Path) -> str:
    return ".".join(str(step) for step in ref)
