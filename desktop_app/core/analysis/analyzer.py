"""Per-line analysis shared by the GUI and `ftstudio validate`: problems, tokens, hashes, a preview.

`Analyzer.record(raw, line)` summarises one line (fast enough to run after every edit);
`Analyzer.records(raws, first_line)` does a batch, counting tokens in one go. `dataset_problems`
adds the findings about the whole file. `analyze_file` streams a file from disk through worker
processes, one byte range each, so a 200 MB file is checked on every core without being held in
memory as parsed objects.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desktop_app.core.analysis.gc_pause import without_cycle_collector as _without_cycle_collector
from desktop_app.core.analysis.record_summary import (
    RecordSummary,
    summaries_from_tuples,
    summary_as_tuple,
)
from desktop_app.core.analysis.summary_parts import chat_hashes, example_hashes, image_count
from desktop_app.core.analysis.summary_parts import example_hashes as _hashes  # noqa: F401 - the tests use it
from desktop_app.core.checks import check_line
from desktop_app.core.checks.base import Findings, TextGate, keep_marks
from desktop_app.core.checks.dataset_level import dataset_problems
from desktop_app.core.checks.messages import scan_texts
from desktop_app.core.checks.plain import PlainPass, plain_pass
from desktop_app.core.checks.provider_rules import LINE_RULES, example_problems
from desktop_app.core.checks.voice.features import sign_summaries, voice_features
from desktop_app.core.checks.voice.wordlist import BannedScanner, WordList
from desktop_app.core.dataset.jsonline import ParsedLine, RecordKind, classify, parse_line
from desktop_app.core.dataset.preview import line_preview
from desktop_app.core.dataset.records import open_error, require_regular_file
from desktop_app.core.models.catalog import DEFAULT_MODEL
from desktop_app.core.problems import Problem
from desktop_app.core.tokens.counts import (
    TOKENS_PER_EXAMPLE,
    TOKENS_PER_MESSAGE,
    TOKENS_PER_NAME,
    ExampleTokens,
    TokenCounter,
    encoded_length,
)

__all__ = [
    "Analyzer",
    "FileAnalysis",
    "RecordSummary",
    "analyze_file",
    "dataset_problems",
]

BOM = b"\xef\xbb\xbf"
_EXAMPLE_KINDS = (RecordKind.CHAT, RecordKind.PREFERENCE)


class Analyzer:
    """Summarises lines for one model and provider (the encoding is loaded on first use)."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        provider: str = "openai",
        words: WordList | None = None,
        voice: bool = True,  # False: no voice features (`validate --no-voice` reads none)
    ) -> None:
        self.model = model
        self.provider = provider
        self.voice = voice
        self.banned = BannedScanner(words) if words is not None and words.banned else None
        self.counter = TokenCounter(model)
        self._text_cache: dict[str, int] = {}

    def record(self, raw: bytes, line: int) -> RecordSummary:
        return self.records([raw], line)[0]

    def records(self, raws: Sequence[bytes], first_line: int) -> list[RecordSummary]:
        return self._batch(raws, first_line, num_threads=None)

    def _batch(
        self,
        raws: Sequence[bytes],
        first_line: int,
        num_threads: int | None,
        *,
        previews: bool = True,
    ) -> list[RecordSummary]:
        parsed = [parse_fast(raw) for raw in raws]
        passes = [_plain(p) for p, _ in parsed]
        counts = self._count(parsed, passes, num_threads)
        summaries = [
            summarize(
                raw,
                p,
                first_line + i,
                tokens,
                self.provider,
                certified=certified,
                previews=previews,
                fast=fast,
                banned=self.banned,
                voice=self.voice,
            )
            for i, (raw, (p, certified), fast, tokens) in enumerate(
                zip(raws, parsed, passes, counts, strict=True)
            )
        ]
        # the voice checks' MinHashes, for the batch at once
        return sign_summaries(summaries) if self.voice else summaries

    def count_many(
        self, values: Sequence[Any], *, num_threads: int | None = None
    ) -> list[ExampleTokens | None]:
        """TokenCounter.count_many, quicker for plain chat examples (same numbers)."""
        parsed = [(ParsedLine(classify(v), v), True) for v in values]
        return self._count(parsed, [_plain(p) for p, _ in parsed], num_threads)

    def _count(
        self,
        parsed: Sequence[tuple[ParsedLine, bool]],
        passes: Sequence[PlainPass | None],
        num_threads: int | None,
    ) -> list[ExampleTokens | None]:
        """Token counts of a batch. Plain chat examples are summed here from their messages
        (each distinct text encoded once; system prompts remembered across batches); the other
        examples go to the TokenCounter. tests/core/test_analysis.py checks both agree."""
        others = [
            p.value
            for (p, _), fast in zip(parsed, passes, strict=True)
            if fast is None and p.kind in _EXAMPLE_KINDS
        ]
        counted = iter(self.counter.count_many(others, num_threads=num_threads) if others else [])
        lengths = self._lengths([fast for fast in passes if fast is not None])
        result: list[ExampleTokens | None] = []
        for (p, _), fast in zip(parsed, passes, strict=True):
            if fast is not None:
                result.append(_plain_counts(fast, lengths))
            elif p.kind in _EXAMPLE_KINDS:
                result.append(next(counted))
            else:
                result.append(None)
        return result

    def _lengths(self, passes: list[PlainPass]) -> dict[str, int]:
        """Token lengths of every distinct role, content and name in the plain examples."""
        cache = self._text_cache  # roles and system prompts, kept across batches
        lengths: dict[str, int] = {}
        encoding = self.counter.encoding if passes else None
        for fast in passes:
            for role, content, name, _ in fast.fields:
                if content not in lengths:
                    known = cache.get(content)
                    if known is None:
                        known = encoded_length(encoding, content) if content else 0  # type: ignore[arg-type]
                        if role == "system" and len(content) < _CACHE_MAX_CHARS:
                            cache[content] = known
                    lengths[content] = known
                if role not in lengths:
                    known = cache.get(role)
                    if known is None:
                        known = cache[role] = encoded_length(encoding, role) if role else 0  # type: ignore[arg-type]
                    lengths[role] = known
                if name is not None and name not in lengths:
                    lengths[name] = encoded_length(encoding, name) if name else 0  # type: ignore[arg-type]
        if len(cache) > _CACHE_MAX_ENTRIES:
            cache.clear()
        return lengths


_CACHE_MAX_CHARS = 20_000  # system prompts are remembered across batches
_CACHE_MAX_ENTRIES = 50_000


def _plain(parsed: ParsedLine) -> PlainPass | None:
    """The quick pass over a chat example whose messages are all plain (None otherwise)."""
    if parsed.kind is not RecordKind.CHAT:
        return None
    messages = parsed.value.get("messages")
    if type(messages) is not list or not messages:
        return None
    return plain_pass(messages)


def _plain_counts(fast: PlainPass, lengths: dict[str, int]) -> ExampleTokens:
    """The Cookbook count (see desktop_app.core.tokens.counts) of a plain chat example."""
    total = TOKENS_PER_EXAMPLE
    assistant = trained = 0
    for role, content, name, weight in fast.fields:
        tokens = lengths[content]
        total += TOKENS_PER_MESSAGE + lengths[role] + tokens
        if name is not None:
            total += lengths[name] + TOKENS_PER_NAME
        if role == "assistant":
            assistant += tokens
            if weight != 0:
                trained += tokens
    return ExampleTokens(total, assistant, trained)


# ---- parsing, faster -------------------------------------------------------------------------
def _reject_constant(name: str) -> Any:
    raise ValueError(name)


_RAW_DECODE = json.JSONDecoder(parse_constant=_reject_constant).raw_decode  # built once


def parse_fast(raw: bytes) -> tuple[ParsedLine, bool]:
    """parse_line(raw), but with json's plain C decoder for ordinary lines.

    Returns (parsed, certified). Only duplicate keys need parse_line's slower hook; when
    `certified` is False the caller must confirm there are none with `keys_certified`, once it
    has counted the keys of the value (the hashing walk does), else parse the line again.
    """
    try:
        text = raw.decode("utf-8")
        value, end = _RAW_DECODE(text)
    except (ValueError, RecursionError):
        return parse_line(raw), True  # the slow path words the error exactly (and blank lines)
    if end != len(text) and text[end:].strip():
        return parse_line(raw), True  # more after the value, or leading spaces: rare
    kind = classify(value)
    if kind is RecordKind.BROKEN:
        return parse_line(raw), True
    return ParsedLine(kind, value), False


def keys_certified(raw: bytes, keys: int, kept: bytes | None = None) -> bool:
    """True when a line parsed into objects with `keys` names in all cannot have repeated a name.

    Every name written in the line is a quoted string followed, after optional whitespace, by a
    colon. In the line's kept bytes (checks.base.keep_marks: quotes and colons kept, whitespace
    and most letters dropped) each such name therefore leaves a `":`, so their count is at least
    the number of names written; if it equals the number of names the parser kept, none was
    dropped, i.e. none was repeated. (Text that also leaves a `":` only makes the count larger,
    which means a slower, exact second parse — never a missed repeat.)
    """
    return (keep_marks(raw) if kept is None else kept).count(b'":') == keys


# ---- one line ---------------------------------------------------------------------------------
def summarize(
    raw: bytes,
    parsed: ParsedLine,
    line: int,
    tokens: ExampleTokens | None,
    provider: str,
    *,
    certified: bool = True,
    previews: bool = True,
    fast: PlainPass | None = None,
    banned: BannedScanner | None = None,
    voice: bool = True,
) -> RecordSummary:
    """One line's summary; `fast` is the line's plain pass when the caller has made it."""
    kind = parsed.kind
    if kind is RecordKind.BLANK or kind is RecordKind.BROKEN:
        found = tuple(check_line(raw, parsed, line, provider))
        preview = line_preview(parsed, raw) if previews else ""
        return RecordSummary(kind, preview, 0, None, None, None, found, b"", b"")
    value = parsed.value
    if fast is None:
        fast = _plain(parsed)
    if fast is not None:
        conversation, reply_at = value["messages"], fast.reply_at
    else:
        conversation, reply_at = _conversation(value, kind)
    if fast is not None:
        content_hash, prompt_hash, keys = chat_hashes(value, fast.pieces, fast.names, reply_at)
    else:
        content_hash, prompt_hash, keys = example_hashes(value, kind, conversation, reply_at)
    kept = keep_marks(raw)
    if not certified and not keys_certified(raw, keys, kept):
        parsed = parse_line(raw)  # to learn which names are repeated
    if fast is not None and _structurally_clean(parsed, fast):
        problems = _text_problems(raw, conversation, line, kept)
        if provider in LINE_RULES:  # check_line adds these itself
            problems += tuple(example_problems(provider, value, line))
    else:
        problems = tuple(check_line(raw, parsed, line, provider))
    if fast is not None:
        has_system, has_user, images = fast.has_system, fast.has_user, 0
    else:
        roles = {m.get("role") for m in conversation if isinstance(m, dict)}
        has_system, has_user = "system" in roles, "user" in roles
        images = image_count(conversation)
    if banned is not None:
        problems += tuple(banned.problems(conversation, line))
    features = voice_features(conversation, reply_at) if voice else None
    if features is not None and kind is RecordKind.PREFERENCE:
        features = features._replace(reply_index=-1)  # the reply is not one of the messages
    return RecordSummary(  # positional: this runs for every line
        kind,
        line_preview(parsed, raw) if previews else "",
        len(conversation),
        tokens.total if tokens else None,
        tokens.assistant if tokens else None,
        tokens.trained if tokens else None,
        problems,
        content_hash,
        prompt_hash,
        images,
        has_system,
        has_user,
        features,
    )


def _structurally_clean(parsed: ParsedLine, fast: PlainPass) -> bool:
    """True when only the text scans can still find something (see checks.plain)."""
    return fast.clean and not parsed.duplicate_keys and len(parsed.value) == 1


def _text_problems(
    raw: bytes, messages: list[Any], line: int, kept: bytes | None = None
) -> tuple[Problem, ...]:
    """The problems check_line would report for a structurally clean plain example: only the
    text scans (special tokens, personal data) can fire, and most lines need none of them."""
    gate = TextGate.of_raw(raw) if kept is None else TextGate.of_kept(kept, raw)
    if gate.shut:
        return ()
    out = Findings(line, gate)
    for index, message in enumerate(messages):
        scan_texts(message, index, out)
    return tuple(out.problems)


def _proven_clean(raw: bytes, parsed: ParsedLine, fast: PlainPass) -> bool:
    """True when no per-line rule at all fires (structure clean, and no text scan needed)."""
    return _structurally_clean(parsed, fast) and not _text_problems(
        raw, parsed.value["messages"], 1
    )


def _conversation(value: dict[str, Any], kind: RecordKind) -> tuple[list[Any], int]:
    """(all messages, index of the final assistant reply or -1)."""
    if kind is RecordKind.CHAT:
        messages = value.get("messages")
        messages = messages if isinstance(messages, list) else []
        for index in range(len(messages) - 1, -1, -1):
            message = messages[index]
            if isinstance(message, dict) and message.get("role") == "assistant":
                return messages, index
        return messages, -1
    if kind is RecordKind.PREFERENCE:
        source = value.get("input")
        messages = source.get("messages") if isinstance(source, dict) else None
        messages = list(messages) if isinstance(messages, list) else []
        outputs = value.get("preferred_output")
        reply = outputs[:1] if isinstance(outputs, list) else []
        return messages + reply, (len(messages) if reply else -1)
    return [], -1


# ---- a whole file, streamed -----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FileAnalysis:
    path: Path
    file_bytes: int
    bom: bool
    summaries: list[RecordSummary]  # one per physical line, as Dataset.open would number them


RANGE_BYTES = 2 * 1024 * 1024  # bytes per task: small, so the cores finish together
IN_PROCESS_BYTES = 4 * 1024 * 1024  # smaller files are not worth starting workers for
BATCH = 1000  # examples counted together (repeated texts such as system prompts encode once)


def analyze_file(
    path: str | os.PathLike[str],
    model: str = DEFAULT_MODEL,
    provider: str = "openai",
    *,
    jobs: int | None = None,
    previews: bool = True,
    on_bytes: Callable[[int], None] | None = None,
    words: WordList | None = None,
    voice: bool = True,
) -> FileAnalysis:
    """Summaries of every line of a file, streamed, on `jobs` processes (default: every core).

    This process works too: it takes byte ranges from the end of the file while the workers
    take them from the start, so `jobs` processes run in all. `previews=False` leaves the
    previews empty (the command line does not show them; it saves memory). `on_bytes(n)` is
    called with the size of each byte range once it is checked (for a progress bar);
    `voice=False` skips the voice features (`validate --no-voice`).
    Raises DatasetOpenError (a plain sentence) when the file cannot be read.
    """
    path = Path(path)
    size, bom = _probe(path)
    start = len(BOM) if bom else 0
    jobs = max(1, jobs or os.cpu_count() or 1)
    ranges = split_ranges(path, start, size, RANGE_BYTES)
    work = RangeWork(str(path), model, provider, previews, words, voice)
    done = on_bytes or (lambda _n: None)
    if jobs <= 1 or size < IN_PROCESS_BYTES or len(ranges) < 2:
        return FileAnalysis(path, size, bom, _join(_ran(work.run(r), r, done) for r in ranges))
    work.analyzer.counter.encoding  # noqa: B018 - load it before forking, so workers share it
    from desktop_app.core.processes import process_pool

    # fork is quick and shares the loaded encoding, but is only safe while this process runs no
    # other threads (the command line); a GUI or a test runner with threads gets spawn.
    with process_pool(jobs - 1, fork_ok=True) as pool:
        with _without_cycle_collector():  # the summaries arriving hold no cycles either
            results = _share(work, ranges, pool, jobs - 1, done)
        pool.close()
        pool.join()
    return FileAnalysis(path, size, bom, _join(iter(results)))


def _ran(
    result: RangeResult, byte_range: tuple[int, int], done: Callable[[int], None]
) -> RangeResult:
    done(byte_range[1] - byte_range[0])
    return result


def _share(
    work: RangeWork,
    ranges: list[tuple[int, int]],
    pool: Any,
    workers: int,
    done: Callable[[int], None],
) -> list[RangeResult]:
    """Run the ranges on the pool (from the front) and here (from the back)."""
    results: list[RangeResult | None] = [None] * len(ranges)
    pending: dict[int, Any] = {}
    front, back = 0, len(ranges)
    while front < back:
        while len(pending) < workers + 1 and front < back:  # one queued beyond each running
            pending[front] = pool.apply_async(run_range, (work, ranges[front]))
            front += 1
        if front < back:
            back -= 1
            results[back] = _ran(work.run(ranges[back]), ranges[back], done)
        for index in [i for i, r in pending.items() if r.ready()]:
            results[index] = _ran(
                summaries_from_tuples(pending.pop(index).get()), ranges[index], done
            )
    for index, result in pending.items():
        results[index] = _ran(summaries_from_tuples(result.get()), ranges[index], done)
    return [r for r in results if r is not None]


def _probe(path: Path) -> tuple[int, bool]:
    """Size of the file and whether it starts with a byte-order mark; plain errors if unreadable."""
    require_regular_file(path)  # a FIFO or /dev/zero would hang or never end
    try:
        with path.open("rb") as handle:
            head = handle.read(len(BOM))
            size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        raise open_error(path, exc) from exc
    return size, head == BOM


def split_ranges(path: Path, start: int, size: int, step: int) -> list[tuple[int, int]]:
    """Byte ranges of about `step` bytes, each beginning at the start of a line."""
    bounds = [start]
    with path.open("rb") as handle:
        position = start + step
        while position < size:
            handle.seek(position)
            handle.readline()  # finish the line the cut falls in
            position = handle.tell()
            if position >= size:
                break
            bounds.append(position)
            position += step
    bounds.append(size)
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a] or [(start, start)]


RangeResult = tuple[int, list[RecordSummary]]  # (lines in the range, their summaries)


class RangeWork:
    """What a worker needs to summarise byte ranges of one file (picklable for spawn; the
    window's first check uses it too, `desktop_app/core/analysis/process_checker.py`)."""

    def __init__(
        self,
        path: str,
        model: str,
        provider: str,
        previews: bool,
        words: WordList | None = None,
        voice: bool = True,
    ) -> None:
        self.path = path
        self.voice = voice
        self.model = model
        self.provider = provider
        self.previews = previews
        self.words = words
        self._analyzer: Analyzer | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "model": self.model,
            "provider": self.provider,
            "previews": self.previews,
            "words": self.words,
            "voice": self.voice,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path, self.model = state["path"], state["model"]
        self.provider, self.previews = state["provider"], state["previews"]
        self.words, self.voice = state.get("words"), state.get("voice", True)
        self._analyzer = None

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = _shared_analyzer(self.model, self.provider, self.words, self.voice)
        return self._analyzer

    def run(self, byte_range: tuple[int, int]) -> RangeResult:
        """Summaries of the lines in [start, end), numbered from 1 within the range."""
        start, end = byte_range
        with open(self.path, "rb") as handle:
            handle.seek(start)
            data = handle.read(end - start)
        lines = data.split(b"\n")
        del data
        tail = lines.pop()  # text after the last newline (b"" when the range ends with one)
        raws = [line[:-1] if line.endswith(b"\r") else line for line in lines]
        del lines
        if tail:
            raws.append(tail)  # the file's last line, without a newline: kept exactly as is
        summaries: list[RecordSummary] = []
        with _without_cycle_collector():
            for first in range(0, len(raws), BATCH):
                batch = raws[first : first + BATCH]
                summaries += self.analyzer._batch(batch, first + 1, 1, previews=self.previews)
        return len(raws), summaries


_analyzers: dict[tuple[str, str, WordList | None, bool], Analyzer] = {}


def _shared_analyzer(
    model: str, provider: str, words: WordList | None = None, voice: bool = True
) -> Analyzer:
    """One Analyzer per model, provider, word list and voice in each process (encodings load
    once)."""
    key = (model, provider, words, voice)
    analyzer = _analyzers.get(key)
    if analyzer is None:
        analyzer = _analyzers[key] = Analyzer(*key)
    return analyzer


def run_range(work: RangeWork, byte_range: tuple[int, int]) -> tuple[int, list[tuple[Any, ...]]]:
    """Run one range in a worker; summaries travel as plain tuples (pickled several times faster)."""
    count, summaries = work.run(byte_range)
    return count, [summary_as_tuple(s) for s in summaries]


def _join(parts: Iterator[RangeResult]) -> list[RecordSummary]:
    """Concatenate range results, shifting line numbers to the whole file's."""
    summaries: list[RecordSummary] = []
    offset = 0
    for count, part in parts:
        if offset:
            part = [_shift(s, offset) if s.problems else s for s in part]
        summaries += part
        offset += count
    return summaries


def _shift(summary: RecordSummary, offset: int) -> RecordSummary:
    moved = tuple(
        replace(p, line=p.line + offset) if p.line is not None else p for p in summary.problems
    )
    return replace(summary, problems=moved)
