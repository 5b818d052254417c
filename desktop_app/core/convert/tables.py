"""Spreadsheets (CSV, TSV, XLSX) into chat examples: one row, one example, with the columns
for the prompt, the reply and an optional system message named or guessed from the header.

Row numbers in notes are spreadsheet rows (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from desktop_app.core.convert.notes import (
    Conversion,
    ConversionError,
    Notes,
    chat_example,
    decode_text,
    plural,
    read_bytes,
)
from desktop_app.core.errors import DatasetOpenError

PROMPT_NAMES = ("prompt", "user", "question", "input", "instruction", "query")
RESPONSE_NAMES = ("response", "assistant", "answer", "output", "completion", "reply")
SYSTEM_NAMES = ("system", "system prompt", "system_prompt")


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells)
    notes: Notes


def read_csv_table(path: Path, delimiter: str | None = None) -> Table:
    notes = Notes()
    text = decode_text(read_bytes(Path(path)), notes)
    if delimiter is None:
        delimiter = "\t" if Path(path).suffix.lower() == ".tsv" else _guess_delimiter(text, notes)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise ConversionError(
            f"“{Path(path).name}” could not be read as a table ({exc}).",
            "Open it in a spreadsheet program, save it again as CSV, and retry.",
        ) from exc
    return _table(records, notes, Path(path).name)


def _guess_delimiter(text: str, notes: Notes) -> str:
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    if counts[best] == 0 or best == ",":
        return ","
    notes.add("The columns are separated by " + ("semicolons." if best == ";" else "tabs."))
    return best


def read_xlsx_table(path: Path) -> Table:
    """The first sheet of an .xlsx workbook; numbers and dates become text."""
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    read_bytes(path)  # the same clear errors as other files for missing or unreadable paths
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DatasetOpenError(
            f"“{path.name}” could not be read as an Excel workbook (.xlsx).",
            "Open it in your spreadsheet program and save it again as .xlsx or .csv.",
            technical=f"{type(exc).__name__}: {exc}",
        ) from exc
    notes = Notes()
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise ConversionError(
                f"“{path.name}” has no sheets.", "Add a sheet with your examples."
            )
        if len(sheets) > 1:
            notes.add(
                f"The workbook has {len(sheets)} sheets; only the first, “{sheets[0].title}”, was read."
            )
        converted = 0
        records: list[list[str]] = []
        for row in sheets[0].iter_rows(values_only=True):
            cells = []
            for value in row:
                text, changed = _cell_text(value)
                converted += changed
                cells.append(text)
            records.append(cells)
    finally:
        workbook.close()
    if converted:
        notes.add(
            f"{plural(converted, 'cell')} held numbers, dates or true/false values, written here as text."
        )
    return _table(records, notes, path.name)


def _cell_text(value: Any) -> tuple[str, bool]:
    if value is None:
        return "", False
    if isinstance(value, str):
        return value, False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), True
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), True
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == time() else value.isoformat(" ")), True
    if isinstance(value, date | time):
        return value.isoformat(), True
    return str(value), True


def _table(records: list[list[str]], notes: Notes, name: str) -> Table:
    numbered = [(number, cells) for number, cells in enumerate(records, start=1)]
    while numbered and not any(cell.strip() for cell in numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        raise ConversionError(
            f"“{name}” is empty.", "Add a header row and some examples, then retry."
        )
    header_number, header = numbered[0]
    if header_number > 1:
        notes.add(
            f"The first {header_number - 1} rows were empty; row {header_number} was used as the header."
        )
    return Table([cell.strip() for cell in header], numbered[1:], notes)


def table_to_chat(
    table: Table,
    prompt_column: str | None = None,
    response_column: str | None = None,
    system: str | None = None,
    system_column: str | None = None,
) -> Conversion:
    """One chat example per row: [system], user = prompt cell, assistant = response cell.

    A system column (named with `system_column`, or found by its name "system") gives each row
    its own system message; `system` is used for rows without one.
    """
    notes = table.notes.copy()  # the table can be converted again with other columns
    header = table.header
    prompt = _pick_column(header, prompt_column, PROMPT_NAMES, "prompt", exclude=())
    response = _pick_column(header, response_column, RESPONSE_NAMES, "response", exclude=(prompt,))
    if prompt is None or response is None:
        prompt, response = _complete_columns(header, prompt, response)
    if prompt == response:
        raise ConversionError(
            f"The column “{header[prompt]}” cannot hold both the user's messages and the replies.",
            "Pick two different columns.",
        )
    system_index = _find_system_column(header, system_column, exclude=(prompt, response))
    notes.add(
        f"Used the column “{header[prompt]}” for the user's messages and “{header[response]}” for the replies."
    )
    if system_index is not None:
        notes.add(f"Used the column “{header[system_index]}” for the system messages.")
    unused = [
        name or f"column {i + 1}"
        for i, name in enumerate(header)
        if i not in (prompt, response, system_index)
    ]
    if unused:
        notes.add("These columns were not used: " + ", ".join(f"“{name}”" for name in unused) + ".")
    values: list[dict[str, Any]] = []
    blank = trimmed = 0
    for number, cells in table.rows:
        if not any(cell.strip() for cell in cells):
            blank += 1
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            notes.at(
                "{where} {has} more cells than there are column names; the extra cells were not used.",
                number,
            )

        def cell(index: int | None, cells: list[str] = cells) -> str:
            return cells[index] if index is not None and index < len(cells) else ""

        raw = (cell(prompt), cell(response), cell(system_index))
        user_text, reply_text, system_text = (text.strip() for text in raw)
        trimmed += sum(
            1
            for before, after in zip(raw, (user_text, reply_text, system_text), strict=True)
            if before != after
        )
        if not reply_text:
            notes.at("{where} {has} an empty reply, so {it} {was} skipped.", number)
            continue
        if not user_text:
            notes.at("{where} {has} an empty user message, so {it} {was} skipped.", number)
            continue
        values.append(chat_example(system_text or (system or ""), user_text, reply_text))
    if blank:
        notes.add(f"Skipped {plural(blank, 'empty row')}.")
    if trimmed:
        notes.add(f"Removed spaces or line breaks around the text of {plural(trimmed, 'cell')}.")
    return Conversion(values, notes.render("row"))


def _pick_column(
    header: list[str],
    wanted: str | None,
    guesses: Sequence[str],
    what: str,
    exclude: Iterable[int | None],
) -> int | None:
    lowered = [name.strip().lower() for name in header]
    if wanted is not None:
        key = wanted.strip().lower()
        if key in lowered:
            return lowered.index(key)
        raise ConversionError(
            f"There is no column named “{wanted}” for the {what}. The columns are: {_names(header)}.",
            f"Pick one of those columns for the {what}.",
        )
    taken = set(exclude)
    for guess in guesses:
        if guess in lowered and lowered.index(guess) not in taken:
            return lowered.index(guess)
    return None


def _complete_columns(
    header: list[str], prompt: int | None, response: int | None
) -> tuple[int, int]:
    """Fill in a column that was not named or guessed when only one candidate is left."""
    free = [
        i
        for i, name in enumerate(header)
        if i not in (prompt, response) and name.strip() and name.strip().lower() not in SYSTEM_NAMES
    ]
    if prompt is None and response is None and len(free) == 2:
        return free[0], free[1]
    if prompt is None and response is not None and len(free) == 1:
        return free[0], response
    if response is None and prompt is not None and len(free) == 1:
        return prompt, free[0]
    missing = "prompt" if prompt is None else "response"
    raise ConversionError(
        f"It is not clear which column holds the {missing}. The columns are: {_names(header)}.",
        "Name the prompt and response columns (in ftstudio: --prompt-column and --response-column).",
    )


def _find_system_column(
    header: list[str], wanted: str | None, exclude: Iterable[int | None]
) -> int | None:
    if wanted is not None:
        return _pick_column(header, wanted, (), "system message", exclude=())
    return _pick_column(header, None, SYSTEM_NAMES, "system message", exclude=exclude)


def _names(header: Sequence[str]) -> str:
    return ", ".join(f"“{name}”" for name in header if name) or "(none)"


def csv_to_chat(
    path: Path,
    prompt_column: str | None = None,
    response_column: str | None = None,
    system: str | None = None,
) -> Conversion:
    return table_to_chat(read_csv_table(Path(path)), prompt_column, response_column, system)


def xlsx_to_chat(
    path: Path,
    prompt_column: str | None = None,
    response_column: str | None = None,
    system: str | None = None,
) -> Conversion:
    return table_to_chat(read_xlsx_table(Path(path)), prompt_column, response_column, system)
