"""The voice checks over a whole file, from the features each line summary carries: findings
(`voice_problems`) and what the overview and the JSON report show (`voice_overview`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import floordiv, sub
from typing import Any, Protocol

from desktop_app.core.analysis.gc_pause import without_cycle_collector
from desktop_app.core.checks.base import REGISTRY
from desktop_app.core.checks.voice.balance import Group, balance_problems, topic_groups
from desktop_app.core.checks.voice.features import NOT_MEASURED, VoiceFeatures
from desktop_app.core.checks.voice.near import Item, Texts, near_problems
from desktop_app.core.checks.voice.rules import TEACHES_FACTS, TOO_MANY_EPOCHS
from desktop_app.core.checks.voice.style import (
    METRICS,
    Lines,
    measures,
    style_outliers,
    teaches_facts,
)
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.problems import Problem
from desktop_app.core.tokens.stats import percentile

_EXAMPLE_KINDS = (RecordKind.CHAT, RecordKind.PREFERENCE)
BINS = 7


class VoiceSummary(Protocol):
    """What the voice checks read from a line summary (see analysis.RecordSummary)."""

    @property
    def kind(self) -> RecordKind: ...
    @property
    def content_hash(self) -> bytes: ...
    @property
    def prompt_hash(self) -> bytes: ...
    @property
    def voice(self) -> VoiceFeatures | None: ...


def voiced(summaries: Sequence[VoiceSummary | None]) -> Lines:
    """(line, features) of every example with a reply (None: a line not checked yet)."""
    return [
        (line, s.voice)
        for line, s in enumerate(summaries, 1)
        if s is not None and s.voice is not None and s.kind in _EXAMPLE_KINDS
    ]


def voice_problems(summaries: Sequence[VoiceSummary], texts: Texts | None = None) -> list[Problem]:
    """teaches_facts, style_outlier, near_duplicate (and near conflicting_replies), balance.

    `texts(line)` gives an example's (user words, reply) so near-copies can show the words
    that differ; without it the messages name the lines only."""
    with without_cycle_collector():
        return _voice_problems(summaries, texts)


def _voice_problems(summaries: Sequence[VoiceSummary], texts: Texts | None) -> list[Problem]:
    lines = voiced(summaries)
    found = teaches_facts(lines)
    found += style_outliers(lines)
    items = [
        Item(line, f.prompt_sig, f.reply_sig, s.content_hash, s.prompt_hash)
        for line, s in enumerate(summaries, 1)
        if s is not None and (f := s.voice) is not None and s.kind in _EXAMPLE_KINDS
    ]
    found += near_problems(items, texts)
    found += balance_problems(topic_groups([(line, f.topics) for line, f in lines]))
    return found


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # "40–60"
    lines: tuple[int, ...]  # the examples in this bar (1-based lines), to filter by


@dataclass(frozen=True, slots=True)
class Chart:
    title: str  # "Length (words)"
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class VoiceOverview:
    replies: int
    fact_lines: tuple[int, ...]  # examples flagged teaches_facts
    charts: tuple[Chart, ...]
    topics: tuple[Group, ...]
    preferred_lines: tuple[int, ...] | None = None  # replies using a preferred word (the app)

    @property
    def fact_share(self) -> float:
        return len(self.fact_lines) / self.replies if self.replies else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "replies": self.replies,
            "teaches_facts_examples": len(self.fact_lines),
            "teaches_facts_share": round(self.fact_share, 4),
            "style": {c.title: {b.label: len(b.lines) for b in c.bars} for c in self.charts},
            "topics": {g.label: g.size for g in self.topics[:30]},
        }


def voice_overview(
    summaries: Sequence[VoiceSummary | None], problems: Sequence[Problem] | None = None
) -> VoiceOverview:
    """The Style section's numbers: the share teaching facts, one chart per style measure, the
    request groups. `problems`: the voice findings when already computed (else computed here)."""
    with without_cycle_collector():
        return _voice_overview(summaries, problems)


def _voice_overview(
    summaries: Sequence[VoiceSummary | None], problems: Sequence[Problem] | None
) -> VoiceOverview:
    lines = voiced(summaries)
    flagged = teaches_facts(lines) if problems is None else problems
    fact_lines = tuple(sorted({p.line for p in flagged if p.code == TEACHES_FACTS and p.line}))
    table = measures(lines)
    numbers = [line for line, _ in lines]
    charts = tuple(
        _chart(values, numbers, m.name, _title(m.label, m.unit))
        for values, m in zip(table, METRICS, strict=True)
    )
    groups = topic_groups([(line, f.topics) for line, f in lines])
    return VoiceOverview(len(lines), fact_lines, charts, tuple(groups))


def _title(label: str, unit: str) -> str:
    return f"{label.capitalize()} ({unit})"


def _chart(values: list[float], numbers: list[int], name: str, title: str) -> Chart:
    if name == "reading_ease":  # not measured for replies in other scripts than Latin
        kept = [(v, n) for v, n in zip(values, numbers, strict=True) if v != NOT_MEASURED]
        values, numbers = [v for v, _ in kept], [n for _, n in kept]
    if not values:
        return Chart(title, ())
    low, high = min(values), percentile(sorted(values), 0.99)
    if high <= low:
        return Chart(title, (Bar(_label(low, low), tuple(numbers)),))
    integer = name != "reading_ease" and name != "sentence_words"
    step = (high - low) / BINS
    if integer:
        step = max(1.0, float(math.ceil(step)))
    edges = [low + step * i for i in range(BINS)]
    last_bin = len(edges) - 1
    chosen: list[list[int]] = [[] for _ in edges]
    # each value's bin, (value - low) // step (never below 0: low is the least), in C (map)
    bins = map(
        min, map(int, map(floordiv, map(sub, values, repeat(low)), repeat(step))), repeat(last_bin)
    )
    for index, number in zip(bins, numbers, strict=True):
        chosen[index].append(number)
    bars = []
    for i, start in enumerate(edges):
        last = i == last_bin
        end = start + step - (1 if integer else 0)
        label = f"{_label(start, start)}+" if last else _label(start, end)
        if chosen[i] or not last:
            bars.append(Bar(label, tuple(chosen[i])))
    while bars and not bars[-1].lines:
        bars.pop()
    return Chart(title, tuple(bars))


def _label(start: float, end: float) -> str:
    first, last = f"{start:,.0f}", f"{end:,.0f}"
    return first if first == last else f"{first}–{last}"


def epochs_problem(warning: str) -> Problem:
    """too_many_epochs, with the estimate's warning (desktop_app.core.tokens.estimate)."""
    rule = REGISTRY[TOO_MANY_EPOCHS]
    return Problem(rule.code, rule.severity, warning, hint=rule.hint)
