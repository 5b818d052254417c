"""A dataset's word list: preferred words, and banned words or phrases (each with what to write
instead). Kept in the review sidecar (desktop_app.core.dataset.review), edited in the app, or given on
the command line with `--style FILE` (the same JSON, or a plain text list).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.checks.base import REGISTRY, iter_text, quote
from desktop_app.core.checks.voice.rules import BANNED_PHRASE, FIX_REPLACE_PHRASE
from desktop_app.core.errors import UserFacingError
from desktop_app.core.problems import Fix, Problem


@dataclass(frozen=True, slots=True)
class WordList:
    banned: tuple[tuple[str, str], ...] = ()  # (phrase, what to write instead or "")
    preferred: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.banned and not self.preferred

    def to_json(self) -> dict[str, Any]:
        return {
            "banned": [{"phrase": p, "instead": i} for p, i in self.banned],
            "preferred": list(self.preferred),
        }

    @classmethod
    def from_json(cls, data: Any) -> WordList:
        """Lenient: anything unexpected is left out, never an error (it is the writer's file)."""
        if not isinstance(data, dict):
            return cls()
        banned: dict[str, str] = {}
        raw = data.get("banned", [])
        items = raw.items() if isinstance(raw, dict) else raw if isinstance(raw, list) else []
        for item in items:
            if isinstance(item, dict):
                phrase, instead = item.get("phrase"), item.get("instead", "")
            elif isinstance(item, tuple):
                phrase, instead = item
            else:
                phrase, instead = item, ""
            if isinstance(phrase, str) and phrase.strip():
                banned[phrase.strip()] = instead.strip() if isinstance(instead, str) else ""
        preferred = data.get("preferred", [])
        words = [w.strip() for w in preferred if isinstance(w, str) and w.strip()]
        return cls(tuple(banned.items()), tuple(dict.fromkeys(words)))

    @classmethod
    def from_text(cls, text: str) -> WordList:
        """One entry a line: `phrase => instead` or `phrase` (banned), `+word` (preferred);
        lines starting with # are comments."""
        banned: list[tuple[str, str]] = []
        preferred: list[str] = []
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("+"):
                preferred.append(line[1:].strip())
                continue
            phrase, _, instead = line.partition("=>")
            banned.append((phrase.strip(), instead.strip()))
        return cls.from_json({"banned": banned, "preferred": preferred})


def load_wordlist(path: Path) -> WordList:
    """A word list file (JSON or plain text); a plain error when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserFacingError(
            f"The word list {path.name} could not be read ({exc.__class__.__name__}). Check the "
            "file name, and that it is a text file."
        ) from exc
    if text.lstrip().startswith("{"):
        try:
            return WordList.from_json(json.loads(text))
        except json.JSONDecodeError as exc:
            raise UserFacingError(
                f"The word list {path.name} looks like JSON but has a mistake on line "
                f"{exc.lineno}. Fix it, or write one phrase a line instead."
            ) from exc
    return WordList.from_text(text)


class BannedScanner:
    """Finds the banned phrases in replies (one compiled pattern for the whole list)."""

    def __init__(self, words: WordList) -> None:
        self.instead = {p.lower(): i for p, i in words.banned}
        phrases = sorted(self.instead, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + r")(?!\w)", re.I)
            if phrases
            else None
        )

    def problems(self, messages: list[Any], line: int) -> list[Problem]:
        """banned_phrase for each banned phrase in each assistant message."""
        if self.pattern is None:
            return []
        rule = REGISTRY[BANNED_PHRASE]
        found: list[Problem] = []
        for index, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") != "assistant":
                continue
            for text, field in iter_text(message.get("content")):
                seen: set[str] = set()
                for match in self.pattern.finditer(text):
                    written = match.group()
                    if written.lower() in seen:
                        continue
                    seen.add(written.lower())
                    instead = self.instead[written.lower()]
                    advice = f"Write {quote(instead)} instead." if instead else "Leave it out."
                    label = f"Replace with {quote(instead)}" if instead else "Remove it"
                    found.append(
                        Problem(
                            rule.code,
                            rule.severity,
                            f"This reply says {quote(written)}, which the word list bans. {advice}",
                            line,
                            message_index=index,
                            field=field,
                            fix=Fix(FIX_REPLACE_PHRASE, label, (written, instead)),
                            hint=rule.hint,
                        )
                    )
        return found


def replace_phrase(text: str, phrase: str, instead: str) -> str:
    """`text` with every `phrase` (any case, whole words) replaced; a capital kept at the start."""

    def swap(match: re.Match[str]) -> str:
        if instead and match.group()[:1].isupper():
            return instead[:1].upper() + instead[1:]
        return instead

    pattern = re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", re.IGNORECASE)
    replaced = pattern.sub(swap, text)
    return re.sub(r"  +", " ", replaced) if not instead else replaced
