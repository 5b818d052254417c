"""Spell checking without Qt: which words of a text to check, the dictionaries, the word lists.

Library: pyspellchecker (maintained, pure Python, MIT). It ships its dictionaries as gzipped
word-frequency JSON package data, so the app bundles them without a download and without a native
library. Hunspell was the alternative: spylls is pure Python but slow (milliseconds per word and
seconds per suggestion list), and pyenchant needs the enchant C library and system dictionaries,
which a PyInstaller bundle cannot count on. A lookup here is one dict lookup, cached per word.

What is checked: words of letters (with inner apostrophes), split at hyphens. Not checked: web
addresses, e-mail addresses, code (`inline`, ```blocks```, snake_case, camelCase, paths, file
names, {placeholders}), ALL-CAPS words, words touching digits, single letters.
"""

from __future__ import annotations

import gzip
import json
import pkgutil
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spellchecker import SpellChecker

from desktop_app.core.dataset.added_words import ENGLISH_ADDED, PORTUGUESE_BRAZIL_ADDED
from desktop_app.core.dataset.spanish_irregular import SPANISH_IRREGULAR
from desktop_app.core.dataset.word_forms import (
    SPANISH_QUESTION_WORDS,
    french_without_elision,
    german_compound,
    portuguese_variants,
    spanish_infinitives,
    spanish_singulars,
)
from desktop_app.core.errors import UserFacingError
from desktop_app.core.files.atomic import write_atomic

# The dictionaries the app ships (packaging/finetune-studio.spec collects exactly these files).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Spanish (Español)",
    "fr": "French (Français)",
    "de": "German (Deutsch)",
    "pt": "Portuguese (Português)",
}
DEFAULT_LANGUAGE = "en"
MAX_SUGGESTIONS = 6
SUGGESTION_BUDGET_S = 0.15  # the context menu waits at most this long for suggestions

# One pass in the regex engine: things never checked (the "skip" group) or a word. A chunk (run of
# non-spaces) holding a code character is skipped whole: the alternative is tried at its start.
# Only the code alternatives match backticks (the others stop at one), so where code is can be
# found by _CODE alone (ParagraphSpans relies on it).
_CODE = r"```.*?(?:```|\Z)|`[^`\n]*`"  # fenced code, inline code
_TOKENS = re.compile(
    rf"(?P<skip>{_CODE}"
    r"|\{[^{}\s]*\}"  # {placeholders}
    r"|<[^<>\s`]+>"  # <tags>
    r"|[^\s`]+://[^\s`]*|\bwww\.[^\s`]+"  # web addresses
    r"|[^\s`]+@[^\s`]+"  # e-mail addresses (and @handles)
    r"|[^\s`]*(?:[_/\\=#$%^*|~<>{}\[\]]|[^\W_]\.[^\W\d_]|::|\(\))[^\s`]*)"  # code, paths, files
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)",
    re.DOTALL,
)
_CODE_SPANS = re.compile(_CODE, re.DOTALL)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


@dataclass(frozen=True, slots=True)
class WordSpan:
    start: int
    end: int
    word: str


def words_to_check(text: str, start: int = 0, end: int | None = None) -> list[WordSpan]:
    """The words of `text` (or of text[start:end], cut at spaces) that a spell checker should
    look at, with their positions."""
    out: list[WordSpan] = []
    size = len(text)
    for match in _TOKENS.finditer(text, start, size if end is None else end):
        if match.lastgroup != "word":
            continue
        word = match.group()
        if len(word) < 2 or word.isupper() or not word[1:].islower():
            continue  # single letters, CAPITALS, camelCase/iPhone/McDonald (names and code)
        if not word.isascii() and _has_uncased_letter(word):
            continue  # Chinese, Japanese, Korean… (no dictionary), "Narrator이다" too
        first, last = match.span()
        if (first and text[first - 1].isdigit()) or (last < size and text[last].isdigit()):
            continue  # 3rd, mp3, 10am
        out.append(WordSpan(first, last, word))
    return out


def _has_uncased_letter(word: str) -> bool:
    """A letter of a script without capitals (Han, kana, Hangul, Thai…): a word no shipped
    dictionary holds, even beside Latin letters ("Narrator이다": a name with a particle)."""
    return any(c.lower() == c.upper() for c in word if c.isalpha())


def normalise(word: str) -> str:
    """The form words are looked up and stored in: typographic apostrophes made plain, lower case.
    Not casefold(): it turns "ß" into "ss", and the German list spells "regelmäßig", "Straße"."""
    return word.translate(_APOSTROPHES).lower()


# ---- dictionaries ---------------------------------------------------------------------------
class Speller:
    """One language's dictionary, with a verdict cache (lookups happen on every keystroke)."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"no dictionary for language {language!r}")
        self.language = language
        self._checker = SpellChecker(language=None, distance=1)
        self._checker.word_frequency.load_json(word_list(language))
        self._known = self._checker.word_frequency.dictionary
        self._cache: dict[str, bool] = {}
        self._lock = threading.Lock()  # suggestions may be computed on a worker thread

    def knows(self, word: str) -> bool:
        verdict = self._cache.get(word)
        if verdict is None:
            verdict = self._lookup(normalise(word))
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[word] = verdict
        return verdict

    def _lookup(self, key: str) -> bool:
        return is_listed(self._known, self.language, key)

    def suggestions(self, word: str, budget_s: float = SUGGESTION_BUDGET_S) -> list[str]:
        """Known words one edit away, or two when one finds none (within `budget_s`), most
        frequent first, in the word's capitalisation."""
        key = normalise(word)
        rest = french_without_elision(key) if self.language == "fr" else None
        if rest is not None:  # l'équippe: the word after the apostrophe, the small word kept
            head = word[: len(word) - len(rest)]
            return [head + found for found in self.suggestions(word[len(head) :], budget_s)]
        deadline = time.monotonic() + budget_s
        with self._lock:
            first = self._checker.edit_distance_1(key)
            found = {w for w in first if w in self._known}
            if not found:
                for near in first:
                    found.update(w for w in self._checker.edit_distance_1(near) if w in self._known)
                    if time.monotonic() > deadline:
                        break
        ranked = sorted(found - {key}, key=lambda w: (-self._known[w], w))[:MAX_SUGGESTIONS]
        return [match_case(word, w) for w in ranked]


def is_listed(known: Mapping[str, int], language: str, key: str) -> bool:
    """Whether a word list knows a normalised word, or the word it is a form of."""
    # (the possessive: "the coffee's aroma")
    if key in known or (key.endswith("'s") and key[:-2] in known):
        return True
    if language == "de":  # German joins words into new ones the list cannot all hold
        return german_compound(key, known.__contains__)
    if language == "en":
        return key in ENGLISH_ADDED
    if language == "pt":  # Brazil's spelling (econômico, contato); the list spells as Portugal
        return key in PORTUGUESE_BRAZIL_ADDED or any(v in known for v in portuguese_variants(key))
    if language == "fr":  # l'équipe, c'est, qu'il: the list holds the words, not the pairs
        rest = french_without_elision(key)
        return rest is not None and is_listed(known, language, rest)
    if language == "es":  # the Spanish list lacks plurals, question words and verb forms
        return (
            key in SPANISH_QUESTION_WORDS
            or key in SPANISH_IRREGULAR
            or any(f in known for f in spanish_singulars(key))
            or any(f in known for f in spanish_infinitives(key))
        )
    return False


def word_list(language: str) -> dict[str, int]:
    """pyspellchecker's word list for `language`, parsed a slice at a time. Its own loader parses
    it in one call that holds the interpreter lock for 0.2–2 s (measured), and the window,
    which needs that lock to paint, froze that long while the list loaded on a worker."""
    data = pkgutil.get_data("spellchecker", f"resources/{language}.json.gz")
    if data is None:
        raise ValueError(f"no dictionary for language {language!r}")
    text = gzip.decompress(data).decode("utf-8")
    words: dict[str, int] = {}
    start, end = text.index("{") + 1, text.rindex("}")
    while start < end:  # `,\n"` only ever separates entries (a quote inside a word is escaped)
        cut = text.find(',\n"', start + _SLICE_CHARS, end)
        stop = end if cut < 0 else cut
        words.update(json.loads("{" + text[start:stop] + "}"))
        start = stop + 1
    return words


_SLICE_CHARS = 64 * 1024  # ~10 ms of parsing each: the window gets the lock in between


def match_case(original: str, word: str) -> str:
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


_SPELLERS: dict[str, Speller] = {}
_SPELLERS_LOCK = threading.Lock()


def load_speller(language: str) -> Speller:
    """The speller for `language`, loaded once per process (English takes ~0.2 s, Portuguese ~0.5 s:
    call this off the GUI thread)."""
    with _SPELLERS_LOCK:
        speller = _SPELLERS.get(language)
    if speller is None:
        speller = Speller(language)
        with _SPELLERS_LOCK:
            speller = _SPELLERS.setdefault(language, speller)
    return speller


def loaded_speller(language: str) -> Speller | None:
    """The speller if it has been loaded already (never loads)."""
    with _SPELLERS_LOCK:
        return _SPELLERS.get(language)


# ---- word lists -----------------------------------------------------------------------------
class PersonalDictionary:
    """The writer's own words, one per line in a UTF-8 text file in the app's config folder."""

    FILE_NAME = "dictionary.txt"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.words: set[str] = set()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        self.words = {normalise(line.strip()) for line in lines if line.strip()}
        self._lines = [line.strip() for line in lines if line.strip()]

    def __contains__(self, word: str) -> bool:
        return normalise(word) in self.words

    def add(self, word: str) -> None:
        """Add a word and write the file at once (UserFacingError when it cannot be written)."""
        word = word.strip()
        if not word or word in self:
            return
        lines = [*self._lines, word]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, [("\n".join(lines) + "\n").encode("utf-8")])
        except (OSError, UserFacingError) as exc:
            raise UserFacingError(
                f"“{word}” could not be added to your dictionary: {self.path} cannot be written.",
                "Check that you may write to that folder and that the disk is not full, then try "
                "again. Until then the word stays underlined.",
                technical=str(exc),
            ) from exc
        self._lines = lines
        self.words.add(normalise(word))


@dataclass(frozen=True, slots=True)
class DatasetSpelling:
    """A dataset's spelling settings, kept in its review sidecar under "spelling": the language
    (None: the app's default) and the dataset's own words (brand and product names)."""

    language: str | None = None
    words: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.language is None and not self.words

    @property
    def effective_language(self) -> str:
        return self.language or DEFAULT_LANGUAGE

    def with_word(self, word: str) -> DatasetSpelling:
        if normalise(word) in {normalise(w) for w in self.words}:
            return self
        return DatasetSpelling(self.language, (*self.words, word.strip()))

    def with_language(self, language: str | None) -> DatasetSpelling:
        return DatasetSpelling(language, self.words)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.language:
            out["language"] = self.language
        if self.words:
            out["words"] = list(self.words)
        return out

    @classmethod
    def from_json(cls, data: Any) -> DatasetSpelling:
        if not isinstance(data, dict):
            return cls()
        language = data.get("language")
        words = data.get("words")
        return cls(
            language if isinstance(language, str) and language in LANGUAGES else None,
            tuple(w for w in words if isinstance(w, str) and w.strip())
            if isinstance(words, list)
            else (),
        )


class SpellCheck:
    """The verdict for one text box: a language's dictionary plus the personal and dataset words.

    With `english` (a dataset in another language), English words are right too: a translator's
    English instructions in a Portuguese file, and the English names of things in a Spanish text
    ("press", "cardio"), were underlined word for word. A misspelling that happens to be an
    English word is missed, the price of that."""

    def __init__(
        self, speller: Speller, extra: Iterable[set[str]] = (), english: Speller | None = None
    ) -> None:
        self.speller = speller
        self.extra = list(extra)
        self.english = english if english is not speller else None

    def is_correct(self, word: str) -> bool:
        if self.speller.knows(word) or (self.english is not None and self.english.knows(word)):
            return True
        key = normalise(word)
        return any(key in words for words in self.extra)

    def misspelled(self, text: str, start: int = 0, end: int | None = None) -> list[WordSpan]:
        return [s for s in words_to_check(text, start, end) if not self.is_correct(s.word)]


class ParagraphSpans:
    """The misspelled words of one paragraph as it is edited: each update checks again only the
    words around the change (typing into a 3,000-word paragraph checks one or two words), and
    keeps the verdicts before and after it. Make a new one when the word lists change."""

    __slots__ = ("spans", "text")

    def __init__(self) -> None:
        self.text = ""
        self.spans: list[WordSpan] = []

    def update(self, text: str, check: SpellCheck) -> list[WordSpan]:
        old = self.text
        start, new_end, old_end = _changed_region(old, text)
        shift = len(text) - len(old)
        if not old or not _same_code_outside(old, text, start, old_end):
            spans = check.misspelled(text)  # code (`…`) began or ended at the change
        else:
            spans = [s for s in self.spans if s.end <= start]
            spans += check.misspelled(text, start, new_end)
            spans += [
                WordSpan(s.start + shift, s.end + shift, s.word)
                for s in self.spans
                if s.start >= old_end
            ]
        self.text, self.spans = text, spans
        return spans


def _same_code_outside(old: str, new: str, start: int, old_end: int) -> bool:
    """True when the code spans (`…`) of both texts lie outside the changed region and match."""
    if "`" not in old and "`" not in new:
        return True
    shift = len(new) - len(old)
    spans_old = [m.span() for m in _CODE_SPANS.finditer(old)]
    spans_new = [m.span() for m in _CODE_SPANS.finditer(new)]
    moved = [(a, b) if b <= start else (a + shift, b + shift) for a, b in spans_old]
    outside = all(b <= start or a >= old_end for a, b in spans_old)
    return outside and moved == spans_new


def _common_length(same: Callable[[int], bool], limit: int) -> int:
    """The largest n <= limit with same(n), by halving (slice comparisons run in C)."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if same(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _changed_region(old: str, new: str) -> tuple[int, int, int]:
    """Where `new` differs from `old`, widened to whole chunks (runs of non-spaces): the start,
    the end in `new` and the end in `old`."""
    limit = min(len(old), len(new))
    prefix = _common_length(lambda n: old[:n] == new[:n], limit)
    suffix = _common_length(lambda n: old[len(old) - n :] == new[len(new) - n :], limit - prefix)
    start = prefix
    while start > 0 and not new[start - 1].isspace():
        start -= 1
    new_end = len(new) - suffix
    while new_end < len(new) and not new[new_end].isspace():
        new_end += 1
    return start, new_end, new_end - (len(new) - len(old))
