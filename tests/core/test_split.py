"""Deterministic training/validation split; identical examples always on one side."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.split import (
    SplitError,
    canonical_key,
    split_indexes,
    split_paths,
    write_split,
)


def _example(i: int) -> dict:
    return {
        "messages": [
            {"role": "user", "content": f"Question {i}"},
            {"role": "assistant", "content": f"Answer {i}"},
        ]
    }


def _dataset(values: list[object]) -> Dataset:
    return Dataset.from_bytes(("\n".join(json.dumps(v) for v in values) + "\n").encode())


def _contents(dataset: Dataset, indexes: list[int]) -> set[str]:
    return {canonical_key(dataset.value(i)) for i in indexes}


def test_exact_share_and_deterministic() -> None:
    dataset = _dataset([_example(i) for i in range(100)])
    first = split_indexes(dataset, 0.2, seed=7)
    assert len(first.validation) == 20 and len(first.train) == 80
    assert sorted(first.train + first.validation) == list(range(100))
    assert first.train == sorted(first.train) and first.validation == sorted(first.validation)
    assert split_indexes(dataset, 0.2, seed=7) == first
    assert split_indexes(dataset, 0.2, seed=8) != first
    assert first.skipped == []


def test_the_split_does_not_depend_on_line_order() -> None:
    values = [_example(i) for i in range(60)]
    dataset = _dataset(values)
    shuffled_values = values[:]
    random.Random(3).shuffle(shuffled_values)
    shuffled = _dataset(shuffled_values)
    a, b = split_indexes(dataset, 0.25, seed=1), split_indexes(shuffled, 0.25, seed=1)
    assert _contents(dataset, a.validation) == _contents(shuffled, b.validation)


def test_identical_examples_stay_together_whatever_the_spelling() -> None:
    same = _example(1)
    reordered = {
        "messages": [
            {"content": "Question 1", "role": "user"},
            {"content": "Answer 1", "role": "assistant"},
        ]
    }
    lines = [json.dumps(_example(i)) for i in range(30)]
    lines += [
        json.dumps(same, indent=None, separators=(",", ":")),
        json.dumps(reordered),
        json.dumps(same),
    ]
    dataset = Dataset.from_bytes(("\n".join(lines)).encode())
    for seed in range(20):
        result = split_indexes(dataset, 0.3, seed)
        copies = {1, 30, 31, 32}
        assert copies <= set(result.train) or copies <= set(result.validation)
        assert not _contents(dataset, result.train) & _contents(dataset, result.validation)


def test_blank_broken_and_other_lines_are_skipped_and_reported() -> None:
    text = "\n".join(
        [
            json.dumps(_example(0)),
            "",
            "{oops",
            json.dumps({"prompt": "a", "completion": "b"}),
            json.dumps(_example(1)),
        ]
    )
    result = split_indexes(Dataset.from_bytes(text.encode()), 0.5)
    assert result.skipped == [1, 2, 3]
    assert sorted(result.train + result.validation) == [0, 4]


def test_preference_pairs_are_split_too() -> None:
    pair = {
        "input": {"messages": [{"role": "user", "content": "x"}]},
        "preferred_output": [{"role": "assistant", "content": "good"}],
        "non_preferred_output": [{"role": "assistant", "content": "bad"}],
    }
    values = [
        {**pair, "input": {"messages": [{"role": "user", "content": str(i)}]}} for i in range(10)
    ]
    result = split_indexes(_dataset(values), 0.3)
    assert len(result.validation) == 3


def test_tiny_share_still_gives_one_validation_example() -> None:
    result = split_indexes(_dataset([_example(i) for i in range(5)]), 0.01)
    assert len(result.validation) == 1 and len(result.train) == 4


def test_large_share_keeps_one_training_example() -> None:
    result = split_indexes(_dataset([_example(i) for i in range(5)]), 0.99)
    assert len(result.train) == 1 and len(result.validation) == 4


def test_big_group_of_copies_is_never_broken_up() -> None:
    values: list[object] = [_example(0)] * 8 + [_example(1), _example(2)]
    result = split_indexes(_dataset(values), 0.1)
    assert len(result.validation) == 1  # a copy group of 8 cannot fit in a target of 1
    assert set(range(8)) <= set(result.train)


def test_only_copies_larger_than_the_target() -> None:
    values: list[object] = [_example(0)] * 4 + [_example(1)] * 3
    result = split_indexes(_dataset(values), 0.1)
    assert result.validation == [4, 5, 6] and result.train == [0, 1, 2, 3]


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_share_out_of_range(fraction: float) -> None:
    with pytest.raises(SplitError) as info:
        split_indexes(_dataset([_example(0), _example(1)]), fraction)
    assert "between 0 and 1" in info.value.message


@pytest.mark.parametrize(
    ("values", "phrase"),
    [
        ([], "no examples"),
        ([_example(0)], "only one example"),
        ([_example(0), _example(0), _example(0)], "All 3 examples in the file are identical"),
    ],
)
def test_too_few_examples(values: list[object], phrase: str) -> None:
    with pytest.raises(SplitError) as info:
        split_indexes(_dataset(values), 0.2)
    assert phrase in info.value.message and info.value.next_step


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=12), min_size=2, max_size=40),
    st.floats(min_value=0.01, max_value=0.99),
    st.integers(min_value=0, max_value=2**32),
)
def test_split_properties(ids: list[int], fraction: float, seed: int) -> None:
    if len(set(ids)) < 2:
        return
    dataset = _dataset([_example(i) for i in ids])
    result = split_indexes(dataset, fraction, seed)
    assert sorted(result.train + result.validation) == list(range(len(ids)))
    assert result.train and result.validation
    assert not _contents(dataset, result.train) & _contents(dataset, result.validation)
    assert split_indexes(dataset, fraction, seed) == result


def test_write_split_writes_training_files(tmp_path: Path) -> None:
    source = tmp_path / "data.jsonl"
    lines = [json.dumps(_example(i)) for i in range(10)]
    source.write_bytes(("\ufeff" + "\r\n".join([*lines[:5], "", "{bad", *lines[5:]])).encode())
    dataset = Dataset.open(source)
    result = split_indexes(dataset, 0.2, seed=3)
    train_path, validation_path = split_paths(source)
    assert (train_path.name, validation_path.name) == ("data_train.jsonl", "data_validation.jsonl")
    assert train_path.parent == tmp_path
    write_split(dataset, result, train_path, validation_path)
    train = train_path.read_bytes()
    validation = validation_path.read_bytes()
    assert b"\r" not in train and not train.startswith(b"\xef\xbb\xbf")
    assert train.count(b"\n") == 8 and validation.count(b"\n") == 2
    written = sorted(train.splitlines() + validation.splitlines())
    assert written == sorted(line.encode() for line in lines)
    assert source.read_bytes().startswith(b"\xef\xbb\xbf")  # the input is untouched


def test_split_paths_with_an_out_dir(tmp_path: Path) -> None:
    train, validation = split_paths(Path("/data/set.v2.jsonl"), tmp_path / "out")
    assert train == tmp_path / "out" / "set.v2_train.jsonl"
    assert validation == tmp_path / "out" / "set.v2_validation.jsonl"
