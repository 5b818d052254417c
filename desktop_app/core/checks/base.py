"""What every check family shares: the rule registry, the per-record collector, small text helpers.

A rule is a stable `code` with a severity and a one-line meaning (the table in docs/readme/checks.md
is generated from the registry). Checks never raise on odd input: whatever the JSON holds, they
describe it in plain words.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from desktop_app.core.problems import Fix, Problem, Severity


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    meaning: str  # one plain sentence for the docs table and tooltips
    hint: str = ""  # default longer explanation attached to each problem
    family: str = ""


REGISTRY: dict[str, Rule] = {}


def rule(code: str, severity: Severity, meaning: str, hint: str = "", *, family: str) -> str:
    """Register a rule and return its code (module constants hold the codes)."""
    if code in REGISTRY:
        raise ValueError(f"check code {code!r} is registered twice")
    REGISTRY[code] = Rule(code, severity, meaning, hint, family)
    return code


# The bytes the first looks need; every other byte is dropped before looking, so the searches
# run over a fifth of the line. Dropping bytes can only join marks that were apart (a false
# alarm, which costs a closer look), never split one that is there. Quotes and colons are kept
# for the duplicate-name certificate in desktop_app.core.analysis.analyzer.
_KEPT = b'0123456789\\u<|@-skAKISzxoBEGN":'
_DROPPED = bytes(b for b in range(256) if b not in _KEPT)
_DIGITS = b"0123456789"
_ESCAPED_ASCII = re.compile(rb"\\u00[2-7]").search


def keep_marks(raw: bytes) -> bytes:
    """The line with every byte no first look needs dropped (see TextGate)."""
    return raw.translate(None, _DROPPED)


@dataclass(frozen=True, slots=True)
class TextGate:
    """Which text scans can find anything in a line, judged once from its raw bytes.

    Scanning every text of a big file for e-mail addresses, numbers and keys is costly; most
    lines hold no @, few digits and none of the marks a key starts with, and then the scans are
    skipped. A line that writes ASCII characters as \\u00XX escapes opens every scan.
    """

    special: bool = True  # "<|"
    email: bool = True  # "@"
    numbers: bool = True  # 8 digits or more in the line
    secrets: bool = True  # one of the marks API keys contain
    placeholders: bool = True  # “[your …”, “[Customer …” (see checks.placeholders)

    @classmethod
    def of_raw(cls, raw: bytes) -> TextGate:
        return cls.of_kept(keep_marks(raw), raw)

    @classmethod
    def of_kept(cls, kept: bytes, raw: bytes) -> TextGate:
        """The gate from a line's kept bytes (keep_marks) and the line itself."""
        if _ESCAPED_ASCII(kept) is not None:
            return OPEN_GATE
        special = _SPECIAL(kept) is not None
        email = b"@" in kept
        numbers = len(kept) - len(kept.translate(None, _DIGITS)) >= 8
        secrets = _has_secret_mark(kept) or (b"_" in raw and _has_underscore_mark(raw))
        placeholders = _PLACEHOLDER_MARK(raw) is not None
        if not (special or email or numbers or secrets or placeholders):
            return CLOSED_GATE  # the usual case: no new object
        return cls(special, email, numbers, secrets, placeholders)

    @property
    def shut(self) -> bool:
        """True when no text scan can find anything in the line."""
        return self is CLOSED_GATE or not (
            self.special or self.email or self.numbers or self.secrets or self.placeholders
        )


OPEN_GATE = TextGate()
CLOSED_GATE = TextGate(False, False, False, False, False)
# What a placeholder starts with (checks.placeholders): an ask and a space (so a list in code,
# “[add(x) for x in y]”, is not one), or a field name.
PLACEHOLDER_ASKS = r"(?ai:your|insert|enter|add|put|fill in|replace with|write|describe) "
PLACEHOLDER_FIELDS = (
    "Company|Customer|Client|Recipient|First|Last|Full|Product|Order|Ticket|Date|Time|Phone|"
    "E-?mail|Address|Link|URL|Name|Brand|Agent|Store|Website|Contact|Account|Location|"
    "Signature|Title|Position"
)
# Its first look, over the raw line: the start of every placeholder, in ASCII, without the parts
# that only narrow the find down, so where this finds nothing the full pattern finds nothing.
_PLACEHOLDER_MARK = re.compile(
    rf"\[(?:{PLACEHOLDER_ASKS}|(?:{PLACEHOLDER_FIELDS})\b)".encode()
).search
# One small pattern per mark: the regex engine finds a plain prefix faster than `in` does.
_SPECIAL = re.compile(rb"<\|").search
_SK, _AWS_GOOGLE, _XOX, _BEGIN, _LIVE, _HF, _GH, _PAT = (
    re.compile(mark).search
    for mark in (
        rb"sk-",
        rb"A(?:KIA|SIA|Iz)",  # AWS access keys, Google API keys (AIza, with the a dropped)
        rb"xox",
        rb"-----BEGIN",
        rb"_live_",
        rb"hf_",
        rb"gh[pousr]_",
        rb"github_pat_",
    )
)


def _has_secret_mark(kept: bytes) -> bool:
    return bool(_SK(kept) or _AWS_GOOGLE(kept) or _XOX(kept) or _BEGIN(kept))


def _has_underscore_mark(raw: bytes) -> bool:
    return bool(_LIVE(raw) or _HF(raw) or _GH(raw) or _PAT(raw))


class Findings:
    """Collects the problems of one record; `line` is 1-based."""

    __slots__ = ("gate", "line", "problems")

    def __init__(self, line: int | None, gate: TextGate = OPEN_GATE) -> None:
        self.line = line
        self.gate = gate
        self.problems: list[Problem] = []

    def add(
        self,
        code: str,
        message: str,
        *,
        message_index: int | None = None,
        field: str | None = None,
        fix: Fix | None = None,
        hint: str = "",
    ) -> None:
        found = REGISTRY[code]
        self.problems.append(
            Problem(
                code,
                found.severity,
                message,
                self.line,
                message_index,
                field,
                fix,
                hint or found.hint,
            )
        )


# ---- fixes every family may offer (codes are applied by desktop_app.core.checks.fixes) ------------
FIX_REMOVE_EXAMPLE = "remove_example"
FIX_REMOVE_MESSAGE = "remove_message"
# the writer writes the missing words: the window puts the cursor there (fixes.needs_writing)
FIX_WRITE_REPLY = "write_reply"
FIX_WRITE_MESSAGE = "write_message"
FIX_TRIM_WHITESPACE = "trim_whitespace"
FIX_CHANGE_ROLE = "change_role"
FIX_SET_WEIGHT_1 = "set_weight_1"
FIX_REMOVE_WEIGHT = "remove_weight"
FIX_REMOVE_KEY = "remove_key"
FIX_CONTENT_TO_TEXT = "content_to_text"
FIX_JOIN_TEXT_PARTS = "join_text_parts"
FIX_REMOVE_SPECIAL_TOKENS = "remove_special_tokens"
FIX_CLEAN_NAME = "clean_name"
FIX_KEEP_LAST_DUPLICATE = "keep_last_duplicate"
FIX_RENAME_PREFERENCE_KEYS = "rename_preference_keys"


def fix_change_role(suggestion: str) -> Fix:
    """The fix recomputes the suggestion from the current role (see roles.suggest_role)."""
    return Fix(FIX_CHANGE_ROLE, f"Change it to “{suggestion}”")


# ---- describing values in plain words -------------------------------------------------------
def describe(value: Any) -> str:
    """What a JSON value is, for a writer: “a number”, “a list”, “empty text” ..."""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return f"the value {'true' if value else 'false'}"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "empty text" if not value else "text"
    if isinstance(value, list):
        return "an empty list" if not value else "a list"
    if isinstance(value, dict):
        return "an object in { }"
    return "something else"


def quote(text: str, limit: int = 40) -> str:
    """A short quotation of user text for a message, in “curly quotes”."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"“{text}”"


def nth(index: int) -> str:
    """Message numbers as people count them (index 0 is “Message 1”)."""
    return f"Message {index + 1}"


def closest(word: str, choices: tuple[str, ...]) -> str | None:
    """The allowed word a typo most likely meant, if any is close enough."""
    lowered = word.strip().lower()
    if lowered in choices:
        return lowered
    matches = difflib.get_close_matches(lowered, choices, n=1, cutoff=0.6)
    return matches[0] if matches else None


def list_words(words: tuple[str, ...] | list[str]) -> str:
    """“a, b or c”."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def iter_text(content: Any) -> Iterator[tuple[str, str]]:
    """Each piece of text in a content value, with its field path relative to the message."""
    if isinstance(content, str):
        yield content, "content"
    elif isinstance(content, list):
        for i, part in enumerate(content):
            if isinstance(part, dict):
                text = part.get("text")
                if isinstance(text, str):
                    yield text, f"content[{i}].text"
