"""`ftstudio split FILE --validation-fraction F [--seed N] [--out-dir D]`: training/validation files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop_app.cli.output import EXIT_OK, check_can_write, open_dataset, print_note
from desktop_app.core.dataset.split import DEFAULT_SEED, split_indexes, split_paths, write_split


def fraction(text: str) -> float:
    """0.1, or 10%, as a share between 0 and 1."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a share; write it like 0.1 or 10%"
        ) from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"“{text}” is not between 0 and 1; write it like 0.1 or 10%"
        )
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "split",
        help="split a dataset into training and validation files",
        description=(
            "Split a JSONL dataset into <name>_train.jsonl and <name>_validation.jsonl. The split "
            "is the same every time for the same file, share and seed, and identical examples "
            "always land on the same side. Blank and broken lines go into neither file."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the .jsonl dataset")
    parser.add_argument(
        "--validation-fraction",
        required=True,
        type=fraction,
        metavar="F",
        help="share of examples for validation, e.g. 0.1 or 10%%",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar="N",
        help=f"a number; another seed gives another split (default: {DEFAULT_SEED})",
    )
    parser.add_argument("--out-dir", type=Path, metavar="D", help="folder for the two files")
    parser.add_argument("--force", action="store_true", help="replace output files that exist")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    source = Path(args.file)
    dataset = open_dataset(source)
    result = split_indexes(dataset, args.validation_fraction, args.seed)
    if args.out_dir is not None:
        args.out_dir.mkdir(parents=True, exist_ok=True)
    train_path, validation_path = split_paths(source, args.out_dir)
    for path in (train_path, validation_path):
        check_can_write(path, force=args.force, inputs=(source,))
    write_split(dataset, result, train_path, validation_path)
    print(f"Training:   {train_path} ({_examples(len(result.train))})")
    print(f"Validation: {validation_path} ({_examples(len(result.validation))})")
    if result.skipped:
        print_note(
            f"Left out of both files, because blank or not examples: {_lines(result.skipped)}."
        )
    return EXIT_OK


def _examples(n: int) -> str:
    return f"{n:,} example" + ("" if n == 1 else "s")


def _lines(indexes: list[int]) -> str:
    numbers = [str(i + 1) for i in indexes[:10]]
    if len(indexes) == 1:
        return f"line {numbers[0]}"
    if len(indexes) > 10:
        return f"lines {', '.join(numbers)}, … ({len(indexes)} in all)"
    return f"lines {', '.join(numbers[:-1])} and {numbers[-1]}"
