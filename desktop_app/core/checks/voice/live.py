"""The word list's check in the app, kept incremental: each record is scanned once, and again only
after it changes (an edit makes a new record), so the whole-file pass after an edit rescans one
line, not 100,000. It also notes which replies use a preferred word (for the Style section)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from desktop_app.core.checks.voice.wordlist import BannedScanner, WordList
from desktop_app.core.dataset.edits import text_of
from desktop_app.core.problems import Problem


class HasRaw(Protocol):
    @property
    def raw(self) -> bytes: ...


class BannedCache:
    """banned_phrase findings per record, remembered by record identity."""

    def __init__(self) -> None:
        self.words = WordList()
        self._scanner = BannedScanner(self.words)
        self._needles: tuple[bytes, ...] = ()
        self._preferred: re.Pattern[str] | None = None
        self._seen: dict[int, tuple[HasRaw, tuple[Problem, ...], bool]] = {}
        self.preferred_lines: list[int] = []  # lines whose replies use a preferred word

    def problems(self, records: Sequence[HasRaw], words: WordList) -> list[Problem]:
        """Every banned_phrase in these records (line = index + 1)."""
        if words != self.words:
            self.words, self._scanner, self._seen = words, BannedScanner(words), {}
            self._needles = tuple(p.lower().encode() for p, _ in words.banned)
            self._needles += tuple(w.lower().encode() for w in words.preferred)
            self._preferred = _whole_words(words.preferred)
        self.preferred_lines = []
        if words.is_empty:
            return []
        seen: dict[int, tuple[HasRaw, tuple[Problem, ...], bool]] = {}
        found: list[Problem] = []
        for index, record in enumerate(records):
            known = self._seen.get(id(record))
            if known is None or known[0] is not record:
                known = (record, *self._scan(record.raw))
            seen[id(record)] = known
            found += [p if p.line == index + 1 else replace(p, line=index + 1) for p in known[1]]
            if known[2]:
                self.preferred_lines.append(index + 1)
        self._seen = seen
        return found

    def _scan(self, raw: bytes) -> tuple[tuple[Problem, ...], bool]:
        lowered = raw.lower()
        if b"\\u" not in raw and not any(n in lowered for n in self._needles):
            return (), False  # no phrase can be in it (written escaped, it could: then parse)
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError):
            return (), False
        messages = value.get("messages") if isinstance(value, dict) else None
        if not isinstance(messages, list):
            return (), False
        preferred = self._preferred is not None and any(
            self._preferred.search(text_of(m))
            for m in messages
            if isinstance(m, dict) and m.get("role") == "assistant"
        )
        return tuple(self._scanner.problems(messages, 1)), preferred


def _whole_words(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.I)
