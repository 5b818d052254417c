"""Percentiles (numpy's linear method, by hand) and dataset statistics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.tokens.counts import TokenCounter
from desktop_app.core.tokens.stats import compute_stats, distribution, percentile


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1, 2, 3, 4], 0.1, 1.3),  # rank 0.3 → 1 + 0.3 × (2 − 1)
        ([1, 2, 3, 4], 0.5, 2.5),
        ([1, 2, 3, 4], 0.9, 3.7),  # rank 2.7
        ([15, 20, 35, 40, 50], 0.1, 17.0),  # rank 0.4 → 15 + 0.4 × 5
        ([15, 20, 35, 40, 50], 0.5, 35.0),
        ([15, 20, 35, 40, 50], 0.9, 46.0),  # rank 3.6 → 40 + 0.6 × 10
        ([15, 20, 35, 40, 50], 0.0, 15.0),
        ([15, 20, 35, 40, 50], 1.0, 50.0),
        ([7], 0.1, 7.0),
        ([7], 0.9, 7.0),
        ([0, 10], 0.25, 2.5),
    ],
)
def test_percentile_by_hand(values: list[int], q: float, expected: float) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1], 1.5)


@given(
    st.lists(st.integers(min_value=-(10**6), max_value=10**6), min_size=1, max_size=60),
    st.floats(0, 1),
)
def test_percentile_is_monotone_and_bounded(values: list[int], q: float) -> None:
    ordered = sorted(values)
    result = percentile(ordered, q)
    assert ordered[0] - 1e-6 <= result <= ordered[-1] + 1e-6
    assert percentile(ordered, 0.0) == ordered[0] and percentile(ordered, 1.0) == ordered[-1]
    assert percentile(ordered, min(1.0, q + 0.1)) >= result - 1e-6


def test_distribution() -> None:
    dist = distribution([40, 15, 50, 35, 20])
    assert dist is not None
    assert (dist.count, dist.total, dist.min, dist.max) == (5, 160, 15, 50)
    assert (dist.mean, dist.median, dist.p10, dist.p90) == (32.0, 35.0, 17.0, 46.0)
    assert distribution([]) is None
    assert dist.to_json()["p90"] == 46.0


def _line(value: object) -> str:
    return json.dumps(value)


def _chat(*pairs: tuple[str, str]) -> dict:
    return {"messages": [{"role": r, "content": c} for r, c in pairs]}


def test_stats_of_a_mixed_file() -> None:
    examples = [
        _chat(("system", "S"), ("user", "Hi"), ("assistant", "Hello")),
        _chat(("user", "One"), ("assistant", "Two"), ("user", "Three"), ("assistant", "Four")),
        _chat(("system", "S"), ("assistant", "Only a reply")),
        {
            "messages": [
                {"role": "user", "content": "q"},
                {"role": "assistant", "content": "a", "weight": 0},
            ]
        },
    ]
    preference = {
        "input": {"messages": [{"role": "user", "content": "Rate"}]},
        "preferred_output": [{"role": "assistant", "content": "Good"}],
        "non_preferred_output": [{"role": "assistant", "content": "Bad"}],
    }
    lines = [
        *map(_line, examples),
        "",
        "{broken",
        _line({"prompt": "p", "completion": "c"}),
        _line(preference),
    ]
    dataset = Dataset.from_bytes(("\n".join(lines) + "\n").encode())
    stats = compute_stats(dataset, "gpt-4o-mini")
    assert stats.model == "gpt-4o-mini-2024-07-18" and stats.encoding == "o200k_base"
    assert (stats.lines, stats.examples, stats.chat_examples, stats.preference_examples) == (
        8,
        5,
        4,
        1,
    )
    assert (stats.blank_lines, stats.broken_lines, stats.other_lines) == (1, 1, 1)
    assert stats.messages == 3 + 4 + 2 + 2 + 3
    assert (stats.missing_system, stats.missing_user, stats.missing_assistant) == (3, 1, 0)
    counter = TokenCounter("gpt-4o-mini")
    expected = [counter.count_example(v) for v in [*examples, preference]]
    assert stats.tokens == distribution(c.total for c in expected if c)
    assert stats.assistant_tokens == distribution(c.assistant for c in expected if c)
    assert stats.trained_tokens == distribution(c.trained for c in expected if c)
    assert stats.trained_tokens is not None and stats.assistant_tokens is not None
    assert stats.trained_tokens.total == stats.assistant_tokens.total - counter.count_text("a")
    assert stats.messages_per_example == distribution([3, 4, 2, 2, 3])
    assert (
        stats.estimate is not None and stats.estimate.examples == 5 and stats.estimate.epochs == 20
    )
    assert stats.over_limit == 0


def test_chunking_does_not_change_the_result(realworld_dir: Path) -> None:
    dataset = Dataset.open(realworld_dir / "vldrco_Translator-Umbundu-Portuguese__fine_tune.jsonl")
    whole = compute_stats(dataset, "gpt-4.1-mini", chunk_size=100_000)
    assert compute_stats(dataset, "gpt-4.1-mini", chunk_size=7, num_threads=2) == whole
    assert whole.examples == 976


def test_over_limit_uses_the_models_training_limit() -> None:
    long_reply = "word " * 5000  # about 5,000 tokens: over gpt-3.5-turbo-0613's 4,096
    lines = [
        _line(_chat(("user", "Hi"), ("assistant", long_reply))),
        _line(_chat(("user", "Hi"), ("assistant", "Yo"))),
    ]
    dataset = Dataset.from_bytes("\n".join(lines).encode())
    assert compute_stats(dataset, "gpt-3.5-turbo-0613").over_limit == 1
    assert compute_stats(dataset, "gpt-3.5-turbo-0125").over_limit == 0
    old = compute_stats(dataset, "gpt-3.5-turbo-0613")
    assert old.estimate is not None and old.estimate.capped_examples == 1


def test_unknown_model_counts_without_an_estimate() -> None:
    dataset = Dataset.from_values([_chat(("user", "Hi"), ("assistant", "Hello"))])
    stats = compute_stats(dataset, "my-local-model")
    assert stats.model == "my-local-model" and stats.encoding == "o200k_base"
    assert stats.estimate is None and stats.tokens is not None


def test_empty_dataset() -> None:
    stats = compute_stats(Dataset.from_bytes(b""), "gpt-4.1-mini")
    assert stats.examples == 0 and stats.tokens is None and stats.messages_per_example is None
    assert stats.estimate is not None and stats.estimate.trained_tokens == 0
    data = stats.to_json()
    assert data["tokens"] is None and data["examples"] == 0
    json.dumps(data)
