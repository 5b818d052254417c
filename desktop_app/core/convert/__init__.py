"""Turning spreadsheets, legacy prompt/completion files and plain-text scripts into chat examples, and back.

Every import returns a `Conversion(values, notes)`: the chat examples, and plain sentences about
everything that was left out or changed (empty replies, unused columns, removed separators...),
so nothing disappears without the writer being told.

Row numbers in notes are spreadsheet rows (the header is row 1); line numbers are file lines.
"""

from __future__ import annotations

import os
from pathlib import Path

from desktop_app.core.convert.export import CSV_COLUMNS, chat_to_rows, write_csv, write_jsonl
from desktop_app.core.convert.legacy import legacy_to_chat
from desktop_app.core.convert.notes import (
    Conversion,
    ConversionError,
    Notes,
    decode_text,
    read_bytes,
)
from desktop_app.core.convert.scripts import script_to_chat
from desktop_app.core.convert.tables import (
    PROMPT_NAMES,
    RESPONSE_NAMES,
    SYSTEM_NAMES,
    Table,
    csv_to_chat,
    read_csv_table,
    read_xlsx_table,
    table_to_chat,
    xlsx_to_chat,
)
from desktop_app.core.dataset import Dataset

TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
IMPORT_SUFFIXES = (*TABLE_SUFFIXES, ".txt", ".jsonl")

__all__ = [
    "CSV_COLUMNS",
    "IMPORT_SUFFIXES",
    "PROMPT_NAMES",
    "RESPONSE_NAMES",
    "SYSTEM_NAMES",
    "TABLE_SUFFIXES",
    "Conversion",
    "ConversionError",
    "Table",
    "chat_to_rows",
    "csv_to_chat",
    "decode_text",
    "import_file",
    "legacy_to_chat",
    "read_csv_table",
    "read_xlsx_table",
    "script_to_chat",
    "table_to_chat",
    "write_csv",
    "write_jsonl",
    "xlsx_to_chat",
]


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
        notes = Notes()
        text = decode_text(read_bytes(path), notes)
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
