"""Turning spreadsheets, legacy prompt/completion files and plain-text scripts into chat examples, and back.

Every import returns a `Conversion(values, notes)`: the chat examples, and plain sentences about
everything that was left out or changed (empty replies, unused columns, removed separators...),
so nothing disappears without the writer being told.

Row numbers in notes are spreadsheet rows (the header is row 1); line numbers are file lines.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NamedTuple

from desktop_app.core.atomic import write_atomic
from desktop_app.core.dataset import Dataset
from desktop_app.core.errors import DatasetOpenError, UserFacingError
from desktop_app.core.jsonline import RecordKind

PROMPT_NAMES = ("prompt", "user", "question", "input", "instruction", "query")
RESPONSE_NAMES = ("response", "assistant", "answer", "output", "completion", "reply")
SYSTEM_NAMES = ("system", "system prompt", "system_prompt")
CSV_COLUMNS = ("system", "user", "assistant")
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
IMPORT_SUFFIXES = (*TABLE_SUFFIXES, ".txt", ".jsonl")
_MAX_LISTED = 10


class ConversionError(UserFacingError):
    """The input can be read but cannot be converted as asked."""


class Conversion(NamedTuple):
    values: list[dict[str, Any]]
    notes: list[str]


@dataclass
class _Notes:
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

    def copy(self) -> _Notes:
        return _Notes(list(self.lines), {k: list(v) for k, v in self.grouped.items()})

    def render(self, unit: str) -> list[str]:
        rendered = list(self.lines)
        for template, numbers in self.grouped.items():
            one = len(numbers) == 1
            text = template.format(
                where=_numbers_phrase(unit, numbers),
                it="it" if one else "they",
                was="was" if one else "were",
                has="has" if one else "have",
            )
            rendered.append(text[0].upper() + text[1:])
        return rendered


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _numbers_phrase(unit: str, numbers: Sequence[int]) -> str:
    """“row 5”, “rows 3, 5 and 9”, or “rows 3, 5, 9, … (23 in all)”."""
    if len(numbers) == 1:
        return f"{unit} {numbers[0]}"
    shown = [str(n) for n in numbers[:_MAX_LISTED]]
    if len(numbers) > _MAX_LISTED:
        return f"{unit}s {', '.join(shown)}, … ({len(numbers)} in all)"
    return f"{unit}s {', '.join(shown[:-1])} and {shown[-1]}"


# ---- reading files ------------------------------------------------------------------------------
def _read_bytes(path: Path) -> bytes:
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


def decode_text(data: bytes, notes: _Notes) -> str:
    """UTF-8 (with or without BOM); otherwise Windows Western European text, with a note."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.add(
            "The file is not UTF-8 text, so it was read as Windows Western European text "
            "(cp1252). Check that accented letters came out right."
        )
        return data.decode("cp1252", errors="replace")


# ---- tables (CSV, TSV, XLSX) --------------------------------------------------------------------
@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells)
    notes: _Notes


def read_csv_table(path: Path, delimiter: str | None = None) -> Table:
    notes = _Notes()
    text = decode_text(_read_bytes(Path(path)), notes)
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


def _guess_delimiter(text: str, notes: _Notes) -> str:
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
    _read_bytes(path)  # the same clear errors as other files for missing or unreadable paths
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DatasetOpenError(
            f"“{path.name}” could not be read as an Excel workbook (.xlsx).",
            "Open it in your spreadsheet program and save it again as .xlsx or .csv.",
            technical=f"{type(exc).__name__}: {exc}",
        ) from exc
    notes = _Notes()
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
            f"{_plural(converted, 'cell')} held numbers, dates or true/false values, written here as text."
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


def _table(records: list[list[str]], notes: _Notes, name: str) -> Table:
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
        values.append(_chat(system_text or (system or ""), user_text, reply_text))
    if blank:
        notes.add(f"Skipped {_plural(blank, 'empty row')}.")
    if trimmed:
        notes.add(f"Removed spaces or line breaks around the text of {_plural(trimmed, 'cell')}.")
    return Conversion(values, notes.render("row"))


def _chat(system: str, user: str, reply: str) -> dict[str, Any]:
    messages = [{"role": "system", "content": system}] if system.strip() else []
    messages += [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    return {"messages": messages}


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


# ---- legacy prompt/completion JSONL -------------------------------------------------------------
# Separators the old completions API recommended: the prompt ended with "\n\n###\n\n" or " ->",
# the completion began with a space and ended with a stop sequence such as "\n", "###" or " END".
PROMPT_MARKERS = ("###", "->")
COMPLETION_MARKERS = ("###", "END")


def legacy_to_chat(dataset: Dataset, system: str | None = None) -> Conversion:
    """Chat examples from prompt/completion lines; chat lines already there are kept as they are.

    A separator is removed only when every prompt (or every completion) ends with it, so a
    marker that is part of the text of a few examples stays.
    """
    notes = _Notes()
    pairs: list[tuple[int, str, str]] = []
    kept: list[tuple[int, dict[str, Any]]] = []
    blank = 0
    for index, record in enumerate(dataset):
        line = index + 1
        parsed = record.parse()
        if parsed.kind is RecordKind.BLANK:
            blank += 1
        elif parsed.kind is RecordKind.BROKEN:
            notes.at("{where} {was} not valid JSON, so {it} {was} not converted.", line)
        elif parsed.kind in (RecordKind.CHAT, RecordKind.PREFERENCE):
            kept.append((line, parsed.value))
        else:
            pair = _legacy_pair(parsed.value, line, notes)
            if pair is not None:
                pairs.append((line, *pair))
    if not pairs:
        raise ConversionError(
            "This file has no prompt/completion examples to convert.",
            "It may already be in chat format; open it in Finetune Studio or run ftstudio validate.",
        )
    prompts = _strip_common_marker(
        [p for _, p, _ in pairs], PROMPT_MARKERS, "prompt", notes, leading=False
    )
    completions = _strip_common_marker(
        [c for _, _, c in pairs], COMPLETION_MARKERS, "completion", notes, leading=True
    )
    converted: list[tuple[int, dict[str, Any]]] = []
    for (line, _, _), user, reply in zip(pairs, prompts, completions, strict=True):
        if not reply:
            notes.at("{where} {has} an empty completion, so {it} {was} skipped.", line)
        elif not user:
            notes.at("{where} {has} an empty prompt, so {it} {was} skipped.", line)
        else:
            converted.append((line, _chat(system or "", user, reply)))
    if kept:
        notes.add(
            f"{_plural(len(kept), 'line')} already held chat or preference examples; "
            "they were kept as they are."
        )
    if blank:
        notes.add(f"Skipped {_plural(blank, 'blank line')}.")
    ordered = sorted(converted + kept, key=lambda item: item[0])
    return Conversion([value for _, value in ordered], notes.render("line"))


def _legacy_pair(value: dict[str, Any], line: int, notes: _Notes) -> tuple[str, str] | None:
    if "prompt" not in value or "completion" not in value:
        notes.at(
            "{where} {has} neither a prompt and completion nor chat messages, so {it} {was} not converted.",
            line,
        )
        return None
    prompt, completion = value["prompt"], value["completion"]
    if not isinstance(prompt, str) or not isinstance(completion, str):
        notes.at(
            "{where} {has} a prompt or completion that is not text, so {it} {was} not converted.",
            line,
        )
        return None
    extra = sorted(key for key in value if key not in ("prompt", "completion"))
    if extra:
        notes.at(
            "{where} {has} other fields ("
            + ", ".join(extra)
            + "), which chat examples cannot hold; they were left out.",
            line,
        )
    return prompt, completion


def _strip_common_marker(
    texts: list[str], markers: Sequence[str], what: str, notes: _Notes, *, leading: bool
) -> list[str]:
    cleaned = [text.strip() if leading else text.rstrip() for text in texts]
    spaces = sum(1 for before, after in zip(texts, cleaned, strict=True) if before != after)
    for marker in markers:
        ending = [_ends_with_marker(text, marker) for text in cleaned]
        if all(ending):
            cleaned = [text[: -len(marker)].rstrip() for text in cleaned]
            notes.add(
                f"Removed the separator “{marker}” from the end of every {what} ({len(texts)})."
            )
        elif any(ending):
            notes.add(f"Some {what}s end with “{marker}” but not all, so it was left in place.")
    if spaces:
        where = "start or end" if leading else "end"
        notes.add(f"Removed spaces or line breaks at the {where} of {_plural(spaces, what)}.")
    return cleaned


def _ends_with_marker(text: str, marker: str) -> bool:
    if not text.endswith(marker):
        return False
    if marker.isalpha():  # a word such as END must stand on its own ("THE END", not "ATTEND")
        before = text[: -len(marker)]
        return not before or before[-1].isspace()
    return True


# ---- plain-text scripts -------------------------------------------------------------------------
_TURN = re.compile(r"^\s*(system|user|assistant)\s*:[ \t]?(.*)$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*-{3,}\s*$")


def script_to_chat(text: str, system: str | None = None) -> Conversion:
    """Examples from a script of "System:", "User:" and "Assistant:" turns.

    Examples are separated by lines of "---". In a file without such lines, a blank line followed
    by a User: or System: turn starts a new example once the current one has a reply. Lines that
    follow a turn belong to it (blank lines inside are kept as paragraph breaks).
    """
    notes = _Notes()
    lines = text.splitlines()
    dashed = any(_SEPARATOR.match(line) for line in lines)
    examples: list[list[list[Any]]] = []  # example → turns → [role, first line, text lines]
    current: list[list[Any]] = []
    blank_before = False
    for number, line in enumerate(lines, start=1):
        match = _TURN.match(line)
        if dashed and _SEPARATOR.match(line):
            examples.append(current)
            current = []
        elif match:
            role = match.group(1).lower()
            has_reply = any(turn[0] == "assistant" for turn in current)
            if (
                has_reply
                and not dashed
                and role in ("user", "system")
                and (blank_before or role == "system")
            ):
                examples.append(current)
                current = []
            current.append([role, number, [match.group(2)]])
        elif not line.strip():
            if current:
                current[-1][2].append("")
        elif current:
            current[-1][2].append(line)
        else:
            notes.at(
                "{where} came before any “User:”, “Assistant:” or “System:” label, so {it} {was} left out.",
                number,
            )
        blank_before = not line.strip()
    examples.append(current)
    values = [
        v for v in (_script_example(turns, system, notes) for turns in examples if turns) if v
    ]
    if dashed:
        notes.add("Examples were separated by the “---” lines.")
    return Conversion(values, notes.render("line"))


def _script_example(
    turns: list[list[Any]], system: str | None, notes: _Notes
) -> dict[str, Any] | None:
    messages = [{"role": role, "content": "\n".join(body).strip()} for role, _, body in turns]
    first_line = turns[0][1]
    replies = [m for m in messages if m["role"] == "assistant"]
    if not replies:
        notes.at(
            "The example starting at {where} has no “Assistant:” reply, so it was skipped.",
            first_line,
        )
        return None
    if any(not m["content"] for m in replies):
        notes.at(
            "The example starting at {where} has an empty reply, so it was skipped.", first_line
        )
        return None
    if system and not any(m["role"] == "system" for m in messages):
        messages.insert(0, {"role": "system", "content": system})
    return {"messages": messages}


# ---- chat JSONL → CSV ---------------------------------------------------------------------------
def chat_to_rows(dataset: Dataset) -> Conversion:
    """Rows of (system, user, assistant) text, one per chat example.

    The reply is the example's last assistant message. Everything before it except the system
    messages becomes the user cell: the user's text alone for a single-turn example, or a
    transcript ("User: …", "Assistant: …" paragraphs) for a longer conversation.
    """
    notes = _Notes()
    rows: list[dict[str, Any]] = []
    preference = 0
    for index, record in enumerate(dataset):
        line = index + 1
        parsed = record.parse()
        if parsed.kind is RecordKind.CHAT:
            row = _chat_row(parsed.value, line, notes)
            if row is not None:
                rows.append(row)
        elif parsed.kind is RecordKind.PREFERENCE:
            preference += 1
            notes.at(
                "{where} {has} a preference pair, which a system/user/assistant table cannot hold, so {it} {was} left out.",
                line,
            )
        elif parsed.kind is RecordKind.BROKEN:
            notes.at("{where} {was} not valid JSON, so {it} {was} left out.", line)
        elif parsed.kind is RecordKind.OTHER:
            notes.at("{where} {was} not a chat example, so {it} {was} left out.", line)
    if not rows:
        raise ConversionError(
            "This file has no chat examples to write as a table.",
            "Preference pairs and prompt/completion lines cannot be exported to CSV."
            if preference
            else "Check that the file holds chat examples with “messages”.",
        )
    return Conversion(rows, notes.render("line"))


def _chat_row(value: dict[str, Any], line: int, notes: _Notes) -> dict[str, Any] | None:
    raw = value.get("messages")
    messages = [m for m in raw if isinstance(m, dict)] if isinstance(raw, list) else []
    last = max((i for i, m in enumerate(messages) if m.get("role") == "assistant"), default=None)
    if last is None:
        notes.at("{where} {has} no assistant reply, so {it} {was} left out.", line)
        return None
    if last < len(messages) - 1:
        notes.at("{where} {has} messages after the last reply; those messages were left out.", line)
    systems = [_text_of(m, line, notes) for m in messages[:last] if m.get("role") == "system"]
    turns = [m for m in messages[:last] if m.get("role") != "system"]
    if any(m.get("tool_calls") or m.get("function_call") for m in messages) or value.get("tools"):
        notes.at(
            "{where} {has} tool calls or tool definitions, which a table cannot hold; they were left out.",
            line,
        )
    if any("weight" in m for m in messages):
        notes.at(
            "{where} {has} reply weights, which a table cannot hold; they were left out.", line
        )
    if len(turns) == 1 and turns[0].get("role") == "user":
        user = _text_of(turns[0], line, notes)
    else:
        said = ((str(m.get("role", "")).capitalize(), _text_of(m, line, notes)) for m in turns)
        user = "\n\n".join(f"{role}: {text}" for role, text in said if text)
    return {
        "system": "\n\n".join(s for s in systems if s),
        "user": user,
        "assistant": _text_of(messages[last], line, notes),
    }


def _text_of(message: dict[str, Any], line: int, notes: _Notes) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [p.get("text") for p in content if isinstance(p, dict) and p.get("type") == "text"]
        if len(texts) != len(content):
            notes.at(
                "{where} {has} images or other parts that are not text; they were left out.", line
            )
        return "\n".join(t for t in texts if isinstance(t, str))
    if content is not None:
        notes.at("{where} {has} message content that is not text; it was left out.", line)
    return ""


def write_csv(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """Write system/user/assistant rows as CSV with a UTF-8 BOM (so Excel reads accents right)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(Path(path), [b"\xef\xbb\xbf", buffer.getvalue().encode("utf-8", "surrogatepass")])


def write_jsonl(values: Sequence[dict[str, Any]], path: Path) -> None:
    """Write chat examples as JSONL (one per line, UTF-8, LF), atomically."""
    Dataset.from_values(values).save(Path(path))


# ---- choosing by file type ----------------------------------------------------------------------
def import_file(
    path: str | os.PathLike[str],
    prompt_column: str | None = None,
    response_column: str | None = None,
    system: str | None = None,
) -> Conversion:
    """Chat examples from a .csv, .tsv, .xlsx, .txt or prompt/completion .jsonl file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return csv_to_chat(path, prompt_column, response_column, system)
    if suffix in (".xlsx", ".xlsm"):
        return xlsx_to_chat(path, prompt_column, response_column, system)
    if suffix == ".txt":
        notes = _Notes()
        text = decode_text(_read_bytes(path), notes)
        values, more = script_to_chat(text, system)
        return Conversion(values, notes.render("line") + more)
    if suffix == ".jsonl":
        return legacy_to_chat(Dataset.open(path), system)
    if suffix == ".xls":
        raise ConversionError(
            f"“{path.name}” is in the old Excel format (.xls), which cannot be read.",
            "Open it in your spreadsheet program and save it as .xlsx or .csv.",
        )
    raise ConversionError(
        f"Files like “{path.name}” cannot be converted.",
        "Use a .csv, .tsv, .xlsx or .txt file, or a prompt/completion .jsonl file.",
    )
