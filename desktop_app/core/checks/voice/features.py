"""What the voice checks need from one example, measured once per line (beside its summary).

Everything here runs for every line of a 100,000-example file (budget: a few microseconds), so
it sticks to C-level work on the start of each text: regular expressions, `str.split`,
`str.count`. Each side of the example (the user's words, the reply) gets a MinHash signature,
computed for a whole batch of lines at once (`sign_summaries`). The dataset-wide checks
(desktop_app.core.checks.voice.report) then only read these compact features.
"""

from __future__ import annotations

import re
import zlib
from array import array
from dataclasses import replace
from typing import Any, NamedTuple

from desktop_app.core.checks.voice.facts import maybe_facts, specifics
from desktop_app.core.checks.voice.minhash import signatures
from desktop_app.core.dataset.edits import text_of as message_text  # the text of one message

MAX_SHINGLES = 48  # distinct words hashed per side (a long text's first ones)
SHINGLE_CHARS = 600  # … taken from this much of the text
STYLE_CHARS = 2_000  # style is measured on a reply's first 2,000 characters

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_ENDS = tuple(
    e.encode() for e in (". ", "! ", "? ", ".\n", "!\n", "?\n", "。", "！", "？")
)
# a reading ease that would say nothing (a reply in Chinese, Korean, Russian…); infinity, not NaN,
# so two summaries still compare equal
NOT_MEASURED = float("inf")
LATIN_SHARE = 0.6  # a reply is measured when this much of it is plain ASCII (French, Spanish are)
SYLLABLES_PER_VOWEL = 0.75  # English vowel letters per syllable, roughly ("reading": 3, 2)
# punctuation (not apostrophes) becomes spaces, so str.split finds the words
# (in UTF-8 bytes: bytes.translate and bytes.count run in C, ~10× quicker than str.translate)
_SPLITS = b'.,!?;:"()[]{}<>*_#/\\|~`=+-\n\t\r'
_PUNCTUATION = bytes.maketrans(_SPLITS, b" " * len(_SPLITS))
_LETTER_CASE = bytes.maketrans(
    bytes(range(65, 91)) + bytes(range(97, 123)), b"A" * 26 + b"a" * 26
)  # capitals become A, small letters a: " AAA" starts a word in capitals
_CAPITAL_WORD = re.compile(r"(?<![^ ])[A-Z]{3}[A-Za-z]*")  # as " AAA" counts them, whole
_FENCE = re.compile(r"```.*?(?:```|$)", re.DOTALL)
_VOWEL_BYTES = tuple(c.encode() for c in "aeiouy")
_SINGULAR = tuple(
    f" {w} ".encode() for w in ("i", "i'm", "i've", "i'll", "i'd", "me", "my", "mine")
)
_PLURAL = tuple(f" {w} ".encode() for w in ("we", "we're", "we've", "we'll", "us", "our", "ours"))
# kana and Han characters: written without spaces, each counts as a word (a Chinese reply of
# forty characters was one "word", and every English reply beside it "far too long")
_CJK_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORDY = re.compile(r"[^\W_]\S*")  # a word between spaces: from its first letter or digit on
_EMOJI = re.compile(
    "[\U0001f300-\U0001faff\u2600-\u27bf\U0001f1e6-\U0001f1ff\u2b50\u2b55\u2705\u274c]"
)
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
    reading_ease: float  # Flesch reading ease (higher: easier); NOT_MEASURED in other scripts
    exclamations: int
    emoji: int
    capitals: int  # different words written in capitals (3+ letters)
    sign_off: str  # the reply's closing line when it is a sign-off ("best, ana"), else ""
    person: str  # "I" when the reply speaks as I, "we" as we, "" neither
    facts: tuple[tuple[str, str, str], ...]  # specifics the conversation lacks: kind, text, key
    echoed: int  # specifics the reply repeats from the conversation
    prompt_sig: bytes  # MinHash of the user's words
    reply_sig: bytes  # MinHash of the reply's words
    topics: tuple[str, ...]  # content words of the first request (for the balance)


def voice_features(conversation: list[Any], reply_at: int) -> VoiceFeatures | None:
    """Features of an example whose final reply is `conversation[reply_at]` (None: no reply).

    The two signatures hold the hashed words until `sign_summaries` turns them into MinHashes.
    Python's regular expressions cost ~20 µs per pattern on a reply, so words are found by
    splitting (punctuation turned into spaces first) and counted with `list.count`."""
    if reply_at < 0:
        return None
    reply = message_text(conversation[reply_at])
    if not reply or reply.isspace():
        return None
    before = [m for m in conversation[:reply_at] if isinstance(m, dict)]
    user_texts = [message_text(m) for m in before if m.get("role") == "user"]
    style = reply if len(reply) <= STYLE_CHARS else reply[:STYLE_CHARS]
    raw_words = style.split()
    cjk = not style.isascii() and _CJK_CHAR.search(style) is not None
    shown = max(1, word_count(style) if cjk else len(raw_words))
    words = shown if style is reply else reply.count(" ") + reply.count("\n") + 1
    if style is not reply and cjk:
        words = word_count(reply)
    encoded = style.encode("utf-8", "surrogatepass")  # a broken file's lone surrogate too
    padded = b" " + encoded.lower().translate(_PUNCTUATION) + b" "
    sentences = max(1, sum(map(encoded.count, _SENTENCE_ENDS)) + (style.rstrip()[-1:] in ".!?"))
    syllables = SYLLABLES_PER_VOWEL * sum(map(padded.count, _VOWEL_BYTES))
    ease = 206.835 - 1.015 * (shown / sentences) - 84.6 * (syllables / shown)
    if not style.isascii() and len(style.encode("ascii", "ignore")) < LATIN_SHARE * len(style):
        ease = NOT_MEASURED  # Flesch counts syllables by a, e, i, o, u, y: none in 你好 or 안녕
    singular = sum(map(padded.count, _SINGULAR))
    plural = sum(map(padded.count, _PLURAL))
    capitals = (b" " + encoded).translate(_LETTER_CASE).count(b" AAA")  # words in capitals
    if capitals > 1:  # each word once: an acronym said five times ("IPO") is not shouting
        capitals = len(set(_CAPITAL_WORD.findall(style)))
    facts: tuple[tuple[str, str, str], ...] = ()
    echoed = 0
    prose = _without_code(style)
    if maybe_facts(prose):
        facts, echoed = specifics(prose, "\n".join(message_text(m) for m in before))
    user = "\n".join(user_texts)
    return VoiceFeatures(
        reply_at,
        words,
        round(shown / sentences, 1),
        round(ease, 1),
        style.count("!"),
        0 if style.isascii() else len(_EMOJI.findall(style)),
        capitals,
        sign_off(reply[-200:]),
        "I" if singular > plural else "we" if plural > singular else "",
        facts,
        echoed,
        shingles(user),
        shingles(style),
        topic_words(user_texts[0]) if user_texts else (),
    )


def word_count(text: str) -> int:
    """Words between spaces (those holding a letter or digit), each kana or Han character
    counted as one word."""
    return len(_WORDY.findall(_CJK_RUN.sub(" ", text))) + len(_CJK_CHAR.findall(text))


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


def _without_code(text: str) -> str:
    """The text without fenced code blocks (numbers in code are not facts)."""
    return _FENCE.sub(" ", text) if "```" in text else text


def plain_words(text: str) -> list[bytes]:
    """The lower-cased words of a text in UTF-8, punctuation dropped (no regular expression)."""
    return text.lower().encode("utf-8", "surrogatepass").translate(_PUNCTUATION).split()


def shingles(text: str) -> bytes:
    """The distinct lower-cased words of a text's start, each hashed (CRC-32), as bytes."""
    found = dict.fromkeys(plain_words(text[:SHINGLE_CHARS]))
    if not found:
        return b""
    return array("I", map(zlib.crc32, list(found)[:MAX_SHINGLES])).tobytes()


def sign_summaries(summaries: list[Any]) -> list[Any]:
    """The summaries with their voice features' hashed words turned into MinHash signatures."""
    voiced = [i for i, s in enumerate(summaries) if s.voice is not None]
    if not voiced:
        return summaries
    sets = [summaries[i].voice.prompt_sig for i in voiced]
    sets += [summaries[i].voice.reply_sig for i in voiced]
    signed = signatures(sets)
    count = len(voiced)
    for n, i in enumerate(voiced):
        summary = summaries[i]
        voice = summary.voice._replace(prompt_sig=signed[n], reply_sig=signed[count + n])
        summaries[i] = replace(summary, voice=voice)
    return summaries


def topic_words(request: str) -> tuple[str, ...]:
    """Up to six content words of a request, in order (stopwords and short words left out)."""
    found: dict[str, None] = {}
    for word in plain_words(request[:300]):
        lowered = word.decode(errors="replace")
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
