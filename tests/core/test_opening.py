"""What the app offers when a file opens: a repair, or bringing in another shape."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.core.convert.opening import plan_for
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset

DATA = Path(__file__).resolve().parents[1] / "data"


def test_a_well_formed_chat_file_is_offered_nothing() -> None:
    plan = plan_for(Dataset.open(DATA / "realworld" / "yangzhijiany_hoshino_cat__example.jsonl"))
    assert not plan.worth_offering


def test_pretty_printed_file_is_offered_a_repair_with_a_preview_per_example() -> None:
    plan = plan_for(
        Dataset.open(DATA / "realworld" / "Danielcreux_Entrenamiento-IA__training_data.jsonl")
    )
    assert plan.banner() == (
        "This file isn't one example per line. "
        "Finetune Studio can repair it: 24 examples from 96 lines."
    )
    assert len(plan.items) == 24
    assert plan.items[0].title == "Lines 1–4"
    assert plan.items[0].before.startswith('{"messages":[\n  {"role":"user"')
    assert json.loads(plan.items[0].after)["messages"][0]["role"] == "user"


def test_a_pretty_printed_alpaca_file_is_repaired_and_brought_in() -> None:
    plan = plan_for(Dataset.open(DATA / "shapes" / "alpaca.json"))
    assert plan.banner().endswith("Finetune Studio can bring them in: Alpaca, 4 examples.")
    assert [r.parse().kind for r in plan.records] == [RecordKind.CHAT] * 4
    assert plan.items[1].title == "Example 2"


def test_prompt_completion_separators_are_taken_off_when_every_example_has_them() -> None:
    data = b'{"prompt": "Q1 ->", "completion": " A1 END"}\n{"prompt": "Q2 ->", "completion": " A2 END"}\n'
    plan = plan_for(Dataset.from_bytes(data))
    values = [json.loads(r.raw) for r in plan.records]
    assert [m["content"] for v in values for m in v["messages"]] == ["Q1", "A1", "Q2", "A2"]


def test_an_example_that_does_not_fit_stays_as_it_was_and_is_named() -> None:
    data = b'{"question": "Where?", "answer": "Here."}\n{"question": "Empty?", "answer": ""}\n'
    plan = plan_for(Dataset.from_bytes(data))
    assert plan.converted == 1
    assert plan.records[1].raw == b'{"question": "Empty?", "answer": ""}'
    assert plan.not_converted == ["Example 2: its “answer” is empty"]
    assert plan.banner().endswith(
        "question → answer), 1 example; 1 does not fit and will stay as written."
    )
    assert plan.items[1].notes == "its “answer” is empty"


def test_a_misspelled_role_alone_is_left_to_the_checks_not_offered_as_a_repair() -> None:
    from desktop_app.core.dataset.templates import sample_path

    plan = plan_for(Dataset.open(sample_path()))  # line 13 says "assistnat"; all else is fine
    assert plan.repair.changed  # `ftstudio repair` would rename it
    assert not plan.worth_offering  # but the window offers no banner: the Problems list fixes it


def test_a_misspelled_role_in_a_pretty_printed_file_is_part_of_the_repair() -> None:
    example = {
        "messages": [{"role": "user", "content": "Hi"}, {"role": "assistnat", "content": "Hello"}]
    }
    text = json.dumps(example, indent=2) + "\n" + json.dumps(example) + "\n"
    plan = plan_for(Dataset.from_bytes(text.encode()))
    assert plan.worth_offering
    assert all(r.parse().kind is RecordKind.CHAT for r in plan.records)
