"""What every conversion shares: its result, its notes to the writer, and reading the input."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from desktop_app.core.errors import DatasetOpenError, UserFacingError

MAX_LISTED = 10


class ConversionError(UserFacingError):
    """The input can be read but cannot be converted as asked."""


class Conversion(NamedTuple):
    values: list[dict[str, Any]]
    notes: list[str]


@dataclass
class Notes:
    """Collects row/line numbers per reason and renders one sentence per reason."""

    lines: list[str] = field(default_factory=list)
    grouped: dict[str, list[int]] = field(default_factory=dict)

    def add(self, text: str) -> None:
        self.lines.append(text)

    def at(self, template: str, number: int) -> None:
        """Remember `number` under a template; {where}, {it}, {was}, {has} agree with the count."""
        numbers = self.grouped.setdefault(template, [])
        if not numbers or numbers[-1] != number:
            numbers.append(number)

    def copy(self) -> Notes:
        return Notes(list(self.lines), {k: list(v) for k, v in self.grouped.items()})

    def render(self, unit: str) -> list[str]:
        rendered = list(self.lines)
        for template, numbers in self.grouped.items():
            one = len(numbers) == 1
            text = template.format(
                where=numbers_phrase(unit, numbers),
                it="it" if one else "they",
                was="was" if one else "were",
                has="has" if one else "have",
            )
            rendered.append(text[0].upper() + text[1:])
        return rendered


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def numbers_phrase(unit: str, numbers: Sequence[int]) -> str:
    """“row 5”, “rows 3, 5 and 9”, or “rows 3, 5, 9, … (23 in all)”."""
    if len(numbers) == 1:
        return f"{unit} {numbers[0]}"
    shown = [str(n) for n in numbers[:MAX_LISTED]]
    if len(numbers) > MAX_LISTED:
        return f"{unit}s {', '.join(shown)}, … ({len(numbers)} in all)"
    return f"{unit}s {', '.join(shown[:-1])} and {shown[-1]}"


# ---- reading files ------------------------------------------------------------------------------
def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise DatasetOpenError(
            f"“{path.name}” could not be found.", "Check the file name and folder, and try again."
        ) from exc
    except IsADirectoryError as exc:
        raise DatasetOpenError(
            f"“{path.name}” is a folder, not a file.", "Pick the file inside it instead."
        ) from exc
    except PermissionError as exc:
        raise DatasetOpenError(
            f"“{path.name}” could not be opened because you do not have permission to read it.",
            "Ask the file's owner for access, or copy it somewhere you can read it.",
        ) from exc
    except OSError as exc:
        raise DatasetOpenError(
            f"“{path.name}” could not be read ({exc.strerror or 'the system refused'}).",
            "Check the file and try again.",
        ) from exc


def decode_text(data: bytes, notes: Notes) -> str:
    """UTF-8 (with or without BOM); otherwise Windows Western European text, with a note."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.add(
            "The file is not UTF-8 text, so it was read as Windows Western European text "
            "(cp1252). Check that accented letters came out right."
        )
        return data.decode("cp1252", errors="replace")


def chat_example(system: str, user: str, reply: str) -> dict[str, Any]:
    messages = [{"role": "system", "content": system}] if system.strip() else []
    messages += [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    return {"messages": messages}
