"""Export for Axolotl: chat-template JSONL with per-message train flags + `config.yml`.

Axolotl's `chat_template` dataset type reads OpenAI `messages` (and `tools`). Its
`message_field_training` option names a per-message boolean that overrides the role rule, so
OpenAI's `weight` maps exactly: weight 1 → `"train": true`, weight 0 → `"train": false` on each
assistant reply. Preference pairs use `rl: dpo` with the `chat_template.default` type
(`messages` + `chosen` + `rejected`).
"""

from __future__ import annotations

from typing import Any

from desktop_app.core.exports import base_models, trying, yaml_text
from desktop_app.core.exports.base_models import short_name
from desktop_app.core.exports.common import ASSISTANT, Conversation, Note, Preference
from desktop_app.core.exports.job import ExportJob, gated_model_note

NAME = "axolotl"
LABEL = "Axolotl"
SUMMARY = "Linux with an NVIDIA GPU: one configuration file, many models and methods."
DEFAULT_MODEL = base_models.DEFAULT_MODEL
SUPPORTS_PREFERENCE = True
NEEDS_VALIDATION = False
TRAIN_FIELD = "train"
OUTPUT_DIR = "outputs/lora"

WEIGHT_AS_FLAGS = Note(
    "Turned “weight” into Axolotl's per-message “train” flag in 1 example ({where}): weight 1 is "
    "learned, weight 0 is context only, as OpenAI treats it.",
    "Turned “weight” into Axolotl's per-message “train” flag in {n} examples ({where}): weight 1 "
    "is learned, weight 0 is context only, as OpenAI treats it.",
)


def build(job: ExportJob) -> None:
    sources = [job.train] + ([job.validation] if job.validation is not None else [])
    converted: list[list[dict[str, Any]]] = []
    for source in sources:
        if job.is_preference:
            converted.append([_pair_row(p) for p in job.preferences(source)])
        else:
            conversations = job.chats(source, weighted=WEIGHT_AS_FLAGS)
            converted.append([_chat_row(c) for c in conversations])
    train = converted[0]
    valid = converted[1] if len(converted) > 1 else []
    if not train:
        return
    job.write_data("train", train)
    if valid:
        job.write_data("valid", valid)
    has_tools = any("tools" in row for row in train + valid)
    job.writer.write("config.yml", _config(job, bool(valid), has_tools))
    job.writer.write("README.md", _readme(job, bool(valid), has_tools))


def _chat_row(conversation: Conversation) -> dict[str, Any]:
    messages = []
    for message, learn in zip(conversation.messages, conversation.trained, strict=True):
        if message["role"] == ASSISTANT:
            messages.append({**message, TRAIN_FIELD: learn})
        else:
            messages.append(message)
    row: dict[str, Any] = {"messages": messages}
    if conversation.tools:
        row["tools"] = conversation.tools
    return row


def _pair_row(pair: Preference) -> dict[str, Any]:
    return {"messages": pair.prompt, "chosen": pair.chosen, "rejected": pair.rejected}


def _dataset(path: str, job: ExportJob, has_tools: bool, *, test: bool) -> dict[str, Any]:
    if job.is_preference:
        return {
            "path": path,
            "ds_type": "json",
            "split": "train",
            "type": "chat_template.default",
            "field_messages": "messages",
            "field_chosen": "chosen",
            "field_rejected": "rejected",
            "message_property_mappings": {"role": "role", "content": "content"},
            "roles": {"system": ["system"], "user": ["user"], "assistant": ["assistant"]},
        }
    entry: dict[str, Any] = {"path": path, "ds_type": "json"}
    if test:
        entry["split"] = "train"  # a local file is read as one “train” split
    entry.update(
        {
            "type": "chat_template",
            "field_messages": "messages",
            "message_property_mappings": {"role": "role", "content": "content"},
            "roles_to_train": ["assistant"],
            "train_on_eos": "turn",
            "message_field_training": TRAIN_FIELD,
        }
    )
    if has_tools:
        entry["field_tools"] = "tools"
    return entry


def _config(job: ExportJob, has_validation: bool, has_tools: bool) -> str:
    config: dict[str, Any] = {"base_model": job.base_model, "chat_template": "tokenizer_default"}
    if job.is_preference:
        config["rl"] = "dpo"
        config["dpo_beta"] = 0.1
    config["datasets"] = [_dataset("data/train.jsonl", job, has_tools, test=False)]
    if has_validation:
        config["test_datasets"] = [_dataset("data/valid.jsonl", job, has_tools, test=True)]
    config["val_set_size"] = 0
    config.update(
        {
            "dataset_prepared_path": "last_run_prepared",
            "output_dir": OUTPUT_DIR,
            "adapter": "lora",
            "lora_r": 16,
            "lora_alpha": 32,
            "lora_dropout": 0.05,
            "lora_target_linear": True,
            "sequence_len": 2048,
            "sample_packing": False,
            "micro_batch_size": 1,
            "gradient_accumulation_steps": 8,
            "num_epochs": 1 if job.is_preference else 3,
            "learning_rate": 5e-6 if job.is_preference else 0.0002,
            "optimizer": "adamw_torch_fused",
            "lr_scheduler": "cosine",
            "warmup_ratio": 0.1,
            "bf16": "auto",
            "gradient_checkpointing": True,
            "logging_steps": 1,
            "saves_per_epoch": 1,
        }
    )
    if has_validation:
        config["evals_per_epoch"] = 1
    comments = {
        "base_model": "Made by Finetune Studio. Run: axolotl train config.yml\n"
        "The model to fine-tune (any Hugging Face chat model).",
        "datasets": "Each assistant message carries “train”: true or false (from OpenAI's weight).",
        "val_set_size": "The validation examples come from test_datasets, not from a split.",
        "learning_rate": "How big each learning step is.",
        "bf16": "auto: use bfloat16 where the GPU supports it.",
    }
    if job.is_preference:
        comments["datasets"] = (
            "Preference pairs: the conversation, the chosen and the rejected reply."
        )
    return yaml_text.dump(config, comments)


def _readme(job: ExportJob, has_validation: bool, has_tools: bool) -> str:
    name = short_name(job.base_model) + "-tuned"
    merged = f"{OUTPUT_DIR}/merged"
    serving, servers = trying.peft_servers(
        base_model=job.base_model,
        adapter_dir=OUTPUT_DIR,
        merged_dir=merged,
        merge_command="axolotl merge-lora config.yml",
        name=name,
    )
    data = (
        "the preference pairs (messages, chosen, rejected)"
        if job.is_preference
        else "the training examples; each reply says whether to learn it (“train”)"
    )
    files = [
        ("data/train.jsonl", data),
        *([("data/valid.jsonl", "the validation examples")] if has_validation else []),
        ("config.yml", "Axolotl's configuration: model, data, LoRA and training settings"),
        ("README.md", "this file"),
    ]
    tools_tip = (
        "\nYour examples use tool calls: they need `datasets` 4.7 or newer "
        '(`pip install -U "datasets>=4.7"`), which reads tool arguments that differ from one '
        "example to the next.\n"
        if has_tools
        else ""
    )
    what = "preference training (DPO)" if job.is_preference else "fine-tuning (LoRA)"
    return f"""{job.readme_head(f"Train your model with Axolotl: {what}", files)}
## 1. Set up (once)

You need Linux (or Windows with WSL) with an NVIDIA GPU and Python 3.11 or newer. Install PyTorch
for your computer first (https://pytorch.org/get-started/locally/), then, in this folder:

```bash
python3 -m venv .venv
source .venv/bin/activate
pip install axolotl
```
{tools_tip}
Without an NVIDIA GPU, Axolotl stops with “Torch not compiled with CUDA enabled”: its LoRA kernels
need one. Adding `lora_mlp_kernel: false`, `lora_qkv_kernel: false` and `lora_o_kernel: false` to
`config.yml` lets it train on the processor, very slowly: enough to try the folder out.

## 2. Train

```bash
axolotl train config.yml
```

The first run downloads `{job.base_model}`. When it finishes, your adapter is in `{OUTPUT_DIR}/`.

## 3. Try your model

{serving}
{trying.playground(servers)}
## Settings worth changing

In `config.yml`, the one place the model is named: `base_model` (for example
`meta-llama/Llama-3.2-1B-Instruct`), `num_epochs`, `learning_rate`, `sequence_len` (longer
examples are cut), `micro_batch_size`. The commands above name `{job.base_model}`; if you change
`base_model`, use your model there too.

{gated_model_note()}
"""
