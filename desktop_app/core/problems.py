"""What a check reports: a `Problem`, pointed at a line, a message and a field, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the provider would reject the file, or the example cannot train
    WARNING = "warning"  # it will train, but probably not the way the writer wants
    INFO = "info"  # worth knowing


@dataclass(frozen=True, slots=True)
class Fix:
    """A fix the core can apply by itself (see desktop_app.core.checks.fixes)."""

    code: str  # stable id, e.g. "remove_empty_message"
    label: str  # button text, e.g. "Remove the empty message"
    args: tuple[str, ...] = ()  # what the fix needs besides the place, e.g. (phrase, instead)


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of one check.

    `line` is 1-based and equals the record's index + 1 (every physical line of the file is a
    record, blank and broken ones included), or None for a finding about the whole dataset.
    """

    code: str
    severity: Severity
    message: str
    line: int | None = None
    message_index: int | None = None
    field: str | None = None
    fix: Fix | None = None
    hint: str = ""  # a longer explanation, shown as a tooltip

    @property
    def record_index(self) -> int | None:
        return None if self.line is None else self.line - 1

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "line": self.line,
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
        }
        if self.message_index is not None:
            out["message_index"] = self.message_index
        if self.field is not None:
            out["field"] = self.field
        if self.fix is not None:
            out["fix"] = {"code": self.fix.code, "label": self.fix.label}
            if self.fix.args:
                out["fix"]["args"] = list(self.fix.args)  # type: ignore[index]
        if self.hint:
            out["hint"] = self.hint
        return out
