"""Which spelling dictionary fits a dataset whose writer has not chosen one.

The shipped dictionaries judge for themselves (pyspellchecker's word lists, already in the app
for spell checking): the one that knows the largest share of a sample of the dataset's words
wins, when it knows clearly more than English does. A language detector (langdetect, lingua)
would name any of dozens of languages, but only these five have a dictionary here, and it would
be one more dependency (lingua's models are ~100 MB) for a choice among five that the word lists
make well. English datasets never read another list: English knowing most words settles it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from desktop_app.core.dataset.edits import text_of
from desktop_app.core.dataset.spelling import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    is_listed,
    load_speller,
    normalise,
    word_list,
    words_to_check,
)

SAMPLE_RECORDS = 200  # the dataset's first lines that are read
SAMPLE_WORDS = 600  # distinct words compared at most
SAMPLE_CHARS = 30_000  # of text read at most (a worker's few milliseconds)
MIN_WORDS = 20  # fewer: too little to tell, English stays
ENGLISH_ENOUGH = 0.85  # English knows this share: no other list is read
MARGIN = 0.15  # another dictionary must know this much more of the words than English


def sample_words(
    raws: Iterable[bytes], limit: int = SAMPLE_WORDS, chars: int = SAMPLE_CHARS
) -> list[str]:
    """Distinct words (as spell checking sees them) from the messages of the given lines, from
    at most `chars` characters of their text."""
    found: dict[str, None] = {}
    for raw in raws:
        for text in _texts(raw):
            if chars <= 0:
                return list(found)
            text = text[:chars]
            chars -= len(text)
            for span in words_to_check(text):
                found.setdefault(normalise(span.word), None)
                if len(found) >= limit:
                    return list(found)
    return list(found)


def guess_language(words: Sequence[str]) -> str:
    """The language code of the dictionary that knows the most of `words`, English unless
    another knows clearly more (MARGIN). Loads word lists: call it off the GUI thread."""
    if len(words) < MIN_WORDS:
        return DEFAULT_LANGUAGE
    english = load_speller(DEFAULT_LANGUAGE)
    english_share = known_share(words, english.knows)
    if english_share >= ENGLISH_ENOUGH:
        return DEFAULT_LANGUAGE
    best, best_share = DEFAULT_LANGUAGE, english_share
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue
        known = word_list(language)  # read and dropped: only the chosen one stays loaded
        share = known_share(words, partial(is_listed, known, language))
        if share > best_share:
            best, best_share = language, share
    return best if best_share >= english_share + MARGIN else DEFAULT_LANGUAGE


def known_share(words: Sequence[str], knows: Callable[[str], bool]) -> float:
    return sum(map(knows, words)) / len(words) if words else 0.0


def _texts(raw: bytes) -> list[str]:
    """Every message text of a chat line, a preference pair or a prompt/completion line."""
    try:
        value: Any = json.loads(raw)
    except (ValueError, RecursionError):
        return []
    if not isinstance(value, dict):
        return []
    messages: list[Any] = []
    for key in ("messages", "preferred_output", "non_preferred_output"):
        if isinstance(value.get(key), list):
            messages += value[key]
    source = value.get("input")
    if isinstance(source, dict) and isinstance(source.get("messages"), list):
        messages += source["messages"]
    texts = [text_of(m) for m in messages if isinstance(m, dict)]
    texts += [value[k] for k in ("prompt", "completion") if isinstance(value.get(k), str)]
    return [t for t in texts if t]
