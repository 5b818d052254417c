"""What the practice “models” say.

A tuned model (or one of its checkpoints) answers with the reply of the training example whose
user message shares the most words with the question; a base model gives a generic but plausible
answer. Replies are cut into small pieces for streaming.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from desktop_app.core.practice_server.checks import Pair

_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "is",
        "are",
        "was",
        "were",
        "be",
        "it",
        "this",
        "that",
        "i",
        "you",
        "we",
        "my",
        "your",
        "me",
        "do",
        "does",
        "can",
        "could",
        "would",
        "should",
        "how",
        "what",
        "why",
        "when",
        "where",
        "who",
        "please",
    ]
)


def words(text: str) -> set[str]:
    return {w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in _STOP}


def similarity(a: str, b: str) -> float:
    """Word overlap (Jaccard) of two texts, ignoring very common words."""
    left, right = words(a), words(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def tuned_reply(question: str, pairs: list[Pair]) -> str:
    if not pairs:
        return "I learned from an empty file, so I have nothing to say yet."
    best = max(pairs, key=lambda pair: similarity(question, pair.prompt))
    return best.reply


def base_reply(question: str) -> str:
    topic = " ".join(question.split()[:12]).strip() or "that"
    if len(question.split()) > 12:
        topic += "…"
    return (
        f"Thanks for asking about “{topic}”. In general, it helps to start with the basics, "
        "check the details that matter most to you, and go one step at a time. "
        "If you tell me a little more about your situation, I can give a more specific answer."
    )


def pieces(text: str) -> Iterator[str]:
    """The reply in small pieces (a word and its following space), as a stream sends them."""
    for match in re.finditer(r"\S+\s*|\s+", text):
        yield match.group(0)


def count_tokens(text: str) -> int:
    return max(1, len(text) // 4)
