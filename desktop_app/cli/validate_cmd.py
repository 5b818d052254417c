"""`ftstudio validate FILE [--model M] [--provider P] [--json]`: check a dataset offline, with the
rules of the provider that will train on it (OpenAI's unless --provider says otherwise).

Exit status: 0 when there are no errors, 1 when there are, 2 when the file cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli.output import EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE, print_json, print_note
from desktop_app.core.analysis import analyze_file
from desktop_app.core.checks.provider_rules import PROVIDERS
from desktop_app.core.errors import UserFacingError
from desktop_app.core.models import DEFAULT_MODEL, find_model
from desktop_app.core.report import build_report, format_text
from desktop_app.core.review import sidecar_wordlist
from desktop_app.core.voice.wordlist import load_wordlist


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a dataset for everything OpenAI would reject, and count its tokens",
        description=(
            "Check every line of a JSONL fine-tuning dataset offline: the format OpenAI "
            "requires, the Cookbook's checks, duplicates, personal data and more, with exact "
            "token counts and a cost estimate. Exit status 0: no errors; 1: errors found; "
            "2: the file cannot be read."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the .jsonl dataset")
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help=f"model to check limits and prices for (default: {DEFAULT_MODEL})",
    )
    parser.add_argument(
        "--provider",
        choices=[p for p in PROVIDERS if p != "practice"],
        default="openai",
        help="add the rules of the provider that will train on it (default: openai)",
    )
    parser.add_argument(
        "--validation",
        metavar="VFILE",
        help="the validation file, to find examples that are in both files",
    )
    parser.add_argument(
        "--style",
        metavar="FILE",
        help="a word list (banned phrases, preferred words) to check the replies against",
    )
    parser.add_argument(
        "--no-voice",
        action="store_true",
        help="leave out the checks of what replies say and how (facts, near-copies, style)",
    )
    parser.add_argument(
        "--epochs", type=int, default=None, help="epochs you plan to train (for the estimate)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.add_argument("--all", action="store_true", help="list every problem, not the first few")
    parser.add_argument(
        "--jobs", type=int, default=None, help="processes to use (default: one per core)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if find_model(args.model) is None:
        print_note(
            f"Note: ftstudio does not know the model “{args.model}”, so tokens are counted with "
            "the o200k_base encoding, and there is no length check or cost estimate."
        )
    provider = args.provider
    words = sidecar_wordlist(Path(args.file))
    if args.style:
        try:
            words = load_wordlist(Path(args.style))
        except UserFacingError as exc:
            print_note(str(exc))
            return EXIT_UNREADABLE
    analysis = analyze_file(
        args.file, args.model, provider, jobs=args.jobs, previews=False, words=words
    )
    validation = None
    if args.validation:
        validation = analyze_file(
            args.validation, args.model, provider, jobs=args.jobs, previews=False
        )
    report = build_report(
        analysis,
        model=args.model,
        provider=provider,
        validation=validation,
        epochs=args.epochs,
        voice=not args.no_voice,
    )
    if args.json:
        print_json(report.to_json())
    else:
        per_code = sys.maxsize if args.all else 5
        sys.stdout.write("\n".join(format_text(report, per_code=per_code)) + "\n")
    return EXIT_PROBLEMS if report.errors else EXIT_OK
