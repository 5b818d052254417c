"""`ftstudio validate FILE [--model M] [--provider P] [--json]`: check a dataset offline, with the
rules of the provider that will train on it (OpenAI's unless --provider says otherwise).

Exit status: 0 when there are no errors, 1 when there are, 2 when the file cannot be read.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli.output import EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE, print_json, print_note
from desktop_app.cli.progress import add_quiet_option, progress_bar
from desktop_app.core.analysis.analyzer import FileAnalysis, analyze_file
from desktop_app.core.analysis.report import build_report, format_text
from desktop_app.core.checks.provider_rules import PROVIDERS
from desktop_app.core.checks.voice.wordlist import WordList, load_wordlist
from desktop_app.core.dataset.review import sidecar_wordlist
from desktop_app.core.errors import UserFacingError
from desktop_app.core.models.catalog import load_models
from desktop_app.core.models.provider_dates import (
    countdown,
    default_model,
    default_provider,
    refusal,
)
from desktop_app.core.models.where_to_train import rules_summary


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a dataset for everything the provider would reject, and count its tokens",
        description=(
            "Check every line of a JSONL fine-tuning dataset offline: the chat format the "
            "providers share and each provider's own rules, the Cookbook's checks, duplicates, "
            "personal data, what replies say and how, with exact token counts and a cost "
            "estimate. Exit status 0: no errors; 1: errors found; 2: the file cannot be read."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the .jsonl dataset")
    parser.add_argument(
        "--model",
        default=None,
        help="model to check limits and prices for (default: the provider's usual model)",
    )
    parser.add_argument(
        "--provider",
        choices=[p for p in PROVIDERS if p != "practice"],
        default=None,
        help="add the rules of the provider that will train on it (default: OpenAI until it "
        "stops taking jobs on 2027-01-06, then Azure OpenAI, which keeps the same models)",
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
    add_quiet_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    provider = args.provider or default_provider()
    args.model = args.model or default_model(provider) or default_model(default_provider())
    if args.provider is None and provider != "openai":
        print_note(
            f"Note: checking with the rules of {_label(provider)}, a provider that still trains."
        )
    refused = refusal(provider, command_line=True)
    if refused is not None:  # the checks still run: the data may go elsewhere
        print_note(f"Note: {refused.message.replace(' Nothing was sent.', '')} {refused.next_step}")
    if args.provider is not None:
        print_note(rules_summary(provider))
        if refused is None and countdown(provider):
            print_note(countdown(provider))
    if load_models().find(args.model, provider) is None:
        print_note(
            f"Note: ftstudio does not know the model “{args.model}”, so tokens are counted with "
            "the o200k_base encoding, and there is no length check or cost estimate."
        )
    words = sidecar_wordlist(Path(args.file))
    if args.style:
        try:
            words = load_wordlist(Path(args.style))
        except UserFacingError as exc:
            print_note(str(exc))
            return EXIT_UNREADABLE
    analysis = _analyze(args.file, args, provider, words)
    validation = _analyze(args.validation, args, provider) if args.validation else None
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


def _analyze(
    file: str, args: argparse.Namespace, provider: str, words: WordList | None = None
) -> FileAnalysis:
    """One file's checks, with a progress bar on a terminal."""
    size = _size(file)
    with progress_bar(f"Checking {Path(file).name}", size, quiet=args.quiet) as bar:
        return analyze_file(
            file,
            args.model,
            provider,
            jobs=args.jobs,
            previews=False,
            on_bytes=bar.advance,
            words=words,
            voice=not args.no_voice,
        )


def _size(file: str) -> int | None:
    try:
        return os.path.getsize(file)
    except OSError:  # analyze_file says why, in plain words
        return None


def _label(kind: str) -> str:
    try:
        return load_models().provider(kind).label
    except KeyError:
        return kind
