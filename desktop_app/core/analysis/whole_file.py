"""The whole-file findings, computed on a worker a moment after the last change (see
analysis_store.AnalysisStore): duplicates, counts and the rest, the voice checks with the words
of near-copies, the word list (scanned again only where records changed), and the Style
section's numbers, so the window's thread never computes them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from desktop_app.core.cancel import CancelToken
from desktop_app.core.checks.voice.live import BannedCache
from desktop_app.core.checks.voice.report import VoiceOverview
from desktop_app.core.checks.voice.wordlist import WordList
from desktop_app.core.dataset.records import Record
from desktop_app.core.problems import Problem

if TYPE_CHECKING:
    from desktop_app.core.analysis.analyzer import RecordSummary


def compute_dataset_problems(
    summaries: Sequence[RecordSummary | None],
    model: str,
    provider: str,
    file_bytes: int | None,
    records: Sequence[Record] = (),
    words: WordList | None = None,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> tuple[list[Problem], VoiceOverview]:
    """Worker: the whole-file findings, and the Style section's numbers (computed here, off the
    window's thread, once per change)."""
    from desktop_app.core.analysis.analyzer import RecordSummary, dataset_problems
    from desktop_app.core.checks.voice.report import voice_overview
    from desktop_app.core.checks.voice.texts import memory_texts
    from desktop_app.core.dataset.jsonline import RecordKind

    # unchecked lines count as blank for now, so line numbers stay those of the file
    pending = RecordSummary(RecordKind.BLANK, "", 0, None, None, None, (), b"", b"")
    aligned = [pending if s is None else s for s in summaries]
    cancel.raise_if_cancelled()

    def raw_of(line: int) -> bytes | None:
        return records[line - 1].raw if 0 < line <= len(records) else None

    found = dataset_problems(
        aligned, model=model, provider=provider, file_bytes=file_bytes, texts=memory_texts(raw_of)
    )
    if words is not None:  # the word list: scanned again only where records changed
        found += _BANNED.problems(records, words)
    cancel.raise_if_cancelled()
    overview = voice_overview(aligned, found)
    if words is not None and words.preferred:
        overview = replace(overview, preferred_lines=tuple(_BANNED.preferred_lines))
    return found, overview


_BANNED = BannedCache()
