"""What the voice checks need from one example, measured once per line (beside its summary).

Everything here runs for every line of a 100,000-example file, so it sticks to C-level work:
regular expressions over whole texts, `str.split`, `str.count`, and one MinHash per side of the
example. The dataset-wide checks (desktop_app.core.voice.checks) then only read these compact
features: the style numbers, the specifics the reply adds, two MinHash signatures and a few
request words.
"""

from __future__ import annotations

import re
import zlib
from typing import Any, NamedTuple

import numpy as np

# datasketch: MinHash signatures (its affine32 scheme), the standard near-duplicate sketch.
from datasketch import MinHash

from desktop_app.core.edits import text_of as message_text  # the text of one message
from desktop_app.core.voice.facts import specifics

NUM_PERM = 32
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1).permutations  # shared: built once
MAX_SHINGLES = 160  # distinct words hashed per side (a long reply's first ones)
STYLE_CHARS = 20_000  # texts longer than this are measured on their start

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?。！？]+(?=\s|$)")
_VOWELS = re.compile(r"[aeiouy]+", re.IGNORECASE)
_CAPS = re.compile(r"\b[A-Z]{3,}\b")
_EMOJI = re.compile(
    "[\U0001f300-\U0001faff\u2600-\u27bf\U0001f1e6-\U0001f1ff\u2b50\u2b55\u2705\u274c]"
)
_FIRST_SINGULAR = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|I'll|I’ll|me|my|mine)\b")
_FIRST_PLURAL = re.compile(r"\b(?:we|We|we're|We're|we’re|We’re|us|our|Our|ours)\b")
_SIGN_OFF = re.compile(
    r"^(?:best|regards|kind regards|best regards|cheers|thanks|thank you|many thanks|sincerely|"
    r"warmly|take care|all the best|yours|talk soon|have a (?:great|nice|good) day)\b",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "again",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "for",
        "from",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "let",
        "like",
        "me",
        "more",
        "most",
        "my",
        "need",
        "no",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "please",
        "same",
        "she",
        "should",
        "so",
        "some",
        "still",
        "such",
        "than",
        "thank",
        "thanks",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "us",
        "very",
        "want",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "hi",
        "hello",
        "hey",
        "help",
        "know",
        "tell",
        "give",
        "make",
        "way",
        "one",
        "two",
        "use",
        "using",
        "able",
        "really",
        "much",
        "many",
        "well",
        "okay",
        "ok",
        "yes",
    ]
)


class VoiceFeatures(NamedTuple):
    """The measurements of one example's final reply (a tuple: it travels between processes)."""

    reply_index: int  # message index of the final reply (in the conversation)
    words: int
    sentence_words: float  # average words per sentence
    reading_ease: float  # Flesch reading ease (higher: easier)
    exclamations: int
    emoji: int
    capitals: int  # words written in capitals (3+ letters)
    sign_off: str  # the reply's closing line when it is a sign-off ("best, ana"), else ""
    person: str  # "I" when the reply speaks as I, "we" as we, "" neither
    facts: tuple[tuple[str, str], ...]  # specifics the conversation does not contain
    echoed: int  # specifics the reply repeats from the conversation
    prompt_sig: bytes  # MinHash of the user's words
    reply_sig: bytes  # MinHash of the reply's words
    topics: tuple[str, ...]  # content words of the first request (for the balance)


def voice_features(conversation: list[Any], reply_at: int) -> VoiceFeatures | None:
    """Features of an example whose final reply is `conversation[reply_at]` (None: no reply)."""
    if reply_at < 0:
        return None
    reply = message_text(conversation[reply_at])
    if not reply.strip():
        return None
    before = [m for m in conversation[:reply_at] if isinstance(m, dict)]
    context = "\n".join(message_text(m) for m in before)
    user = "\n".join(message_text(m) for m in before if m.get("role") == "user")
    first_user = next((message_text(m) for m in before if m.get("role") == "user"), "")
    style = reply if len(reply) <= STYLE_CHARS else reply[:STYLE_CHARS]
    reply_words = _WORD.findall(style)
    words = len(reply_words) if len(reply) <= STYLE_CHARS else len(reply.split())
    sentences = max(1, len(_SENTENCE_END.findall(style)))
    shown = max(1, len(reply_words))
    syllables = len(_VOWELS.findall(style))
    ease = 206.835 - 1.015 * (shown / sentences) - 84.6 * (syllables / shown)
    facts, echoed = specifics(style, context)
    singular = len(_FIRST_SINGULAR.findall(style))
    plural = len(_FIRST_PLURAL.findall(style))
    person = "I" if singular > plural else "we" if plural > singular else ""
    return VoiceFeatures(
        reply_at,
        words,
        round(shown / sentences, 1),
        round(ease, 1),
        style.count("!"),
        len(_EMOJI.findall(style)),
        len(_CAPS.findall(style)),
        sign_off(style),
        person,
        facts,
        echoed,
        signature(_WORD.findall(user[:STYLE_CHARS])),
        signature(reply_words),
        topic_words(first_user),
    )


def sign_off(reply: str) -> str:
    """The closing line of a reply when it is a sign-off, lower-cased, else ""."""
    tail = reply.rstrip()
    cut = tail.rfind("\n")
    last = tail[cut + 1 :].strip() if cut >= 0 else ""
    if not last or len(last) > 40:
        return ""
    if cut >= 0:  # "Best,\nAna": the sign-off is the line before the name
        before = tail[:cut].rstrip()
        above = before[before.rfind("\n") + 1 :].strip()
        if _SIGN_OFF.match(above) and len(above) <= 40:
            return " ".join(f"{above} {last}".lower().split())
    return " ".join(last.lower().split()) if _SIGN_OFF.match(last) else ""


def words_of(text: str) -> list[str]:
    """The words of a text, lower-cased (for comparing examples)."""
    return [w.lower() for w in _WORD.findall(text)]


def signature(words: list[str]) -> bytes:
    """A MinHash of the distinct lower-cased words (b"" when there are none)."""
    distinct = dict.fromkeys(w.lower() for w in words[: MAX_SHINGLES * 4])
    if not distinct:
        return b""
    sketch = MinHash(
        num_perm=NUM_PERM, hashfunc=zlib.crc32, permutations=_PERMUTATIONS, scheme="affine32"
    )
    sketch.update_batch([w.encode() for w in list(distinct)[:MAX_SHINGLES]])
    values: np.ndarray = sketch.hashvalues
    return values.astype(np.uint32).tobytes()


def topic_words(request: str) -> tuple[str, ...]:
    """Up to six content words of a request, in order (stopwords and short words left out)."""
    found: dict[str, None] = {}
    for word in _WORD.findall(request[:600]):
        lowered = word.lower()
        if len(lowered) >= 4 and lowered not in STOPWORDS and not lowered.isdigit():
            found.setdefault(_stem(lowered), None)
            if len(found) == 6:
                break
    return tuple(found)


def _stem(word: str) -> str:
    """A light plural fold ("refunds" → "refund"), so a topic is one word, said one way."""
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
