"""Whole-file rules, each with a file that breaks it and one that does not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_checks_rules import A, S, U, chat, pair

from desktop_app.core.analysis.analyzer import Analyzer, RecordSummary, dataset_problems
from desktop_app.core.checks import REGISTRY
from desktop_app.core.checks.dataset_level import F as DATASET_FAMILY
from desktop_app.core.problems import Problem

MODEL = "gpt-4.1-mini-2025-04-14"


def summaries(values: list[Any], model: str = MODEL) -> list[RecordSummary]:
    raws = [
        v if isinstance(v, bytes) else json.dumps(v, ensure_ascii=False).encode() for v in values
    ]
    return Analyzer(model).records(raws, 1)


def distinct(count: int) -> list[Any]:
    return [chat(S(), U(f"Question number {i}?"), A(f"Answer number {i}.")) for i in range(count)]


def problems(values: list[Any], **kwargs: Any) -> list[Problem]:
    kwargs.setdefault("model", MODEL)
    kwargs.setdefault("voice", False)  # the voice family has its own tests (test_voice_*.py)
    return dataset_problems(summaries(values, kwargs["model"]), **kwargs)


def codes(values: list[Any], **kwargs: Any) -> list[str]:
    return [p.code for p in problems(values, **kwargs)]


def test_too_few_examples_is_an_error_below_ten() -> None:
    [problem] = problems(distinct(7))
    assert problem.code == "too_few_examples" and problem.line is None
    assert "only 7 examples" in problem.message and "at least 10" in problem.message
    assert codes(distinct(50)) == []


def test_blank_and_broken_lines_do_not_count_as_examples() -> None:
    assert codes([*distinct(9), b"", b"{oops"]) == ["too_few_examples"]
    assert "no examples" in problems([b""])[0].message


def test_few_examples_is_a_warning_below_fifty() -> None:
    assert codes(distinct(10)) == ["few_examples"]
    assert codes(distinct(49)) == ["few_examples"]


def test_too_long_for_the_model() -> None:
    long = chat(U("Say it."), A("Eat a banana! " * 2500))  # about 10,000 tokens
    values = [*distinct(60), long]
    found = problems(values, model="gpt-3.5-turbo-0613")  # 4,096 tokens per example
    [too_long] = [p for p in found if p.code == "too_long"]
    assert too_long.line == 61 and "4,096" in too_long.message
    assert "too_long" not in codes(values)  # 65,536 for gpt-4.1-mini


def test_file_too_large_needs_parts() -> None:
    found = problems(distinct(60), file_bytes=600 * 1024 * 1024)
    assert [p.code for p in found] == ["file_too_large"] and "600 MB" in found[0].message
    assert codes(distinct(60), file_bytes=512 * 1024 * 1024) == []


def test_duplicates_point_at_the_first_copy() -> None:
    values = distinct(60)
    values.insert(10, values[3])
    reordered = {"messages": [dict(reversed(list(m.items()))) for m in values[5]["messages"]]}
    values.append(reordered)  # same example, keys in another order
    found = [p for p in problems(values) if p.code == "duplicate_example"]
    assert [(p.line, p.message) for p in found] == [
        (11, "This example is an exact copy of example 4."),
        (62, "This example is an exact copy of example 6."),
    ]
    assert all(p.fix is not None and p.fix.code == "remove_example" for p in found)


def test_same_prompt_answered_differently() -> None:
    values = distinct(60)
    values.append(chat(S(), U("Question number 2?"), A("A different answer.")))
    [problem] = problems(values)
    assert (
        problem.code == "conflicting_replies"
        and problem.line == 61
        and "example 3" in problem.message
    )


def test_examples_also_in_the_validation_file() -> None:
    training = distinct(60)
    validation = [chat(U("Unrelated?"), A("Yes.")), training[42]]
    found = problems(training, validation=summaries(validation))
    assert [(p.code, p.line) for p in found] == [("in_validation_file", 43)]
    assert "example 2" in found[0].message
    assert codes(training, validation=summaries([chat(U("Other?"), A("No."))])) == []


def test_mixed_chat_and_preference_lines() -> None:
    values = [*distinct(60), pair()]
    found = [p for p in problems(values) if p.code == "mixed_formats"]
    assert [p.line for p in found] == [61] and "preference pair" in found[0].message


def test_preference_data_needs_a_dpo_model() -> None:
    pairs = [pair(input={"messages": [U(f"Q{i}?")]}) for i in range(60)]
    assert codes(pairs) == []  # gpt-4.1-mini supports DPO
    found = problems(pairs, model="gpt-4o-mini-2024-07-18")
    assert [p.code for p in found] == ["method_not_supported"] and "GPT-4o mini" in found[0].message


def test_chat_data_on_a_reinforcement_only_model() -> None:
    assert "method_not_supported" in codes(distinct(60), model="o4-mini")


def test_images_need_a_vision_model() -> None:
    picture = {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
    values = [*distinct(59), chat(U([picture]), A())]
    assert "images_need_vision_model" in codes(values)
    assert "images_need_vision_model" not in codes(values, model="gpt-4o-2024-08-06")


def test_the_model_to_pick_instead_is_one_the_provider_offers() -> None:
    """The image message named OpenAI's GPT-4o whatever the provider; Azure's GPT-4o and GPT-4.1
    learn from images too, and OpenAI takes no new jobs from 6 January 2027."""
    from datetime import date

    from desktop_app.core.models.today import pretend_today

    picture = {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
    values = [*distinct(59), chat(U([picture]), A())]

    def said(code: str, rows: list[Any], **kwargs: Any) -> str:
        return next(p.message for p in problems(rows, **kwargs) if p.code == code)

    openai = said("images_need_vision_model", values)
    assert openai.endswith("cannot learn from images. Pick GPT-4o, or remove the images.")
    azure = said("images_need_vision_model", values, provider="azure")
    assert "Pick GPT-4o (Azure) or GPT-4.1 (Azure), or remove" in azure
    assert "images_need_vision_model" not in codes(
        values, provider="azure", model="gpt-4.1-2025-04-14"
    )
    elsewhere = said("images_need_vision_model", values, provider="fireworks", model="qwen3-8b")
    assert "None of Fireworks AI's models can; train with OpenAI or Azure OpenAI," in elsewhere
    with pretend_today(date(2027, 1, 7)):  # OpenAI takes no new jobs
        later = said("images_need_vision_model", values, provider="fireworks", model="qwen3-8b")
    assert "None of Fireworks AI's models can; train with Azure OpenAI, or remove" in later
    pairs = [pair(input={"messages": [U(f"Q{i}?")]}) for i in range(60)]
    dpo = said("method_not_supported", pairs, provider="nebius", model="Qwen/Qwen3-14B")
    assert dpo.endswith(
        "None of Nebius Token Factory's models can; train with OpenAI or Azure OpenAI."
    )


def test_a_shut_down_model() -> None:
    found = problems(distinct(60), model="gpt-3.5-turbo-0125")
    assert [p.code for p in found] == ["model_unavailable"] and "2026-10-23" in found[0].message


def test_an_unknown_model_skips_model_rules() -> None:
    assert codes(distinct(60), model="my-own-model") == []


def test_every_dataset_rule_is_tested_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    for code, rule in REGISTRY.items():
        if rule.family == DATASET_FAMILY:
            assert f'"{code}"' in source, code


@pytest.mark.parametrize("count", [0, 1, 9])
def test_counts_in_words(count: int) -> None:
    message = problems(distinct(count))[0].message
    assert ("no examples" if count == 0 else f"only {count} example") in message
