"""Exact token counts with tiktoken, from the encodings bundled in resources/tiktoken (never the network).

tiktoken normally downloads its BPE files on first use. We build each `tiktoken.Encoding` from the
gzip files the app ships instead, verify them against SHA256SUMS and against the hash tiktoken
itself expects, and cache one Encoding per process. tiktoken is imported lazily (first count),
never when this module is imported.

Counting follows the OpenAI Cookbook: 3 tokens per example, and per message 3 + role + text
content + name (+1 when there is a name) + each tool call's function name and arguments.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import re
import threading
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_app.core.dataset.jsonline import RecordKind, classify
from desktop_app.core.errors import UserFacingError
from desktop_app.core.files.resources import resource
from desktop_app.core.models.catalog import base_model_name, find_model

if TYPE_CHECKING:
    import tiktoken

O200K = "o200k_base"
CL100K = "cl100k_base"
ENCODINGS = (O200K, CL100K)

TOKENS_PER_EXAMPLE = 3  # the reply primer the Cookbook adds to every conversation
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
PARALLEL_MIN_CHARS = 4000  # texts at least this long are encoded on several threads
HUGE_TEXT_CHARS = 1_000_000  # longer texts are encoded piece by piece (memory stays bounded)
TOKEN_PIECE_CHARS = 8_000

# Model families by prefix, for names the model list does not know (checked in order).
_O200K_FAMILIES = re.compile(r"^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4)(\b|-|$)")
_CL100K_FAMILIES = re.compile(r"^(gpt-3\.5|gpt-35|gpt-4|davinci-002|babbage-002)(\b|-|$)")


class TokenizerDataError(UserFacingError):
    """A bundled encoding file is missing or damaged."""


# ---- which encoding -----------------------------------------------------------------------------
def encoding_name_for_model(model: str) -> str:
    """o200k_base or cl100k_base for a model id, alias or `ft:` name; o200k_base when unknown.

    A fine-tuned name uses its base model's encoding (tiktoken's own prefix table maps
    `ft:gpt-4.1-…` to cl100k_base, which is wrong).
    """
    info = find_model(model)
    if info is not None and info.encoding in ENCODINGS:
        return info.encoding
    base = base_model_name(model).lower()
    if _O200K_FAMILIES.match(base):
        return O200K
    if _CL100K_FAMILIES.match(base):
        return CL100K
    return O200K


def encoding_for_model(model: str) -> tiktoken.Encoding:
    return get_encoding(encoding_name_for_model(model))


# ---- loading the bundled files ------------------------------------------------------------------
_lock = threading.Lock()
_encodings: dict[str, tiktoken.Encoding] = {}


def get_encoding(name: str) -> tiktoken.Encoding:
    """The named encoding, built once per process from the bundled file (thread-safe)."""
    found = _encodings.get(name)
    if found is not None:
        return found
    with _lock:
        found = _encodings.get(name)
        if found is None:
            found = _build_encoding(name)
            _encodings[name] = found
        return found


def _build_encoding(name: str) -> tiktoken.Encoding:
    import tiktoken
    from tiktoken_ext import openai_public

    if name not in ENCODINGS:
        raise ValueError(f"no bundled encoding named {name!r}")
    ranks = load_bundled_ranks(name)
    calls: list[str] = []

    def bundled_loader(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        # tiktoken's expected hash must be the hash of the file we ship, so the encoding is
        # exactly the one tiktoken would have downloaded.
        if expected_hash is not None and expected_hash != _expected_sha256(name):
            raise _damaged(name, f"tiktoken expects sha256 {expected_hash} for {url}")
        calls.append(url)
        return ranks

    # The pattern and special tokens live only inside tiktoken_ext.openai_public's constructor
    # (the pattern is built in its body, not a module constant). We run that constructor's own
    # code with a private copy of its module globals in which `load_tiktoken_bpe` is our loader:
    # nothing global is patched, so other threads and other tiktoken users are unaffected. We
    # then check that the constructor used our loader exactly once and kept our ranks, so a
    # tiktoken that builds encodings differently is refused instead of trusted (it is pinned
    # below 0.15 in pyproject.toml).
    constructor = openai_public.ENCODING_CONSTRUCTORS[name]
    scope = dict(vars(openai_public), load_tiktoken_bpe=bundled_loader)
    offline_constructor: Callable[[], dict[str, Any]] = types.FunctionType(
        constructor.__code__, scope, constructor.__name__
    )
    spec = offline_constructor()
    if len(calls) != 1 or spec.get("mergeable_ranks") is not ranks or spec.get("name") != name:
        raise _damaged(name, "this tiktoken version builds the encoding in an unexpected way")
    return tiktoken.Encoding(**spec)


def load_bundled_ranks(name: str) -> dict[bytes, int]:
    """Read, gunzip, verify and parse resources/tiktoken/<name>.tiktoken.gz."""
    path = resource("tiktoken", f"{name}.tiktoken.gz")
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise _damaged(name, f"{type(exc).__name__}: {exc}") from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != _expected_sha256(name):
        raise _damaged(name, f"sha256 {actual} does not match SHA256SUMS")
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def _expected_sha256(name: str) -> str:
    try:
        sums = resource("tiktoken", "SHA256SUMS").read_text(encoding="ascii")
    except OSError as exc:
        raise _damaged(name, f"SHA256SUMS: {exc}") from exc
    for line in sums.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("*") == f"{name}.tiktoken":
            return parts[0].lower()
    raise _damaged(name, "no entry in SHA256SUMS")


def _damaged(name: str, technical: str) -> TokenizerDataError:
    return TokenizerDataError(
        f"The token counter's data file for {name} is missing or damaged, so tokens cannot be counted.",
        "Reinstall Finetune Studio to restore it.",
        technical=technical,
    )


# ---- counting -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ExampleTokens:
    """Token counts of one example.

    total: what the example costs to train (Cookbook formula; for a preference pair: the input
        messages plus the preferred output). assistant: tokens of assistant replies (content and
        tool-call names/arguments). trained: the same for replies that will be trained (weight
        not 0). For preference pairs, preferred / non_preferred are each output's message tokens.
    """

    total: int
    assistant: int
    trained: int
    preferred: int | None = None
    non_preferred: int | None = None


# Buckets a piece of text (or fixed overhead) adds to; one plan per example.
_TOTAL, _ASSISTANT, _TRAINED, _PREFERRED, _NON_PREFERRED = 1, 2, 4, 8, 16
_BUCKETS = (_TOTAL, _ASSISTANT, _TRAINED, _PREFERRED, _NON_PREFERRED)


class _Plan:
    """What to count for one example: fixed overheads and texts, each tagged with its buckets."""

    __slots__ = ("fixed", "preference", "texts")

    def __init__(self, preference: bool) -> None:
        self.preference = preference
        self.fixed = [0, 0, 0, 0, 0]
        self.texts: list[tuple[str, int]] = []

    def add_fixed(self, amount: int, mask: int) -> None:
        for i, bucket in enumerate(_BUCKETS):
            if mask & bucket:
                self.fixed[i] += amount

    def add_text(self, value: Any, mask: int) -> bool:
        if isinstance(value, str):
            if value:
                self.texts.append((value, mask))
            return True
        return False  # numbers, lists, null where text belongs: counted as nothing

    def result(self, lengths: dict[str, int]) -> ExampleTokens:
        sums = list(self.fixed)
        for text, mask in self.texts:
            length = lengths[text]
            for i, bucket in enumerate(_BUCKETS):
                if mask & bucket:
                    sums[i] += length
        total, assistant, trained, preferred, non_preferred = sums
        if not self.preference:
            return ExampleTokens(total, assistant, trained)
        return ExampleTokens(total, assistant, trained, preferred, non_preferred)


def _plan_messages(plan: _Plan, messages: Any, mask: int, *, replies: bool, trains: bool) -> None:
    """Plan a message list. replies: its assistant messages count as assistant tokens;
    trains: those with weight other than 0 count as trained tokens too."""
    if not isinstance(messages, list):
        return
    for message in messages:
        if isinstance(message, dict):
            _plan_message(plan, message, mask, replies=replies, trains=trains)


def _plan_message(
    plan: _Plan, message: dict[str, Any], mask: int, *, replies: bool, trains: bool
) -> None:
    plan.add_fixed(TOKENS_PER_MESSAGE, mask)
    role = message.get("role")
    plan.add_text(role, mask)
    reply = mask
    if role == "assistant" and replies:
        reply |= _ASSISTANT
        if trains and message.get("weight", 1) != 0:
            reply |= _TRAINED
    _plan_content(plan, message.get("content"), reply)
    if plan.add_text(message.get("name"), mask):
        plan.add_fixed(TOKENS_PER_NAME, mask)
    tool_calls = message.get("tool_calls")
    if isinstance(tool_calls, list):
        for call in tool_calls:
            if isinstance(call, dict):
                _plan_function(plan, call.get("function"), reply)
    _plan_function(plan, message.get("function_call"), reply)


def _plan_content(plan: _Plan, content: Any, mask: int) -> None:
    if isinstance(content, list):
        for part in content:  # text parts only; images are not text
            if isinstance(part, dict) and part.get("type") == "text":
                plan.add_text(part.get("text"), mask)
    else:
        plan.add_text(content, mask)


def _plan_function(plan: _Plan, function: Any, mask: int) -> None:
    if isinstance(function, dict):
        plan.add_text(function.get("name"), mask)
        plan.add_text(function.get("arguments"), mask)


def _plan_example(value: Any) -> _Plan | None:
    kind = classify(value)
    if kind is RecordKind.CHAT:
        plan = _Plan(preference=False)
        plan.add_fixed(TOKENS_PER_EXAMPLE, _TOTAL)
        _plan_messages(plan, value.get("messages"), _TOTAL, replies=True, trains=True)
        return plan
    if kind is RecordKind.PREFERENCE:
        # A preference pair trains on its input and both outputs; we bill the input plus the
        # preferred output (one complete conversation, like a chat example) and report each
        # output on its own, so the two can be compared.
        plan = _Plan(preference=True)
        plan.add_fixed(TOKENS_PER_EXAMPLE, _TOTAL)
        source = value.get("input")
        if isinstance(source, dict):
            _plan_messages(plan, source.get("messages"), _TOTAL, replies=True, trains=False)
        preferred, rejected = value.get("preferred_output"), value.get("non_preferred_output")
        _plan_messages(plan, preferred, _TOTAL | _PREFERRED, replies=True, trains=True)
        _plan_messages(plan, rejected, _NON_PREFERRED, replies=False, trains=False)
        return plan
    return None


def _default_threads() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def encoded_length(encoding: tiktoken.Encoding, text: str) -> int:
    """Tokens of `text`; a huge text is encoded in pieces, so memory stays near its own size.

    tiktoken's BPE on one enormous word (50 MB of one repeated character) takes gigabytes; the
    pieces end at a space where there is one, so the count stays exact for ordinary text (and
    off by at most one token per piece otherwise — such a text is far over every limit anyway).
    """
    if len(text) <= HUGE_TEXT_CHARS:
        return _count(encoding, text)
    total = 0
    start = 0
    while start < len(text):
        end = min(start + TOKEN_PIECE_CHARS, len(text))
        if end < len(text):
            space = text.rfind(" ", start + TOKEN_PIECE_CHARS // 2, end)
            end = space if space > start else end
        total += len(encoding.encode_ordinary(text[start:end]))
        start = end
    return total


def _count(encoding: tiktoken.Encoding, text: str) -> int:
    """len(encoding.encode_ordinary(text)), without making a Python int per token.

    tiktoken's core can hand the tokens back as one packed buffer of 4-byte values (what its
    own `encode_to_numpy` uses); counting that buffer's bytes skips building the list, which
    is 10–25 % of counting (benchmarks/README.md). With no special token allowed, the core's
    `encode` is `encode_ordinary` (tests/core/test_token_count_buffer.py compares the two)."""
    try:
        packed = encoding._core_bpe.encode_to_tiktoken_buffer(text, _NO_SPECIAL)
    except (AttributeError, UnicodeEncodeError):  # another tiktoken; lone surrogates
        return len(encoding.encode_ordinary(text))
    return memoryview(packed).nbytes // 4


_NO_SPECIAL: frozenset[str] = frozenset()


class TokenCounter:
    """Counts tokens with one model's encoding (loaded on the first count, then shared)."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.encoding_name = encoding_name_for_model(model)

    @property
    def encoding(self) -> tiktoken.Encoding:
        return get_encoding(self.encoding_name)

    def count_text(self, text: str) -> int:
        """Tokens of plain text; special-token text such as <|endoftext|> counts as ordinary text."""
        return encoded_length(self.encoding, text) if text else 0

    def count_example(self, value: Any) -> ExampleTokens | None:
        """Counts for a chat or preference example; None when the value is neither."""
        plan = _plan_example(value)
        if plan is None:
            return None
        unique = {text for text, _ in plan.texts}
        lengths = {text: self.count_text(text) for text in unique}
        return plan.result(lengths)

    def count_examples(self, values: Sequence[Any]) -> list[ExampleTokens | None]:
        """count_example for each value (the editor's counter interface)."""
        return [self.count_example(value) for value in values]

    def count_many(
        self, values: Iterable[Any], *, num_threads: int | None = None
    ) -> list[ExampleTokens | None]:
        """count_example for many values, encoding every distinct text once, in parallel."""
        plans = [_plan_example(value) for value in values]
        unique: dict[str, int] = {}
        for plan in plans:
            if plan is not None:
                for text, _ in plan.texts:
                    unique.setdefault(text, 0)
        lengths = self._lengths(list(unique), num_threads or _default_threads())
        return [plan.result(lengths) if plan is not None else None for plan in plans]

    def _lengths(self, texts: Sequence[str], num_threads: int) -> dict[str, int]:
        encoding = self.encoding
        lengths: dict[str, int] = {}
        long_texts: list[str] = []
        for text in texts:
            if num_threads > 1 and len(text) >= PARALLEL_MIN_CHARS:
                long_texts.append(text)
            else:
                lengths[text] = encoded_length(encoding, text)
        huge = [t for t in long_texts if len(t) > HUGE_TEXT_CHARS]
        for text in huge:
            lengths[text] = encoded_length(encoding, text)
        long_texts = [t for t in long_texts if len(t) <= HUGE_TEXT_CHARS]
        if long_texts:
            # tiktoken releases the GIL while encoding, so long texts gain from several threads;
            # for short ones the per-call thread hand-off costs more than it saves (measured).
            encoded = encoding.encode_ordinary_batch(long_texts, num_threads=num_threads)
            lengths.update((t, len(ids)) for t, ids in zip(long_texts, encoded, strict=True))
        return lengths
