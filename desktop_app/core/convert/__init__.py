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
from desktop_app.core.convert.jsonfiles import JsonSource, import_json, read_json_source
from desktop_app.core.convert.legacy import legacy_to_chat
from desktop_app.core.convert.notes import (
    Conversion,
    ConversionError,
    Notes,
    decode_text,
    read_bytes,
)
from desktop_app.core.convert.scripts import script_to_chat
from desktop_app.core.convert.shapes import (
    PAIRS,
    SHAPE_NAMES,
    Mapping,
    convert_values,
    detect,
    fields_of,
    with_fields,
)
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

TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
JSON_SUFFIXES = (".jsonl", ".json")
IMPORT_SUFFIXES = (*TABLE_SUFFIXES, ".txt", *JSON_SUFFIXES)

__all__ = [
    "CSV_COLUMNS",
    "IMPORT_SUFFIXES",
    "JSON_SUFFIXES",
    "PAIRS",
    "PROMPT_NAMES",
    "RESPONSE_NAMES",
    "SHAPE_NAMES",
    "SYSTEM_NAMES",
    "TABLE_SUFFIXES",
    "Conversion",
    "ConversionError",
    "JsonSource",
    "Mapping",
    "Table",
    "chat_to_rows",
    "convert_values",
    "csv_to_chat",
    "decode_text",
    "detect",
    "fields_of",
    "import_file",
    "import_json",
    "legacy_to_chat",
    "read_csv_table",
    "read_json_source",
    "read_xlsx_table",
    "script_to_chat",
    "table_to_chat",
    "with_fields",
    "write_csv",
    "write_jsonl",
    "xlsx_to_chat",
]


def import_file(
    path: str | os.PathLike[str],
    prompt_column: str | None = None,
    response_column: str | None = None,
    system: str | None = None,
    mapping: Mapping | None = None,
) -> Conversion:
    """Chat examples from a .csv, .tsv, .xlsx, .txt file, or a .json/.jsonl file of any known shape."""
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
    if suffix in JSON_SUFFIXES:
        if mapping is None and prompt_column and response_column:
            mapping = Mapping(PAIRS, prompt=prompt_column, reply=response_column)
        return import_json(path, system, mapping)
    if suffix == ".xls":
        raise ConversionError(
            f"“{path.name}” is in the old Excel format (.xls), which cannot be read.",
            "Open it in your spreadsheet program and save it as .xlsx or .csv.",
        )
    raise ConversionError(
        f"Files like “{path.name}” cannot be converted.",
        "Use a .csv, .tsv, .xlsx or .txt file, or a .json or .jsonl file of examples.",
    )
