"""Exports for local trainers: every file parses in the trainer's documented format, no example is
lost or changed in meaning, and every conversion is reported in plain words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.exports import meaning
from tests.exports.cases import (
    CHAT_LINES,
    LEFT_OUT,
    LEFT_OUT_BY_TARGET,
    PREFERENCE_LEFT_OUT,
    PREFERENCE_LINES,
    PREFERENCE_TARGETS,
)
from tests.exports.cases import TARGETS as TARGET_NAMES
from tests.exports.validators import VALIDATORS, load_yaml, script_settings

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.split import split_indexes
from desktop_app.core.exports import TARGETS, ExportError, FolderNotEmptyError, export_project

CHAT_EXAMPLES = {n: v for n, v in CHAT_LINES.items() if isinstance(v, dict) and "messages" in v}


def expected_chat(target: str) -> list[tuple[int, list[meaning.Event]]]:
    """What each of the writer's chat examples must look like in the target's output."""
    out = []
    for line, value in sorted(CHAT_EXAMPLES.items()):
        events = meaning.source_events(value)
        if target == "mlx-lm":
            prefixes = meaning.prefixes_for_last_reply(events) or [[]]
            out.extend((line, prefix) for prefix in prefixes)
        elif target == "axolotl":
            out.append((line, events))
        elif target == "llama-factory":
            out.append((line, meaning.joined(meaning.unlearned(events))))
        else:
            out.append((line, meaning.unlearned(events)))
    return out


def got_chat(target: str, rows: list[dict[str, Any]]) -> list[list[meaning.Event]]:
    if target == "axolotl":
        return [meaning.axolotl_events(r["messages"]) for r in rows]
    if target == "llama-factory":
        return [meaning.joined(meaning.llama_factory_events(r["messages"])) for r in rows]
    if target == "vertex":
        return [meaning.vertex_events(r) for r in rows]
    return [meaning.openai_events(r["messages"]) for r in rows]


def missing_lines(target: str, rows: list[dict[str, Any]]) -> set[int]:
    expected = expected_chat(target)
    missing = meaning.align(expected, got_chat(target, rows))
    return set(missing)


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_chat_export_parses_in_the_targets_format_and_keeps_every_example(
    target: str, chat_dataset: Dataset, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = export_project(chat_dataset, target, out)

    rows = VALIDATORS[target](out)
    train = rows["train"] + rows.get("valid", [])
    if target == "mlx-lm":  # validation was set aside from the same file: put the halves together
        train = _in_file_order(rows, chat_dataset, out)
    assert missing_lines(target, train) == LEFT_OUT | LEFT_OUT_BY_TARGET.get(target, set())
    assert result.train_examples == len(rows["train"])
    assert {p.relative_to(out).as_posix() for p in result.files} >= {
        "data/train.jsonl",
        "README.md",
        "finetune-studio-export.json",
    }
    manifest = json.loads((out / "finetune-studio-export.json").read_text(encoding="utf-8"))
    assert manifest["target"] == target and manifest["counts"]["train"] == result.train_examples


def _in_file_order(
    rows: dict[str, list[dict[str, Any]]], dataset: Dataset, out: Path
) -> list[dict[str, Any]]:
    """mlx-lm: the training and validation rows interleaved back in the order of the file."""
    manifest = json.loads((out / "finetune-studio-export.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == {"train": len(rows["train"]), "valid": len(rows["valid"])}
    split = split_indexes(dataset, 0.1)
    valid_lines = {i + 1 for i in split.validation}
    train_iter, valid_iter = iter(rows["train"]), iter(rows["valid"])
    ordered = []
    for line, prefix in expected_chat("mlx-lm"):
        source = valid_iter if line in valid_lines else train_iter
        if line in LEFT_OUT:
            continue
        del prefix
        ordered.append(next(source))
    assert next(train_iter, None) is None and next(valid_iter, None) is None
    return ordered


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_chat_export_says_what_it_changed_with_line_numbers(
    target: str, chat_dataset: Dataset, tmp_path: Path
) -> None:
    validation = [
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ]
    result = export_project(chat_dataset, target, tmp_path / "out", validation_values=validation)
    notes = "\n".join(result.notes)
    label = TARGETS[target].label
    for expected in (
        "Removed the invisible byte-order mark",
        "Left out 1 blank line (line 2).",
        "Left out 1 line that is not valid JSON (line 3)",
        "Left out 1 line that is not a chat example: it has no “messages” (line 4)",
        "Left out 1 preference pair in a file of chat examples (line 16)",
        "no reply to learn from: no assistant message, or every reply has weight 0 (line 7)",
        "Changed the role “developer” to “system” in 1 example (line 8)",
        "Joined the text parts of a message into one text in 1 example (line 8)",
        "pictures, sound or files in a message (line 9)",
        *TOOL_NOTES.get(target, default_tool_notes(label)),
        f"Removed the field “metadata” from 1 example (line 11); {label} does not read it.",
        f"Removed the field “name” from 1 message (line 11); {label} does not read it.",
        "after the last reply to learn from in 2 examples (lines 6 and 12)",
    ):
        assert expected in notes, expected
    readme = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    for note in result.notes:
        assert note in readme


def default_tool_notes(label: str) -> list[str]:
    return [
        "tool-call arguments of 2 examples as JSON objects instead of text (lines 10 and 15)",
        f"Removed the field “function_call” from 1 message (line 10); {label} does not read it.",
    ]


# Vertex leaves tool use out before reading the messages, so no note speaks of their fields
TOOL_NOTES = {
    "vertex": [
        "Left out 2 examples with tool calls or tool results (lines 10 and 15); Vertex AI takes "
        "those in its own function-calling format"
    ]
}


def test_weight_handling_is_reported_per_target(chat_dataset: Dataset, tmp_path: Path) -> None:
    notes = {
        t: "\n".join(export_project(chat_dataset, t, tmp_path / t).notes) for t in TARGET_NAMES
    }
    assert "“train” flag in 3 examples (lines 5, 6 and 7)" not in notes["axolotl"]  # 7 is left out
    assert "Axolotl's per-message “train” flag in 2 examples (lines 5 and 6)" in notes["axolotl"]
    for target in ("trl", "unsloth", "llama-factory"):
        assert "replies marked weight 0 before a reply to learn (line 5)" in notes[target]
        assert "learns every reply, so these are learned too" in notes[target]
    assert "replies marked weight 0" in notes["mlx-lm"] and "context only" in notes["mlx-lm"]
    assert "one example per reply" in notes["mlx-lm"]
    assert (
        "Wrote the tool calls of 1 example as LLaMA-Factory “function_call” turns (line 10)"
        in notes["llama-factory"]
    )
    assert "both text and a tool call (line 15)" in notes["llama-factory"]
    assert (
        "Joined tool results that follow each other into one turn in 1 example (line 10)"
        in notes["llama-factory"]
    )
    assert (
        "Joined user messages that follow each other into one message in 1 example (line 13)"
        in notes["llama-factory"]
    )
    assert "do not alternate" in notes["llama-factory"] and "(line 14)" in notes["llama-factory"]


@pytest.mark.parametrize("target", PREFERENCE_TARGETS)
def test_preference_pairs_export_in_the_targets_preference_format(
    target: str, preference_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = export_project(Dataset.open(preference_file), target, out)
    rows = VALIDATORS[target](out)["train"]
    good = [
        v
        for n, v in sorted(PREFERENCE_LINES.items())
        if "input" in v and n not in PREFERENCE_LEFT_OUT
    ]
    assert len(rows) == len(good) == result.train_examples
    for row, value in zip(rows, good, strict=True):
        prompt_key = "prompt" if target in ("trl", "unsloth") else "messages"
        assert meaning.openai_events(row[prompt_key]) == meaning.openai_events(
            value["input"]["messages"]
        )
        chosen, rejected = row["chosen"], row["rejected"]
        if isinstance(chosen, list):
            (chosen,), (rejected,) = chosen, rejected
        assert chosen["content"] == value["preferred_output"][0]["content"]
        assert rejected["content"] == value["non_preferred_output"][0]["content"]
    notes = "\n".join(result.notes)
    assert "exactly one preferred and one non-preferred reply (line 4)" in notes
    assert "does not end with the user's message (line 5)" in notes
    assert "Left out 1 chat example in a file of preference pairs (line 6)" in notes
    assert "Removed the field “input.tools” from 1 example (line 3)" in notes
    text = (out / ("train.py" if target in ("trl", "unsloth") else "README.md")).read_text(
        encoding="utf-8"
    )
    assert "DPO" in text


def test_mlx_lm_refuses_preference_pairs_before_writing(
    preference_file: Path, tmp_path: Path
) -> None:
    with pytest.raises(ExportError) as caught:
        export_project(Dataset.open(preference_file), "mlx-lm", tmp_path / "out")
    assert "cannot train on preference pairs" in caught.value.message
    assert "TRL" in caught.value.next_step
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_a_separate_validation_file_becomes_the_validation_data(
    target: str, chat_dataset: Dataset, tmp_path: Path
) -> None:
    validation = [
        {
            "messages": [
                SYS_MSG,
                {"role": "user", "content": "Lost card?"},
                {"role": "assistant", "content": "Desk 1."},
            ]
        },
        {
            "messages": [
                {"role": "user", "content": "Wi-Fi?"},
                {"role": "assistant", "content": "Ask at the desk."},
            ]
        },
    ]
    out = tmp_path / "out"
    result = export_project(chat_dataset, target, out, validation_values=validation)
    rows = VALIDATORS[target](out)
    assert result.validation_examples == len(rows["valid"]) == 2
    assert missing_lines(target, rows["train"]) == LEFT_OUT | LEFT_OUT_BY_TARGET.get(target, set())
    texts = json.dumps(rows["valid"], ensure_ascii=False)
    assert "Lost card?" in texts and "Ask at the desk." in texts
    assert not any("Set aside" in n for n in result.notes)


SYS_MSG = {"role": "system", "content": "You answer as a patient librarian."}


def test_validation_fraction_splits_deterministically_without_losing_examples(
    chat_dataset: Dataset, tmp_path: Path
) -> None:
    first = export_project(chat_dataset, "trl", tmp_path / "a", validation_fraction=0.25)
    second = export_project(chat_dataset, "trl", tmp_path / "b", validation_fraction=0.25)
    for name in ("train", "valid"):
        assert (tmp_path / "a/data" / f"{name}.jsonl").read_bytes() == (
            tmp_path / "b/data" / f"{name}.jsonl"
        ).read_bytes()
    rows = VALIDATORS["trl"](tmp_path / "a")
    assert first.validation_examples == second.validation_examples == len(rows["valid"]) >= 1
    all_events = got_chat("trl", rows["train"] + rows["valid"])
    expected = [events for line, events in expected_chat("trl") if line not in LEFT_OUT]
    assert sorted(map(repr, all_events)) == sorted(map(repr, expected))
    assert any(n.startswith("Set aside") for n in first.notes)


def test_mlx_lm_sets_validation_aside_when_none_is_given(
    chat_dataset: Dataset, tmp_path: Path
) -> None:
    result = export_project(chat_dataset, "mlx-lm", tmp_path / "out")
    assert result.validation_examples >= 1
    assert result.notes[0].startswith("MLX-LM needs validation data to train")


def test_mlx_lm_with_one_example_copies_it_for_validation_and_says_so(tmp_path: Path) -> None:
    values = [
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ]
    result = export_project(values, "mlx-lm", tmp_path / "out")
    rows = VALIDATORS["mlx-lm"](tmp_path / "out")
    assert rows["train"] == rows["valid"]
    assert "copies of the training examples" in result.notes[0]
    assert len(result.notes) == 1  # the copy does not repeat the training notes


def test_a_folder_with_other_files_is_refused_and_an_earlier_export_is_replaced(
    chat_dataset: Dataset, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "my notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FolderNotEmptyError) as caught:
        export_project(chat_dataset, "trl", out)
    assert "not empty" in caught.value.message and not caught.value.earlier_export

    export_project(chat_dataset, "trl", out, validation_fraction=0.2, overwrite=True)
    assert (out / "data/valid.jsonl").exists()
    with pytest.raises(FolderNotEmptyError) as again:
        export_project(chat_dataset, "axolotl", out)
    assert again.value.earlier_export and "replace the earlier export" in again.value.next_step
    export_project(chat_dataset, "axolotl", out, overwrite=True)
    assert not (out / "data/valid.jsonl").exists(), "the earlier export's validation file stayed"
    assert not (out / "train.py").exists()
    assert (out / "config.yml").exists()
    assert (out / "my notes.txt").read_text(encoding="utf-8") == "keep me"


def test_nothing_to_train_leaves_no_folder_behind(tmp_path: Path) -> None:
    dataset = Dataset.from_bytes(b'{"prompt": "a", "completion": "b"}\n\nnot json\n')
    with pytest.raises(ExportError) as caught:
        export_project(dataset, "trl", tmp_path / "out")
    assert caught.value.message.startswith("Nothing was exported")
    assert "no “messages”" in caught.value.message
    assert not (tmp_path / "out").exists()


def test_unknown_target_is_a_plain_error(chat_dataset: Dataset, tmp_path: Path) -> None:
    with pytest.raises(ExportError) as caught:
        export_project(chat_dataset, "torchtune", tmp_path / "out")
    assert "mlx-lm" in caught.value.next_step


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_base_model_and_chat_template_follow_the_writers_choice(
    target: str, chat_dataset: Dataset, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    export_project(chat_dataset, target, out, base_model="meta-llama/Llama-3.2-1B-Instruct")
    text = "\n".join(
        p.read_text(encoding="utf-8")
        for p in out.rglob("*")
        if p.suffix in (".py", ".yaml", ".yml", ".md")
    )
    assert "meta-llama/Llama-3.2-1B-Instruct" in text
    if target == "llama-factory":
        assert load_yaml(out / "train.yaml")["template"] == "llama3"
    if target == "unsloth":
        settings = script_settings(out / "train.py")
        assert settings["ASSISTANT_MARKER"] == "<|start_header_id|>assistant<|end_header_id|>\n\n"


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_readme_has_the_exact_commands_and_local_server_urls(
    target: str, chat_dataset: Dataset, tmp_path: Path
) -> None:
    export_project(chat_dataset, target, tmp_path / "out")
    readme = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    command = {
        "mlx-lm": "mlx_lm.lora --config lora_config.yaml",
        "trl": "python train.py",
        "unsloth": "python train.py",
        "axolotl": "axolotl train config.yml",
        "llama-factory": "llamafactory-cli train train.yaml",
        "vertex": "-d @tuning-job.json",
    }[target]
    assert command in readme
    if target == "vertex":  # tuned and tried in Google Cloud, not on a local server
        assert "gcloud storage cp data/train.jsonl gs://YOUR_BUCKET/finetune-studio/" in readme
        assert "/endpoints/openapi" in readme and "Playground" in readme
        return
    for url in ("http://localhost:11434/v1", "http://localhost:1234/v1"):
        assert url in readme
    if target == "mlx-lm":
        assert "mlx_lm.server --model" in readme and "http://localhost:8080/v1" in readme
    else:
        assert "vllm serve" in readme and "http://localhost:8000/v1" in readme
        assert "llama-server -m base.gguf --lora adapter.gguf" in readme
    assert "Playground" in readme


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_real_world_files_export_or_refuse_in_plain_words(
    target: str, realworld_dir: Path, tmp_path: Path
) -> None:
    exported = 0
    for path in sorted(realworld_dir.glob("*.jsonl")):
        out = tmp_path / path.stem
        dataset = Dataset.open(path)
        try:
            result = export_project(dataset, target, out)
        except ExportError as error:
            assert error.message and error.next_step and "Traceback" not in error.message
            assert not out.exists()
            continue
        exported += 1
        rows = VALIDATORS[target](out)
        assert result.train_examples == len(rows["train"])
        if dataset.kind == "chat" and target != "mlx-lm":
            expected = []
            for index in range(len(dataset)):
                value = dataset.value(index)
                if isinstance(value, dict) and isinstance(value.get("messages"), list):
                    try:
                        events = meaning.source_events(value)
                    except (KeyError, TypeError, ValueError, AttributeError):
                        continue  # an example the checks flag; the export must have left it out
                    if target == "axolotl":
                        expected.append((index + 1, events))
                    elif target == "llama-factory":
                        expected.append((index + 1, meaning.joined(meaning.unlearned(events))))
                    else:
                        expected.append((index + 1, meaning.unlearned(events)))
            missing = meaning.align(expected, got_chat(target, rows["train"]))
            if missing:
                assert any(n.startswith("Left out") for n in result.notes)
    assert exported >= 4


def test_trl_export_names_the_model_once_and_learns_replies_where_trl_can(
    chat_dataset: Dataset, tmp_path: Path
) -> None:
    export_project(chat_dataset, "trl", tmp_path / "qwen")
    qwen = script_settings(tmp_path / "qwen/train.py")
    assert qwen["ASSISTANT_ONLY_LOSS"] is True and qwen["BASE_MODEL"].startswith("Qwen/")
    merge = (tmp_path / "qwen/merge.py").read_text(encoding="utf-8")
    assert "Qwen" not in merge, "merge.py must not name (or download) the default model"
    result = export_project(
        chat_dataset, "trl", tmp_path / "llama", base_model="meta-llama/Llama-3.2-1B-Instruct"
    )
    assert script_settings(tmp_path / "llama/train.py")["ASSISTANT_ONLY_LOSS"] is False
    assert any("learns whole conversations" in note for note in result.notes)
    readme = (tmp_path / "llama/README.md").read_text(encoding="utf-8")
    assert "hf auth login" in readme and "licence" in readme
    assert "-c torch-pin.txt -r requirements.txt" in readme


def test_llama_factory_export_runs_without_a_gpu_and_merges_from_train_yaml(
    chat_dataset: Dataset, tmp_path: Path
) -> None:
    out = tmp_path / "lf"
    export_project(chat_dataset, "llama-factory", out, base_model="Qwen/Qwen2.5-1.5B-Instruct")
    config = load_yaml(out / "train.yaml")
    assert config["bf16"] is False  # bf16 stops LLaMA-Factory on a computer without a GPU
    assert "Qwen2.5-1.5B" not in (out / "merge.py").read_text(encoding="utf-8")
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "llamafactory-cli train train.yaml bf16=true" in readme and "python merge.py" in readme
    assert "-c torch-pin.txt -r requirements.txt" in readme


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_readmes_use_the_current_hugging_face_command(
    target: str, chat_dataset: Dataset, tmp_path: Path
) -> None:
    export_project(chat_dataset, target, tmp_path / "out")
    readme = (tmp_path / "out/README.md").read_text(encoding="utf-8")
    assert "huggingface-cli" not in readme  # gone from huggingface_hub; `hf download` replaced it
    if target in ("trl", "unsloth", "axolotl", "llama-factory"):
        assert "hf download" in readme
