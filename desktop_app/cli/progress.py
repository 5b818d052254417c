"""Progress bars for long commands, on stderr, only where a person watches a terminal.

Drawn by tqdm (widths, rates and time left, redrawn in place, maintained). A bar is shown only
when stderr is a terminal and the command was not given `--quiet`; otherwise nothing at all is
printed, so pipes, logs and scripts see exactly what they saw before.

    with progress_bar("Checking data.jsonl", total=size, quiet=args.quiet) as bar:
        work(on_bytes=bar.advance)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from tqdm import tqdm


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    """`--quiet` for a command that shows a progress bar."""
    parser.add_argument(
        "--quiet", action="store_true", help="show no progress bar (none is shown off a terminal)"
    )


def wanted(quiet: bool = False, stream: TextIO | None = None) -> bool:
    """True when a bar should be drawn: not --quiet, and stderr is a terminal."""
    stream = sys.stderr if stream is None else stream
    try:
        return not quiet and stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


class Bar:
    """One bar: `advance(n)` adds to it, `move_to(done)` sets it, `say(text)` prints above it."""

    def __init__(self, label: str, total: int | None, unit: str, shown: bool) -> None:
        self.shown = shown
        self._bar: Any = None
        if shown:
            bytes_unit = unit == "B"
            self._bar = tqdm(
                total=total,
                desc=label,
                unit=unit,
                unit_scale=bytes_unit,
                unit_divisor=1024 if bytes_unit else 1000,
                file=sys.stderr,
                leave=False,  # the command's own report follows; the bar makes room for it
                dynamic_ncols=True,
            )

    def advance(self, n: int) -> None:
        if self._bar is not None and n:
            self._bar.update(n)

    def move_to(self, done: int) -> None:
        if self._bar is not None and done > self._bar.n:
            self._bar.update(done - self._bar.n)

    def say(self, text: str) -> None:
        """A line of text on stderr that does not break the bar."""
        if self._bar is not None:
            self._bar.write(text, file=sys.stderr)
        else:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@contextmanager
def progress_bar(
    label: str, total: int | None, *, unit: str = "B", quiet: bool = False
) -> Iterator[Bar]:
    """A bar for the duration of the block (nothing is drawn unless `wanted(quiet)`)."""
    bar = Bar(label, total, unit, wanted(quiet))
    try:
        yield bar
    finally:
        bar.close()
