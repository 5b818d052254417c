"""`ftstudio convert IN OUT`: spreadsheets, scripts and JSON/JSONL files of other shapes (Alpaca,
ShareGPT, chosen/rejected, prompt/completion...) to chat JSONL, and chat JSONL to CSV."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop_app.cli.output import EXIT_OK, check_can_write, open_dataset
from desktop_app.core.convert import (
    IMPORT_SUFFIXES,
    JSON_SUFFIXES,
    SHAPE_NAMES,
    ConversionError,
    Mapping,
    chat_to_rows,
    detect,
    import_file,
    import_json,
    read_json_source,
    write_csv,
    write_jsonl,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "convert",
        help="convert CSV/TSV/XLSX/TXT or JSON/JSONL of other shapes to chat JSONL, or chat JSONL to CSV",
        description=(
            "Convert IN to OUT, choosing the formats from the file extensions: "
            ".csv, .tsv, .xlsx (a header row, one example per row) and .txt (User:/Assistant:/"
            "System: turns) become chat .jsonl; a .json or .jsonl file in another shape (Alpaca, "
            "ShareGPT, chosen/rejected pairs, prompt/completion, question/answer...) becomes chat "
            "or preference .jsonl; a chat .jsonl becomes a .csv with the columns system, user and "
            "assistant."
        ),
    )
    parser.add_argument("input", metavar="IN", help="the file to convert")
    parser.add_argument("output", metavar="OUT", help="the file to write (.jsonl or .csv)")
    parser.add_argument("--prompt-column", metavar="C", help="column with the user's messages")
    parser.add_argument("--response-column", metavar="C", help="column with the replies")
    parser.add_argument("--system", metavar="S", help="system message to add to every example")
    parser.add_argument(
        "--shape",
        choices=sorted(SHAPE_NAMES),
        help="read a .json/.jsonl file as this shape instead of the one recognised",
    )
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    source, target = Path(args.input), Path(args.output)
    out_suffix = target.suffix.lower()
    if out_suffix == ".csv":
        if source.suffix.lower() != ".jsonl":
            raise ConversionError(
                "Only a chat .jsonl file can be converted to .csv.",
                "Give a .jsonl file as IN, or write OUT as .jsonl.",
            )
        dataset = open_dataset(source)
        rows, notes = chat_to_rows(dataset)
        check_can_write(target, force=args.force, inputs=(source,))
        write_csv(rows, target)
        _report(len(rows), "rows", target, notes)
        return EXIT_OK
    if out_suffix != ".jsonl":
        raise ConversionError(
            f"ftstudio cannot write “{target.name}”: the output must end in .jsonl or .csv.",
            "Name the output file like “examples.jsonl” or “examples.csv”.",
        )
    if source.suffix.lower() not in IMPORT_SUFFIXES and source.suffix.lower() != ".xls":
        raise ConversionError(
            f"Files like “{source.name}” cannot be converted.",
            "Use a .csv, .tsv, .xlsx or .txt file, or a .json or .jsonl file of examples.",
        )
    if source.suffix.lower() in JSON_SUFFIXES:
        values, notes = _import_json(source, args)
    else:
        values, notes = import_file(source, args.prompt_column, args.response_column, args.system)
    if not values:
        raise ConversionError(
            f"No examples could be made from “{source.name}”.",
            " ".join(notes) or "Check that the file holds prompts and replies.",
        )
    check_can_write(target, force=args.force, inputs=(source,))
    write_jsonl(values, target)
    _report(len(values), "examples", target, notes)
    return EXIT_OK


def _import_json(source: Path, args: argparse.Namespace) -> tuple[list[Any], list[str]]:
    from desktop_app.cli.repair_cmd import progress_bar

    with progress_bar(quiet=args.quiet, what="Reading") as progress:
        read = read_json_source(source, progress=progress)
    mapping = detect(read.values)
    if args.shape or args.prompt_column or args.response_column:
        mapping = Mapping(
            args.shape or "pairs",
            prompt=args.prompt_column or (mapping.prompt if mapping else None),
            reply=args.response_column or (mapping.reply if mapping else None),
        )
    values, notes = import_json(source, args.system, mapping, read)
    if mapping is None:
        mapping = detect(read.values)
    if mapping is not None:
        print(f"Recognised: {mapping.describe(len(read.values))}.")
    return values, notes


def _report(count: int, unit: str, target: Path, notes: list[str]) -> None:
    print(f"Wrote {count:,} {unit if count != 1 else unit[:-1]} to {target}.")
    for note in notes:
        print(f"  - {note}")
