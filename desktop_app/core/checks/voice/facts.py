"""Specifics a reply states: prices, amounts, dates and times, phone numbers, addresses, web
addresses and names, and whether the conversation before the reply already holds each one.

A specific the user (or the system prompt) gave is fine to repeat: that is how to speak. One the
reply brings in by itself is a fact the model would be taught. The patterns are deliberately
narrow (a plain number or a capitalised word alone is not a specific), so a clean dataset stays
quiet; the dataset-wide check (checks.teaches_facts) then discounts house constants.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_UNITS = (
    r"(?:%|percent|kg|g|mg|ml|l|km|m|cm|mm|miles?|lbs?|pounds?|ounces?|oz|gb|mb|tb|kb|"
    r"hours?|days?|weeks?|months?|years?|minutes?|seconds?|calories|kcal|mph|km/h|°[cf]?)"
)
# kind, pattern; the first kind that matches a stretch of text wins
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "web address",
        re.compile(
            r"\b(?:https?://|www\.)[^\s<>()\"']+|\b[\w-]+\.(?:com|org|net|io|co\.uk|de|fr)\b(?:/[^\s]*)?",
            re.IGNORECASE,
        ),
    ),
    ("e-mail address", re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")),
    (
        "phone number",
        re.compile(
            r"(?<![\w.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{3}[\s.-])\d{3}[\s.-]?\d{3,4}\b"
        ),
    ),
    (
        "price",
        re.compile(
            r"(?:[$€£¥]\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s?(?:[$€£¥]|usd|eur|gbp|dollars|euros)\b)",
            re.IGNORECASE,
        ),
    ),
    (
        "date",
        re.compile(
            rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|{_MONTHS}\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTHS}(?: \d{{4}})?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "time",
        re.compile(
            r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b", re.IGNORECASE
        ),
    ),
    (
        "address",
        re.compile(
            r"\b\d{1,5}\s(?:[A-Z][a-z]+\s){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Square|Place)\b"
        ),
    ),
    ("amount", re.compile(rf"\b\d[\d,]*(?:\.\d+)?\s?{_UNITS}(?![\w])", re.IGNORECASE)),
    (
        "name",
        re.compile(
            # mid-sentence (after a lower-case word): “ask Maria Lopez”, “the Galaxy S24”
            r"(?<=[a-z,] )(?!(?:The|A|An|This|That|Our|Your|My|If|In|On|For)\b)"
            # words on one line: “in Germany\nTo ascertain…” is no name
            r"(?:[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)+|[A-Z][a-z]*\d+[A-Za-z\d]*|[a-z]+[A-Z][A-Za-z]+)\b"
        ),
    ),
)
# whether a text can hold any specific at all (most replies can't: no digit, @, web address or
# capitalised name); checked before the patterns above
_NAME_LIKE = re.compile(r"[a-z,] [A-Z][a-z]+ [A-Z]|[a-z][A-Z]").search
# what a text must contain for a pattern to be worth running (the patterns cost ~10-100 µs each)
_NEEDS = {
    "web address": ("www.", "://", ".com", ".org", ".net", ".io", ".co.uk", ".de", ".fr"),
    "e-mail address": ("@",),
}
_MARKS = (*"0123456789@", "www.", "://", ".com")
_UPPER = bytes.maketrans(bytes(range(65, 91)), b"A" * 26)
# the kinds holding a digit, as one pattern: one scan of the text instead of seven
_NUMBERED = re.compile(
    "|".join(
        f"(?P<k{i}>{p.pattern})" if not p.flags & re.IGNORECASE else f"(?P<k{i}>(?i:{p.pattern}))"
        for i, (kind, p) in enumerate(PATTERNS)
        if kind not in _NEEDS and kind != "name"
    )
)
_NUMBERED_KINDS = {
    f"k{i}": kind for i, (kind, _) in enumerate(PATTERNS) if kind not in _NEEDS and kind != "name"
}


_DIGITS = re.compile(r"\d+(?:[.,:/-]\d+)*")
REACH = 24  # characters around a number a specific can reach (“March 3, 2025”, “$ 1,299.00”)


def _matches(pattern: re.Pattern[str], text: str, *, whole: bool) -> Iterator[re.Match[str]]:
    """The pattern's matches; the digit-holding kinds are looked for only near the numbers
    (a quick pattern finds those), so a long reply with two numbers costs two short scans."""
    if whole:
        yield from pattern.finditer(text)
        return
    start = end = -1
    for number in _DIGITS.finditer(text):
        low, high = max(0, number.start() - REACH), min(len(text), number.end() + REACH)
        if low <= end:
            end = high
            continue
        if end >= 0:
            yield from pattern.finditer(text, start, end)
        start, end = low, high
    if end >= 0:
        yield from pattern.finditer(text, start, end)


def maybe_facts(text: str) -> bool:
    """Whether a text can hold a specific at all: a digit, @, web address or name-like words
    (`in` tests first: quicker than any pattern)."""
    return any(mark in text for mark in _MARKS) or _maybe_names(text)


def _maybe_names(text: str) -> bool:
    """More capitalised words than sentences could start (a cheap look before the pattern)."""
    shouty = text.encode("utf-8", "surrogatepass").translate(_UPPER)  # a lone surrogate too
    capitalised = shouty.count(b" A") - shouty.count(b" A ")  # not “I” or “A”
    starts = text.count(". ") + text.count("\n") + text.count("! ") + text.count("? ")
    return capitalised > starts and _NAME_LIKE(text) is not None


_LONG_WORD = re.compile(r"[^\W\d_][\w'’-]{3,}")  # “in”, “a”, “of” stay small in a title


def _in_headline(text: str, start: int) -> bool:
    """Whether the line holding `start` is a headline in title case (“Greg Biffle Scores Second
    Career Victory in NASCAR Cup Race”, a book's title): its capitalised words are no names."""
    low = max(text.rfind("\n", 0, start) + 1, start - 200)
    high = text.find("\n", start, start + 200)
    words = _LONG_WORD.findall(text, low, high if high >= 0 else start + 200)
    capitalised = sum(1 for word in words if word[0].isupper())
    return len(words) >= 3 and capitalised >= 0.8 * len(words)


_NOT_KEY = re.compile(r"[\W_]+")
MAX_FACTS = 12


def specifics(reply: str, context: str) -> tuple[tuple[tuple[str, str, str], ...], int]:
    """(specifics of `reply` that `context` does not contain, as (kind, text, key); how many it
    does).

    A specific counts as contained when its letters and digits appear in the context in the
    same order (“$12.99” matches “12.99”, “A-48213” matches “a48213”)."""
    if not maybe_facts(reply):
        return (), 0
    found: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    scans: list[tuple[str | None, re.Pattern[str]]] = [
        (kind, pattern)
        for kind, pattern in PATTERNS
        if kind in _NEEDS and any(mark in reply for mark in _NEEDS[kind])
    ]
    if any(d in reply for d in "0123456789"):
        scans.append((None, _NUMBERED))  # every other kind but names holds a digit
    if _maybe_names(reply):
        scans.append(("name", PATTERNS[-1][1]))
    for kind, pattern in scans:
        for match in _matches(pattern, reply, whole=kind is not None):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            if kind == "name" and _in_headline(reply, start):
                continue
            taken.append((start, end))
            named = kind or _NUMBERED_KINDS[match.lastgroup or ""]
            found.append((named, match.group().strip()))
            if len(found) >= MAX_FACTS:
                break
    if not found:
        return (), 0
    known = _NOT_KEY.sub("", context.lower())
    new: dict[tuple[str, str, str], None] = {}
    echoed = 0
    for kind, text in found:
        compared = key(text)
        if compared in known:
            echoed += 1
        else:
            new.setdefault((kind, text, compared), None)
    return tuple(new), echoed


def key(text: str) -> str:
    """A specific's letters and digits, lower-cased (how it is compared and counted)."""
    return _NOT_KEY.sub("", text.lower())
