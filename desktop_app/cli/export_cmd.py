"""`ftstudio export FILE --target T --out DIR`: a ready-to-run folder for a local trainer or Vertex AI."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop_app.cli.output import EXIT_OK, open_dataset, print_note
from desktop_app.cli.progress import add_quiet_option
from desktop_app.cli.split_cmd import fraction
from desktop_app.core.exports import TARGETS, FolderNotEmptyError, export_project


def register(subparsers: Any) -> None:
    targets = "\n".join(f"  {t.name:<14} {t.summary}" for t in TARGETS.values())
    parser = subparsers.add_parser(
        "export",
        help="write a ready-to-run folder for a trainer on your computer or Google Vertex AI",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Write a folder that trains a model from a dataset on your own computer (or, with\n"
            "--target vertex, in your Google Cloud project): the data in the trainer's format, its\n"
            "settings, and a README with the exact commands, including how to try the result.\n"
            "Nothing is downloaded or sent now; the commands in the README do that.\n\n"
            f"Targets:\n{targets}"
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the .jsonl dataset")
    parser.add_argument(
        "--target", required=True, choices=list(TARGETS), help="the trainer to export for"
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="the folder to write (new or empty)"
    )
    validation = parser.add_mutually_exclusive_group()
    validation.add_argument(
        "--validation-file", type=Path, metavar="V", help="a separate .jsonl of validation examples"
    )
    validation.add_argument(
        "--validation-fraction",
        type=fraction,
        metavar="F",
        help="set this share of the examples aside for validation, e.g. 0.1 or 10%%",
    )
    parser.add_argument(
        "--base-model", metavar="M", help="the model to fine-tune (default: a small one per target)"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace an earlier export in the same folder"
    )
    add_quiet_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    dataset = open_dataset(args.file, quiet=args.quiet)
    validation = (
        open_dataset(args.validation_file, quiet=args.quiet) if args.validation_file else None
    )
    try:
        result = export_project(
            dataset,
            args.target,
            args.out,
            validation,
            args.base_model,
            validation_fraction=args.validation_fraction,
            overwrite=args.force,
        )
    except FolderNotEmptyError as error:
        step = "Pick an empty or new folder with --out"
        step += ", or add --force to replace the earlier export." if error.earlier_export else "."
        raise FolderNotEmptyError(
            error.message, step, earlier_export=error.earlier_export
        ) from None
    label = TARGETS[result.target].label
    valid = (
        f" and {_count(result.validation_examples)} for validation"
        if result.validation_examples
        else ""
    )
    print(f"Exported {_count(result.train_examples)} for training{valid} to {result.folder}/")
    for path in result.files:
        print(f"  {path.relative_to(result.folder).as_posix()}")
    if result.notes:
        print_note("What was changed on the way:")
        for note in result.notes:
            print_note(f"  - {note}")
    print(f"Next: open {result.readme} and follow its steps to train with {label}.")
    return EXIT_OK


def _count(n: int) -> str:
    return f"{n:,} example" + ("" if n == 1 else "s")
