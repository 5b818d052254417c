"""Each trainer's documented input format, written as a checker (see PROVIDERS.md §5).

A validator reads an export folder the way the trainer would and fails on anything the trainer
would reject or misread. It returns the data rows so tests can compare their meaning.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import yaml

ROLES = {"system", "user", "assistant", "tool"}
Rows = dict[str, list[dict[str, Any]]]  # "train"/"valid" -> rows


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Strict JSON Lines: UTF-8 without BOM, LF endings, one object per line, no blank lines."""
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{path.name} starts with a byte-order mark"
    assert b"\r" not in raw, f"{path.name} has CR line endings"
    assert raw.endswith(b"\n"), f"{path.name} does not end with a newline"
    rows = []
    for number, line in enumerate(raw.decode("utf-8").split("\n")[:-1], 1):
        assert line.strip(), f"{path.name} line {number} is blank"
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name} line {number} is not an object"
        rows.append(row)
    assert rows, f"{path.name} is empty"
    return rows


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    return data


def check_openai_message(m: Any, *, args_as_objects: bool = True) -> None:
    assert isinstance(m, dict) and m.get("role") in ROLES, m
    assert isinstance(m.get("content"), str), f"content must be text: {m}"
    assert "weight" not in m
    for call in m.get("tool_calls") or []:
        assert m["role"] == "assistant"
        fn = call["function"]
        assert isinstance(fn["name"], str) and fn["name"]
        assert isinstance(fn["arguments"], dict if args_as_objects else (dict, str))
    if m["role"] == "assistant":
        assert m["content"] or m.get("tool_calls"), "an empty reply"


def check_chat_row(row: dict[str, Any]) -> None:
    assert set(row) <= {"messages", "tools"}, row.keys()
    assert isinstance(row["messages"], list) and row["messages"]
    for m in row["messages"]:
        check_openai_message(m)
    assert row["messages"][-1]["role"] == "assistant"
    if "tools" in row:
        assert isinstance(row["tools"], list)


def script_settings(path: Path) -> dict[str, Any]:
    """The UPPER_CASE settings at the top of a generated script (and that it is valid Python)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    settings = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            name = node.targets[0]
            if isinstance(name, ast.Name) and name.id.isupper():
                settings[name.id] = ast.literal_eval(node.value)
    return settings


# ---- MLX-LM: --data DIR with train.jsonl and valid.jsonl (both required for training) ---------
def mlx_lm(folder: Path) -> Rows:
    config = load_yaml(folder / "lora_config.yaml")
    for key in ("model", "train", "data", "fine_tune_type", "batch_size", "iters", "adapter_path"):
        assert key in config, key
    assert config["train"] is True and config["fine_tune_type"] in ("lora", "dora", "full")
    assert isinstance(config["learning_rate"], float)
    assert config["mask_prompt"] is True
    assert set(config["lora_parameters"]) >= {"rank", "scale", "dropout"}
    data = folder / config["data"]
    rows = {name: read_jsonl(data / f"{name}.jsonl") for name in ("train", "valid")}
    for name, items in rows.items():
        assert len(items) >= config["batch_size"], f"{name} has fewer examples than batch_size"
        for row in items:
            check_chat_row(row)  # mlx-lm picks the chat format from the first row's keys
    assert config["iters"] >= 1 and config["val_batches"] >= 1
    return rows


# ---- TRL: conversational (messages) or conversational preference (prompt/chosen/rejected) -----
def trl_rows(folder: Path, settings: dict[str, Any]) -> Rows:
    rows = {"train": read_jsonl(folder / settings["TRAIN_FILE"])}
    if settings["VALID_FILE"]:
        rows["valid"] = read_jsonl(folder / settings["VALID_FILE"])
    else:
        assert not (folder / "data/valid.jsonl").exists()
    for items in rows.values():
        keys = set(items[0])
        for row in items:
            if keys == {"prompt", "chosen", "rejected"}:
                assert set(row) == keys
                for m in row["prompt"]:
                    check_openai_message(m)
                assert row["prompt"][-1]["role"] == "user"
                for side in ("chosen", "rejected"):
                    assert len(row[side]) == 1 and row[side][0]["role"] == "assistant"
                    assert isinstance(row[side][0]["content"], str)
            else:
                check_chat_row(row)
    return rows


def trl(folder: Path) -> Rows:
    settings = script_settings(folder / "train.py")
    assert isinstance(settings["BASE_MODEL"], str) and settings["BASE_MODEL"]
    merge = script_settings(folder / "merge.py")
    assert "BASE_MODEL" not in merge, "the model is named in train.py only"
    assert merge["ADAPTER_DIR"] == settings["ADAPTER_DIR"] != settings["CHECKPOINT_DIR"]
    assert not settings["CHECKPOINT_DIR"].startswith(settings["ADAPTER_DIR"] + "/")
    requirements = (folder / "requirements.txt").read_text(encoding="utf-8").split()
    assert "trl>=1.1" in requirements  # 1.0.0 cannot mark the replies of Qwen2.5's template
    return trl_rows(folder, settings)


def unsloth(folder: Path) -> Rows:
    settings = script_settings(folder / "train.py")
    assert "unsloth" in (folder / "requirements.txt").read_text(encoding="utf-8")
    text = (folder / "train.py").read_text(encoding="utf-8")
    assert text.index("from unsloth") < text.index("from trl"), "Unsloth must be imported first"
    if "USER_MARKER" in settings and settings["USER_MARKER"] is not None:
        assert isinstance(settings["ASSISTANT_MARKER"], str)
    return trl_rows(folder, settings)


# ---- Axolotl: type chat_template (SFT) or chat_template.default with rl: dpo -------------------
def axolotl(folder: Path) -> Rows:
    config = load_yaml(folder / "config.yml")
    assert isinstance(config["base_model"], str)
    assert config["adapter"] == "lora" and config["output_dir"]
    dpo = config.get("rl") == "dpo"
    rows: Rows = {}
    for key, name in (("datasets", "train"), ("test_datasets", "valid")):
        if key not in config:
            continue
        (entry,) = config[key]
        assert entry["ds_type"] == "json"
        items = read_jsonl(folder / entry["path"])
        rows[name] = items
        if dpo:
            assert entry["type"] == "chat_template.default"
            for row in items:
                assert set(row) == {
                    entry["field_messages"],
                    entry["field_chosen"],
                    entry["field_rejected"],
                }
                for side in ("field_chosen", "field_rejected"):
                    assert row[entry[side]]["role"] == "assistant"
            continue
        assert entry["type"] == "chat_template"
        flag = entry["message_field_training"]
        for row in items:
            messages = row[entry["field_messages"]]
            assert set(row) <= {entry["field_messages"], entry.get("field_tools", "tools")}
            for m in messages:
                check_openai_message({k: v for k, v in m.items() if k != flag})
                if m["role"] == "assistant":
                    assert isinstance(m[flag], bool), "train flags must be booleans"
                else:
                    assert flag not in m
            if "tools" in row:
                assert entry.get("field_tools") == "tools"
    if "test_datasets" in config:
        assert config["val_set_size"] == 0, "test_datasets needs val_set_size: 0"
        assert config["test_datasets"][0]["split"] == "train"
    return rows


# ---- LLaMA-Factory: dataset_info.json + sharegpt formatting with OpenAI tags ---------------------
def llama_factory(folder: Path) -> Rows:
    config = load_yaml(folder / "train.yaml")
    data_dir = folder / config["dataset_dir"]
    info = json.loads((data_dir / "dataset_info.json").read_text(encoding="utf-8"))
    names = {"train": config["dataset"]}
    if "eval_dataset" in config:
        names["valid"] = config["eval_dataset"]
    assert config["stage"] in ("sft", "dpo") and config["finetuning_type"] == "lora"
    assert isinstance(config["template"], str) and config["template"]
    assert not (folder / "merge.yaml").exists(), "the model is named in train.yaml only"
    merge = (folder / "merge.py").read_text(encoding="utf-8")
    script_settings(folder / "merge.py")
    for key in ("model_name_or_path", "output_dir", "template", "finetuning_type"):
        assert f'train["{key}"]' in merge, f"merge.py must take {key} from train.yaml"
        assert key in config
    assert isinstance(config["bf16"], bool)
    requirements = (folder / "requirements.txt").read_text(encoding="utf-8").split()
    assert any(r.startswith("llamafactory") for r in requirements)
    rows: Rows = {}
    for split, name in names.items():
        entry = info[name]
        assert entry["formatting"] == "sharegpt"
        ranking = entry.get("ranking", False)
        assert ranking == (config["stage"] == "dpo")
        tags = entry["tags"]
        columns = entry["columns"]
        items = read_jsonl(data_dir / entry["file_name"])
        rows[split] = items
        for row in items:
            assert set(row) == set(columns.values()), (row.keys(), columns)
            _check_sharegpt(row[columns["messages"]], tags, ranking)
            if "tools" in columns:
                assert isinstance(row[columns["tools"]], str)
                if row[columns["tools"]]:
                    assert isinstance(json.loads(row[columns["tools"]]), list)
            if ranking:
                for side in ("chosen", "rejected"):
                    reply = row[columns[side]]
                    assert reply[tags["role_tag"]] == tags["assistant_tag"]
    return rows


def _check_sharegpt(messages: list[dict[str, Any]], tags: dict[str, str], ranking: bool) -> None:
    """LLaMA-Factory's rule: optional system first, then user/observation at odd places and
    assistant/function at even ones; an even count (odd for ranking, which ends with the user)."""
    role, content = tags["role_tag"], tags["content_tag"]
    for m in messages:
        assert set(m) == {role, content} and isinstance(m[content], str), m
    if messages and messages[0][role] == tags["system_tag"]:
        messages = messages[1:]
    odd = (tags["user_tag"], tags["observation_tag"])
    even = (tags["assistant_tag"], tags["function_tag"])
    for index, m in enumerate(messages):
        assert m[role] in (odd if index % 2 == 0 else even), f"turn {index + 1} out of order"
        if m[role] == tags["function_tag"]:
            calls = json.loads(m[content])
            for call in calls if isinstance(calls, list) else [calls]:
                assert isinstance(call["name"], str) and isinstance(call["arguments"], dict)
    assert len(messages) % 2 == (1 if ranking else 0), "wrong number of turns"


# ---- Vertex AI (Gemini): systemInstruction + contents with user/model turns of text parts -------
def _text_parts(parts: Any) -> None:
    assert isinstance(parts, list) and parts, "parts must be a non-empty list"
    for part in parts:
        assert set(part) == {"text"} and isinstance(part["text"], str), part


def vertex(folder: Path) -> Rows:
    request = json.loads((folder / "tuning-job.json").read_text(encoding="utf-8"))
    assert isinstance(request["baseModel"], str) and request["baseModel"]
    assert 1 <= len(request["tunedModelDisplayName"]) <= 128
    spec = request["supervisedTuningSpec"]
    assert set(spec) <= {"trainingDatasetUri", "validationDatasetUri", "hyperParameters"}
    rows: Rows = {}
    for key, name in (("trainingDatasetUri", "train"), ("validationDatasetUri", "valid")):
        path = folder / "data" / f"{name}.jsonl"
        if key not in spec:
            assert not path.exists(), f"{path.name} is not named in the tuning job"
            continue
        assert spec[key].startswith("gs://") and spec[key].endswith(f"/{name}.jsonl")
        rows[name] = read_jsonl(path)
    assert len(rows.get("valid", [])) <= 5000, "Vertex reads at most 5,000 validation examples"
    for items in rows.values():
        for row in items:
            assert set(row) <= {"systemInstruction", "contents"} and "contents" in row, row.keys()
            if "systemInstruction" in row:
                assert set(row["systemInstruction"]) == {"parts"}
                _text_parts(row["systemInstruction"]["parts"])
            contents = row["contents"]
            assert contents and contents[0]["role"] == "user" and contents[-1]["role"] == "model"
            for index, content in enumerate(contents):
                assert set(content) == {"role", "parts"}
                assert content["role"] == ("user" if index % 2 == 0 else "model"), "turns alternate"
                _text_parts(content["parts"])
    return rows


VALIDATORS = {
    "mlx-lm": mlx_lm,
    "trl": trl,
    "unsloth": unsloth,
    "axolotl": axolotl,
    "llama-factory": llama_factory,
    "vertex": vertex,
}
