"""`ftstudio repair IN --out OUT`: a file that is not one example per line, repaired into OUT.

IN is only read. Exit 0: OUT written, nothing left broken; 1: OUT written, some pieces were
left as they were; 2: IN cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop_app.cli.output import (
    EXIT_OK,
    EXIT_PROBLEMS,
    check_can_write,
    open_dataset,
    print_json,
)
from desktop_app.core.repair import repair_file


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "repair",
        help="repair a file that is not one example per line (pretty-printed, comments, ...)",
        description=(
            "Write IN, repaired, to OUT: examples spread over several lines, comments, trailing "
            "commas, missing closing brackets, Python-style quotes, lists and wrappers around the "
            "examples, misspelled roles. IN is never changed. Pieces that cannot be repaired "
            "are written as they were, and listed."
        ),
    )
    parser.add_argument("input", metavar="IN", help="the file to repair (it is only read)")
    parser.add_argument("--out", metavar="OUT", required=True, help="where to write the result")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    source, target = Path(args.input), Path(args.out)
    if not source.is_file():
        open_dataset(source)  # raises the plain error (exit 2) for a missing file or a folder
    check_can_write(target, force=args.force, inputs=(source,))
    with progress_bar(quiet=args.quiet or args.json, what="Repairing") as progress:
        result = repair_file(source, target, progress=progress)
    if args.json:
        print_json({**result.to_json(), "output": str(target)})
    else:
        print(f"Wrote {target}: {result.summary()}")
        for line in result.report_lines():
            print(f"  - {line}")
    return EXIT_PROBLEMS if result.left else EXIT_OK


@contextmanager
def progress_bar(*, quiet: bool, what: str) -> Iterator[Callable[[float], None] | None]:
    """A tqdm bar on stderr (only when stderr is a terminal); yields a fraction-done callback."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm  # tqdm draws the terminal progress bar

    with tqdm(total=100, desc=what, unit="%", file=sys.stderr, leave=False) as bar:

        def update(fraction: float) -> None:
            bar.update(round(fraction * 100) - bar.n)

        yield update
