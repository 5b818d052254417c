"""Export for LLaMA-Factory: ShareGPT-style JSONL with OpenAI tags, `dataset_info.json`, `train.yaml`.

The model is named once, in `train.yaml`; `merge.py` reads it from there and calls LLaMA-Factory's
own export (a `merge.yaml` for `llamafactory-cli export` would have to repeat it).

LLaMA-Factory's `sharegpt` formatting reads `messages` with `role`/`content` tags, an optional
first system message, then user (or tool result) and assistant (or function call) turns in strict
alternation, ending with a reply. It does not read OpenAI `tool_calls`: each becomes a
`function_call` turn whose content is the JSON of the call(s), consecutive tool results become one
turn, and `tools` is passed as a JSON string. Two user messages in a row are joined into one.
Preference pairs use `ranking: true` with `chosen`/`rejected` reply objects.
"""

from __future__ import annotations

import json
from typing import Any

from desktop_app.core.exports import base_models, trying, yaml_text
from desktop_app.core.exports.base_models import family_of, short_name
from desktop_app.core.exports.common import (
    ASSISTANT,
    SYSTEM,
    TOOL,
    USER,
    Conversation,
    ConversionLog,
    Note,
    Preference,
    Skip,
    learned_anyway,
)
from desktop_app.core.exports.job import ExportJob, gated_model_note, python_setup

NAME = "llama-factory"
LABEL = "LLaMA-Factory"
SUMMARY = "An NVIDIA GPU, with a web interface (LLaMA Board) if you prefer clicking to typing."
DEFAULT_MODEL = base_models.DEFAULT_MODEL
SUPPORTS_PREFERENCE = True
NEEDS_VALIDATION = False
FUNCTION_CALL = "function_call"
TRAIN_NAME = "finetune_studio_train"
VALID_NAME = "finetune_studio_valid"
OUTPUT_DIR = "saves/lora"
MERGED_DIR = "saves/merged"
# 0.9.5 was run with these exports (scripts/check-exports.sh); 0.10 may change the config keys
REQUIREMENTS = "llamafactory>=0.9.5,<0.10\n"
TAGS = {
    "role_tag": "role",
    "content_tag": "content",
    "user_tag": USER,
    "assistant_tag": ASSISTANT,
    "system_tag": SYSTEM,
    "observation_tag": TOOL,
    "function_tag": FUNCTION_CALL,
}

TOOL_CALLS_AS_TURNS = Note(
    "Wrote the tool calls of 1 example as LLaMA-Factory “function_call” turns ({where}).",
    "Wrote the tool calls of {n} examples as LLaMA-Factory “function_call” turns ({where}).",
)
JOINED_TOOL_RESULTS = Note(
    "Joined tool results that follow each other into one turn in 1 example ({where}); "
    "LLaMA-Factory needs turns to alternate.",
    "Joined tool results that follow each other into one turn in {n} examples ({where}); "
    "LLaMA-Factory needs turns to alternate.",
)
JOINED_USER = Note(
    "Joined user messages that follow each other into one message in 1 example ({where}); "
    "LLaMA-Factory needs turns to alternate.",
    "Joined user messages that follow each other into one message in {n} examples ({where}); "
    "LLaMA-Factory needs turns to alternate.",
)
TEXT_AND_TOOL_CALL = Note(
    "Left out 1 example with a reply that has both text and a tool call ({where}); LLaMA-Factory "
    "holds one or the other in a turn.",
    "Left out {n} examples with a reply that has both text and a tool call ({where}); "
    "LLaMA-Factory holds one or the other in a turn.",
)
OUT_OF_ORDER = Note(
    "Left out 1 example whose turns do not alternate between the user and the assistant, or that "
    "does not start with the user ({where}); LLaMA-Factory would skip it.",
    "Left out {n} examples whose turns do not alternate between the user and the assistant, or "
    "that do not start with the user ({where}); LLaMA-Factory would skip them.",
)
UNKNOWN_TEMPLATE = Note(
    "Finetune Studio does not know LLaMA-Factory's template name for this base model; train.yaml "
    "says “default”. Put the model family's template name there (LLaMA-Factory's README lists "
    "them).",
    "Finetune Studio does not know LLaMA-Factory's template name for this base model; train.yaml "
    "says “default”. Put the model family's template name there (LLaMA-Factory's README lists "
    "them).",
)
_ODD = (USER, TOOL)
_EVEN = (ASSISTANT, FUNCTION_CALL)


def build(job: ExportJob) -> None:
    sources = [job.train] + ([job.validation] if job.validation is not None else [])
    converted: list[list[dict[str, Any]]] = []
    for source in sources:
        if job.is_preference:
            converted.append([_pair_row(p) for p in job.preferences(source)])
        else:
            untrained = learned_anyway(job.target)
            converted.append(job.chat_rows(source, _chat_row, untrained=untrained))
    train = converted[0]
    valid = converted[1] if len(converted) > 1 else []
    if not train:
        return
    has_tools = any("tools" in row for row in train + valid)
    if has_tools:  # every row gets the column, so the dataset has one shape
        for row in train + valid:
            row.setdefault("tools", "")
    job.write_data("train", train)
    if valid:
        job.write_data("valid", valid)
    job.writer.write(
        "data/dataset_info.json", dataset_info(job.is_preference, bool(valid), has_tools)
    )
    template = _template(job)
    job.writer.write("train.yaml", _train_config(job, bool(valid), template))
    job.writer.write("merge.py", MERGE_SCRIPT.replace("@MERGED_DIR@", repr(MERGED_DIR)))
    job.writer.write("requirements.txt", REQUIREMENTS)
    job.writer.write("README.md", _readme(job, bool(valid)))


def _chat_row(conversation: Conversation, log: ConversionLog) -> dict[str, Any]:
    turns: list[dict[str, str]] = []
    joined_tools = joined_users = called = False
    for message in conversation.messages:
        role = message["role"]
        if role == ASSISTANT and "tool_calls" in message:
            if message["content"].strip():
                raise Skip(TEXT_AND_TOOL_CALL)
            calls = [call["function"] for call in message["tool_calls"]]
            content = json.dumps(calls[0] if len(calls) == 1 else calls, ensure_ascii=False)
            turns.append({"role": FUNCTION_CALL, "content": content})
            called = True
            continue
        if turns and role in (TOOL, USER) and turns[-1]["role"] == role:
            turns[-1]["content"] += "\n\n" + message["content"]
            joined_tools |= role == TOOL
            joined_users |= role == USER
            continue
        turns.append({"role": role, "content": message["content"]})
    _check_order(turns)
    for happened, note in (
        (called, TOOL_CALLS_AS_TURNS),
        (joined_tools, JOINED_TOOL_RESULTS),
        (joined_users, JOINED_USER),
    ):
        if happened:
            log.add(note, conversation.line)
    row: dict[str, Any] = {"messages": turns}
    if conversation.tools:
        row["tools"] = json.dumps(conversation.tools, ensure_ascii=False)
    return row


def _check_order(turns: list[dict[str, str]]) -> None:
    """System first (optional), then user/tool at odd places and replies at even ones, even count."""
    body = turns[1:] if turns and turns[0]["role"] == SYSTEM else turns
    if not body or len(body) % 2:
        raise Skip(OUT_OF_ORDER)
    for index, turn in enumerate(body):
        if turn["role"] not in (_ODD if index % 2 == 0 else _EVEN):
            raise Skip(OUT_OF_ORDER)


def _pair_row(pair: Preference) -> dict[str, Any]:
    return {"messages": pair.prompt, "chosen": pair.chosen, "rejected": pair.rejected}


def dataset_info(preference: bool, has_validation: bool, has_tools: bool) -> str:
    """data/dataset_info.json: where each dataset is and how its columns map."""
    columns: dict[str, str] = {"messages": "messages"}
    if preference:
        columns.update({"chosen": "chosen", "rejected": "rejected"})
    elif has_tools:
        columns["tools"] = "tools"

    def entry(file_name: str) -> dict[str, Any]:
        item: dict[str, Any] = {"file_name": file_name, "formatting": "sharegpt"}
        if preference:
            item["ranking"] = True
        item["columns"] = columns
        item["tags"] = TAGS
        return item

    info = {TRAIN_NAME: entry("train.jsonl")}
    if has_validation:
        info[VALID_NAME] = entry("valid.jsonl")
    return json.dumps(info, indent=2, ensure_ascii=False) + "\n"


def _template(job: ExportJob) -> str:
    family = family_of(job.base_model)
    if family is None:
        job.train.log.add(UNKNOWN_TEMPLATE)
        return "default"
    return family.llama_factory_template


def _train_config(job: ExportJob, has_validation: bool, template: str) -> str:
    config: dict[str, Any] = {
        "model_name_or_path": job.base_model,
        "stage": "dpo" if job.is_preference else "sft",
        "do_train": True,
        "finetuning_type": "lora",
        "lora_rank": 16,
        "lora_target": "all",
    }
    if job.is_preference:
        config.update({"pref_beta": 0.1, "pref_loss": "sigmoid"})
    config.update({"dataset_dir": "data", "dataset": TRAIN_NAME})
    if has_validation:
        config["eval_dataset"] = VALID_NAME
    config.update(
        {
            "template": template,
            "cutoff_len": 2048,
            "overwrite_cache": True,
            "output_dir": OUTPUT_DIR,
            "logging_steps": 1,
            "save_strategy": "epoch",
            "plot_loss": True,
            "overwrite_output_dir": True,
            "report_to": "none",
            "per_device_train_batch_size": 1,
            "gradient_accumulation_steps": 8,
            "learning_rate": 5e-6 if job.is_preference else 1e-4,
            "num_train_epochs": 1.0 if job.is_preference else 3.0,
            "lr_scheduler_type": "cosine",
            "warmup_ratio": 0.1,
            "bf16": False,
        }
    )
    if has_validation:
        config.update({"per_device_eval_batch_size": 1, "eval_strategy": "epoch"})
    comments = {
        "model_name_or_path": "Made by Finetune Studio. Run: llamafactory-cli train train.yaml\n"
        "The model to fine-tune (any Hugging Face chat model).",
        "dataset": "Names from data/dataset_info.json.",
        "template": "The chat template: it must match the model family.",
        "cutoff_len": "Longer examples are cut at this many tokens.",
        "bf16": "true: faster and half the memory on a recent NVIDIA GPU (RTX 30xx or newer, A100,\n"
        "H100, L4); false (the default) also runs on older GPUs and on computers without one.",
    }
    return yaml_text.dump(config, comments)


MERGE_SCRIPT = '''"""Merge the trained adapter into the model (for LM Studio and GGUF). Made by Finetune Studio.

Run after training:  python merge.py
It reads the model, the chat template and the adapter folder from train.yaml, so the model is named
in one place only, and runs LLaMA-Factory's own export (what `llamafactory-cli export` does).
"""

import yaml
from llamafactory.train.tuner import export_model

MERGED_DIR = @MERGED_DIR@


def main():
    with open("train.yaml", encoding="utf-8") as handle:
        train = yaml.safe_load(handle)
    export_model(
        {
            "model_name_or_path": train["model_name_or_path"],
            "adapter_name_or_path": train["output_dir"],
            "template": train["template"],
            "finetuning_type": train["finetuning_type"],
            "export_dir": MERGED_DIR,
            "export_size": 2,
            "export_device": "cpu",
            "export_legacy_format": False,
        }
    )
    print(f"Done: the merged model is in {MERGED_DIR}")


if __name__ == "__main__":
    main()
'''


def _readme(job: ExportJob, has_validation: bool) -> str:
    name = short_name(job.base_model) + "-tuned"
    serving, servers = trying.peft_servers(
        base_model=job.base_model,
        adapter_dir=OUTPUT_DIR,
        merged_dir=MERGED_DIR,
        merge_command="python merge.py",
        name=name,
    )
    files = [
        ("data/train.jsonl", "the training data, in LLaMA-Factory's ShareGPT format"),
        *([("data/valid.jsonl", "the validation data")] if has_validation else []),
        ("data/dataset_info.json", "tells LLaMA-Factory where the data is and how to read it"),
        ("train.yaml", "the training settings (LoRA on a small model)"),
        ("merge.py", "merges the trained adapter into the model (for LM Studio)"),
        ("requirements.txt", "the Python package to install (LLaMA-Factory)"),
        ("README.md", "this file"),
    ]
    what = "preference training (DPO)" if job.is_preference else "fine-tuning (LoRA)"
    return f"""{job.readme_head(f"Train your model with LLaMA-Factory: {what}", files)}
## 1. Set up (once)

You need Python 3.10 or newer and, for reasonable speed, an NVIDIA GPU (Linux, or Windows); a
computer without one trains too, slowly. In this folder:

{python_setup("torch torchvision torchaudio")}
## 2. Train

```bash
llamafactory-cli train train.yaml
```

The first run downloads `{job.base_model}`. When it finishes, your adapter is in `{OUTPUT_DIR}/`.
On a recent NVIDIA GPU (RTX 30xx or newer, A100, H100, L4), train in bfloat16, which is faster
and needs half the memory: `llamafactory-cli train train.yaml bf16=true` (or set `bf16: true` in
`train.yaml`). The default, `bf16: false`, runs everywhere, also without a GPU.
If you prefer a web page to the terminal, run `llamafactory-cli webui`, set the data folder to
this folder's `data`, and pick the dataset `{TRAIN_NAME}`.

## 3. Try your model

The commands below name `{job.base_model}`; if you change the model in `train.yaml`, use your
model there too.

{serving}
{trying.playground(servers)}
## Settings worth changing

In `train.yaml`, the one place the model is named: `model_name_or_path` (with `template` to
match: `llama3` for Llama 3.x, `qwen` for Qwen2.5, `gemma3` for Gemma 3), `num_train_epochs`,
`learning_rate`, `cutoff_len`. `merge.py` reads the model from there.

{gated_model_note()}
"""
