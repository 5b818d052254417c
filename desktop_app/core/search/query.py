"""Finding the lines that contain a piece of text (the examples filter), fast enough to type.

A `Query` is what the person typed. Plain text is case-insensitive and also found in its
JSON-escaped form (a quote typed as `"` is `\\"` in the line); a regular expression searches the
decoded line. `text_matcher` makes a test for one raw line; `matching_rows` runs it over many
lines at once, and given the rows that matched a shorter text (the person is typing on) looks
only at those.

Plain ASCII text also has a faster way through a whole block of lines (`block_hits`): lower-case
the block once and `bytes.find` the needles, jumping to the next line after each hit. Both ways
give the same answer for every line (tested).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress

Matcher = Callable[[bytes], bool]


@dataclass(frozen=True, slots=True)
class Query:
    """Filter text as typed; `regex` when it is a regular expression."""

    text: str
    regex: bool = False

    def matcher(self) -> Matcher | None:
        return text_matcher(self.text, regex=self.regex)


def text_matcher(text: str, *, regex: bool = False) -> Matcher | None:
    """A test for raw lines; None for no text. Raises re.error for a bad regular expression."""
    if not text:
        return None
    if regex:
        pattern = re.compile(text, re.IGNORECASE)
        return lambda raw: pattern.search(raw.decode("utf-8", "replace")) is not None
    needles = plain_needles(text)
    if needles is not None:
        if len(needles) == 1:
            needle = needles[0]
            return lambda raw: needle in raw.lower()
        needle, escaped = needles
        return lambda raw: needle in raw.lower() or escaped in raw.lower()
    folded = text.casefold()
    escaped_text = json.dumps(text)[1:-1].casefold()
    return lambda raw: _unicode_match(raw, folded, escaped_text)


def plain_needles(text: str) -> tuple[bytes, ...] | None:
    """The lower-cased bytes to look for when `text` can be searched on raw bytes, else None.

    ASCII text without line breaks qualifies: `bytes.lower()` then folds exactly what
    `str.casefold()` would. The JSON-escaped form comes second when it differs.
    """
    if not text or not text.isascii() or "\n" in text or "\r" in text:
        return None
    needle = text.casefold().encode("ascii")
    escaped = json.dumps(text)[1:-1].casefold().encode("ascii")
    return (needle,) if escaped == needle else (needle, escaped)


def _unicode_match(raw: bytes, folded: str, escaped: str) -> bool:
    line = raw.decode("utf-8", "replace").casefold()
    return folded in line or escaped in line


def narrows(text: str, regex: bool, previous: str, previous_regex: bool) -> bool:
    """Whether every line matching `text` also matched `previous` (so only those need a look)."""
    if regex or previous_regex or not previous or previous.isascii() != text.isascii():
        return False  # (ASCII text is matched on bytes, other text on decoded lines)
    return previous.casefold() in text.casefold()


def matching_rows(
    matcher: Matcher, raws: Sequence[bytes], within: bytearray | None = None
) -> bytearray:
    """1 for each line the matcher accepts, 0 otherwise; only lines marked in `within` if given."""
    if within is None:
        return bytearray(map(matcher, raws))
    found = bytearray(len(raws))
    for row in compress(range(len(raws)), within):
        if matcher(raws[row]):
            found[row] = 1
    return found


def block_hits(
    block: bytes,
    base: int,
    ends: Sequence[int],
    lines: range,
    needles: Sequence[bytes],
    hits: bytearray,
) -> None:
    """Mark in `hits` the `lines` of `block` that contain a needle (case-insensitively).

    `ends[i]` is where line i ends in the file (just past its newline); `block` holds exactly
    `lines`, from file offset `base`. Needles come from `plain_needles`, so a hit never spans two
    lines; after one, the search goes on from the next line.
    """
    low = block.lower()
    last = lines.stop
    for needle in needles:
        line = lines.start
        at = low.find(needle)
        while at >= 0:
            line = bisect_right(ends, base + at, line, last)
            hits[line] = 1
            line += 1
            if line >= last:
                break
            at = low.find(needle, ends[line - 1] - base)
