"""Finding the lines that contain a piece of text (the examples filter), fast enough to type.

`text_matcher` makes a test for one raw line: plain text is case-insensitive and also found in
its JSON-escaped form (a quote typed as `"` is `\\"` in the line); a regular expression searches
the decoded line. `matching_rows` runs a test over many lines at once; given the rows that
matched a shorter text (the person is typing on), it looks only at those.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from itertools import compress

Matcher = Callable[[bytes], bool]


def text_matcher(text: str, *, regex: bool = False) -> Matcher | None:
    """A test for raw lines; None for no text. Raises re.error for a bad regular expression."""
    if not text:
        return None
    if regex:
        pattern = re.compile(text, re.IGNORECASE)
        return lambda raw: pattern.search(raw.decode("utf-8", "replace")) is not None
    folded = text.casefold()
    if text.isascii():
        needle = folded.encode("ascii")
        escaped = json.dumps(text)[1:-1].casefold().encode("ascii")
        if escaped == needle:
            return lambda raw: needle in raw.lower()
        return lambda raw: needle in raw.lower() or escaped in raw.lower()
    escaped_text = json.dumps(text)[1:-1].casefold()
    return lambda raw: _unicode_match(raw, folded, escaped_text)


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
