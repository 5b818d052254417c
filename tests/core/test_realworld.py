"""The ten real files from tests/data/realworld: each opens, shows its known problems, and saves
back byte for byte (see tests/data/realworld/README.md for what each contains)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from desktop_app.core.analysis.analyzer import FileAnalysis, analyze_file
from desktop_app.core.analysis.report import ValidationReport, build_report
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.problems import Problem, Severity

DATA = Path(__file__).resolve().parents[1] / "data" / "realworld"
FILES = sorted(DATA.glob("*.jsonl"))
MODEL = "gpt-4.1-mini-2025-04-14"


def report(name: str, model: str = MODEL) -> ValidationReport:
    analysis: FileAnalysis = analyze_file(DATA / name, model)
    # the provider rules' known problems; the voice checks on these files: test_voice_cli.py
    return build_report(analysis, model=model, voice=False)


def lines(found: list[Problem], code: str) -> list[int | None]:
    return [p.line for p in found if p.code == code]


def test_there_are_ten_files() -> None:
    assert len(FILES) == 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:40])
def test_opens_and_saves_back_byte_for_byte(path: Path, tmp_path: Path) -> None:
    original = path.read_bytes()
    dataset = Dataset.open(path)
    assert dataset.to_bytes() == original
    dataset.save(tmp_path / path.name)
    assert (tmp_path / path.name).read_bytes() == original


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:40])
def test_every_line_is_summarised_in_plain_words(path: Path) -> None:
    result = report(path.name)
    assert result.lines == len(Dataset.open(path))
    for problem in result.problems:
        assert "Traceback" not in problem.message and "Error(" not in problem.message
        assert problem.line is None or 1 <= problem.line <= result.lines


def test_cookbook_toy_file() -> None:
    result = report("openai_openai-cookbook__examples_data_toy_chat_fine_tuning.jsonl")
    assert result.examples == 5 and result.missing_system == 1
    assert lines(result.problems, "no_user_message") == [4]
    assert lines(result.problems, "too_few_examples") == [None]
    short = report(
        "openai_openai-cookbook__examples_data_toy_chat_fine_tuning.jsonl", "gpt-3.5-turbo-0613"
    )
    assert lines(short.problems, "too_long") == [5]  # "Eat a banana!" × 2000 is over 4,096 tokens


def test_weather_tool_calls_are_valid() -> None:
    result = report("mlteam-ai_openai-cheat-sheet__data_weather_chat_fine_tuning.jsonl")
    codes = Counter(p.code for p in result.problems)
    assert result.errors == 0
    assert not [c for c in codes if c.startswith(("tool", "function"))]
    assert codes["unknown_message_key"] == 30  # "name" on each of the 30 tool messages
    assert codes["duplicate_example"] == 9  # the same example ten times


def test_chartqa_multimodal_file() -> None:
    name = "microsoft-foundry_fine-tuning__Sample_Datasets_Supervised_Fine_Tuning_Multimodal-chartqa_validation.jsonl"
    result = report(name)
    assert lines(result.problems, "assistant_content_list") == list(range(1, 21))
    assert lines(result.problems, "images_need_vision_model") == [None]
    assert "images_need_vision_model" not in {
        p.code for p in report(name, "gpt-4o-2024-08-06").problems
    }


def test_dpo_pairs_file() -> None:
    name = "microsoft-foundry_fine-tuning__Sample_Datasets_Direct_Preference_Optimization_orca_dpo_pairs_validation.jsonl"
    result = report(name)
    assert result.kinds[RecordKind.PREFERENCE] == 284
    # “… with a [Customer rating] rating …”, a sentence's plan in a preferred reply; line 218's
    # “[insert date and time]” is in a non-preferred reply, which the model learns to avoid
    assert [(p.line, p.code) for p in result.problems] == [(143, "placeholder_text")]
    assert result.tokens is not None and result.tokens.count == 284
    codes = [p.code for p in report(name, "gpt-4o-mini").problems]
    assert codes == ["method_not_supported", "placeholder_text"]


def test_legacy_prompt_completion_file() -> None:
    result = report("ThePyth0nKid_schornsteinfeger-mangelgenerator__training_data_prepared.jsonl")
    assert lines(result.problems, "legacy_prompt_completion") == list(range(1, 34))
    assert result.examples == 0 and result.tokens is None


def test_crlf_file_without_final_newline() -> None:
    result = report("vldrco_Translator-Umbundu-Portuguese__fine_tune.jsonl")
    assert result.examples == 976 and result.errors == 0


def test_hoshino_empty_messages() -> None:
    result = report("yangzhijiany_hoshino_cat__example.jsonl")
    assert lines(result.problems, "empty_reply") == [36]
    assert lines(result.problems, "empty_message") == [37]
    [empty_user] = [p for p in result.problems if p.code == "empty_message"]
    assert empty_user.severity is Severity.WARNING and "(user)" in empty_user.message


def test_pretty_printed_file() -> None:
    result = report("Danielcreux_Entrenamiento-IA__training_data.jsonl")
    assert lines(result.problems, "split_example") == list(range(1, 97))


def test_inkspire_file() -> None:
    result = report("EWHA-Inkspire_inkspire-gpt__data_set.jsonl")
    [role] = [p for p in result.problems if p.code == "unknown_role"]
    assert role.line == 147 and "“assistnat”" in role.message and "“assistant”" in role.message
    assert len(lines(result.problems, "comment_line")) == 5
    assert len(lines(result.problems, "blank_line")) == 10
    assert lines(result.problems, "invalid_json")[-1] == 174  # the closing line of Korean prose


def test_bradheff_broken_tail() -> None:
    result = report("BradHeff_Python-AI-Model-Trainer__mydata.jsonl")
    broken = lines(result.problems, "invalid_json")
    assert len(broken) == 31 and all(84 <= line <= 115 for line in broken if line)
    assert lines(result.problems, "blank_line") == [83]
    assert result.examples == 84
