"""Dataset statistics: counts, and token distributions (min, max, mean, median, 10th/90th percentiles).

Percentiles use linear interpolation between the closest ranks, like numpy's default method
(and the Cookbook, which calls np.quantile): rank = q × (n − 1) on the sorted values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.models.catalog import DEFAULT_MODEL, ModelInfo, find_model
from desktop_app.core.tokens.counts import ExampleTokens, TokenCounter
from desktop_app.core.tokens.estimate import Estimate, estimate

CHUNK_SIZE = 1000


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-quantile (0 ≤ q ≤ 1) of already sorted values, numpy's "linear" method."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be between 0 and 1, not {q}")
    rank = q * (len(sorted_values) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = rank - low
    step = sorted_values[high] - sorted_values[low]
    # as numpy does it, to the last bit: the step is added from below up to halfway, taken from
    # above past it (the voice checks' numbers match what numpy printed before)
    if fraction >= 0.5:
        return sorted_values[high] - step * (1 - fraction)
    return sorted_values[low] + step * fraction


@dataclass(frozen=True, slots=True)
class Distribution:
    count: int
    total: int
    min: int
    max: int
    mean: float
    median: float
    p10: float
    p90: float

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "total": self.total,
            "min": self.min,
            "max": self.max,
            "mean": round(self.mean, 2),
            "median": round(self.median, 2),
            "p10": round(self.p10, 2),
            "p90": round(self.p90, 2),
        }


def distribution(values: Iterable[int]) -> Distribution | None:
    """Summary of whole-number values; None when there are none."""
    ordered = sorted(values)
    if not ordered:
        return None
    total = sum(ordered)
    return Distribution(
        count=len(ordered),
        total=total,
        min=ordered[0],
        max=ordered[-1],
        mean=total / len(ordered),
        median=percentile(ordered, 0.5),
        p10=percentile(ordered, 0.1),
        p90=percentile(ordered, 0.9),
    )


@dataclass(frozen=True, slots=True)
class DatasetStats:
    model: str
    encoding: str
    lines: int
    examples: int  # lines that are chat or preference examples
    chat_examples: int
    preference_examples: int
    blank_lines: int
    broken_lines: int  # not JSON, or not a JSON object
    other_lines: int  # objects that are not examples (e.g. legacy prompt/completion)
    messages: int
    missing_system: int
    missing_user: int
    missing_assistant: int
    over_limit: int  # examples longer than the model's per-example training limit
    messages_per_example: Distribution | None
    tokens: Distribution | None  # total tokens per example
    assistant_tokens: Distribution | None
    trained_tokens: Distribution | None
    estimate: Estimate | None  # None when the model is not in the model list

    def to_json(self) -> dict[str, Any]:
        def dist(value: Distribution | None) -> dict[str, Any] | None:
            return None if value is None else value.to_json()

        return {
            "model": self.model,
            "encoding": self.encoding,
            "lines": self.lines,
            "examples": self.examples,
            "chat_examples": self.chat_examples,
            "preference_examples": self.preference_examples,
            "blank_lines": self.blank_lines,
            "broken_lines": self.broken_lines,
            "other_lines": self.other_lines,
            "messages": self.messages,
            "missing_system": self.missing_system,
            "missing_user": self.missing_user,
            "missing_assistant": self.missing_assistant,
            "over_limit": self.over_limit,
            "messages_per_example": dist(self.messages_per_example),
            "tokens": dist(self.tokens),
            "assistant_tokens": dist(self.assistant_tokens),
            "trained_tokens": dist(self.trained_tokens),
            "estimate": None if self.estimate is None else self.estimate.to_json(),
        }


class _Tally:
    """Running counts while the dataset is read chunk by chunk."""

    def __init__(self) -> None:
        self.kinds = dict.fromkeys(RecordKind, 0)
        self.messages: list[int] = []
        self.missing_system = self.missing_user = self.missing_assistant = 0
        self.totals: list[int] = []
        self.assistant: list[int] = []
        self.trained: list[int] = []

    def add_shape(self, value: Any, kind: RecordKind) -> None:
        conversation, outputs = _messages_of(value, kind)
        roles = {m.get("role") for m in conversation + outputs if isinstance(m, dict)}
        self.messages.append(len(conversation) + len(outputs))
        self.missing_system += "system" not in roles
        self.missing_user += "user" not in roles
        self.missing_assistant += "assistant" not in roles

    def add_tokens(self, counts: ExampleTokens) -> None:
        self.totals.append(counts.total)
        self.assistant.append(counts.assistant)
        self.trained.append(counts.trained)


def _messages_of(value: Any, kind: RecordKind) -> tuple[list[Any], list[Any]]:
    """(conversation messages, output messages) of an example; junk shapes give empty lists."""
    if kind is RecordKind.CHAT:
        messages = value.get("messages")
        return (messages if isinstance(messages, list) else []), []
    source = value.get("input")
    messages = source.get("messages") if isinstance(source, dict) else None
    outputs: list[Any] = []
    for key in ("preferred_output", "non_preferred_output"):
        output = value.get(key)
        if isinstance(output, list):
            outputs.extend(output)
    return (messages if isinstance(messages, list) else []), outputs


def compute_stats(
    dataset: Dataset,
    model: str = DEFAULT_MODEL,
    *,
    chunk_size: int = CHUNK_SIZE,
    num_threads: int | None = None,
) -> DatasetStats:
    """Counts and token distributions for every example in the dataset, with `model`'s encoding."""
    counter = TokenCounter(model)
    tally = _Tally()
    pending: list[Any] = []

    def flush() -> None:
        for counts in counter.count_many(pending, num_threads=num_threads):
            if counts is not None:
                tally.add_tokens(counts)
        pending.clear()

    for record in dataset:
        parsed = record.parse()
        tally.kinds[parsed.kind] += 1
        if parsed.kind in (RecordKind.CHAT, RecordKind.PREFERENCE):
            tally.add_shape(parsed.value, parsed.kind)
            pending.append(parsed.value)
            if len(pending) >= chunk_size:
                flush()
    flush()
    info = find_model(model)
    return _stats(model, counter.encoding_name, tally, info)


def _stats(model: str, encoding: str, tally: _Tally, info: ModelInfo | None) -> DatasetStats:
    limit = info.training_context if info is not None else None
    kinds = tally.kinds
    return DatasetStats(
        model=info.id if info is not None else model,
        encoding=encoding,
        lines=sum(kinds.values()),
        examples=kinds[RecordKind.CHAT] + kinds[RecordKind.PREFERENCE],
        chat_examples=kinds[RecordKind.CHAT],
        preference_examples=kinds[RecordKind.PREFERENCE],
        blank_lines=kinds[RecordKind.BLANK],
        broken_lines=kinds[RecordKind.BROKEN],
        other_lines=kinds[RecordKind.OTHER],
        messages=sum(tally.messages),
        missing_system=tally.missing_system,
        missing_user=tally.missing_user,
        missing_assistant=tally.missing_assistant,
        over_limit=0 if limit is None else sum(1 for t in tally.totals if t > limit),
        messages_per_example=distribution(tally.messages),
        tokens=distribution(tally.totals),
        assistant_tokens=distribution(tally.assistant),
        trained_tokens=distribution(tally.trained),
        estimate=None if info is None else estimate(tally.totals, info),
    )
