"""Export for MLX-LM (Apple-silicon Macs): `data/train.jsonl` + `data/valid.jsonl` + `lora_config.yaml`.

mlx-lm reads chat examples (`messages`, optional `tools`) and, with `mask_prompt`, learns only the
LAST message of each example. A conversation with several replies to learn therefore becomes one
example per reply (the conversation up to that reply), which is exactly what OpenAI learns from it;
replies with weight 0 stay as context and never end an example. mlx-lm requires a validation file,
so one is set aside when none is given (see registry.export_project).
"""

from __future__ import annotations

import math
from typing import Any

from desktop_app.core.exports import base_models, trying, yaml_text
from desktop_app.core.exports.base_models import short_name
from desktop_app.core.exports.common import Conversation, ConversionLog, Note
from desktop_app.core.exports.job import ExportJob

NAME = "mlx-lm"
LABEL = "MLX-LM"
SUMMARY = "Apple-silicon Macs (M1 or later): the simplest way to train on a Mac."
DEFAULT_MODEL = base_models.DEFAULT_MLX_MODEL
SUPPORTS_PREFERENCE = False
NEEDS_VALIDATION = True
EPOCHS = 3
MAX_BATCH = 4

SPLIT_PER_REPLY = Note(
    "Turned 1 conversation with several replies into one example per reply ({where}): mlx-lm "
    "learns only the last message of each example, and this way every reply is learned.",
    "Turned {n} conversations with several replies into one example per reply ({where}): mlx-lm "
    "learns only the last message of each example, and this way every reply is learned.",
)
CONTEXT_ONLY = Note(
    "Kept the replies marked weight 0 in 1 example as context only ({where}); no example ends "
    "with them, so mlx-lm does not learn them.",
    "Kept the replies marked weight 0 in {n} examples as context only ({where}); no example ends "
    "with them, so mlx-lm does not learn them.",
)


def build(job: ExportJob) -> None:
    assert job.validation is not None  # registry sets one aside for mlx-lm
    train = _rows(job.chats(job.train, untrained=CONTEXT_ONLY), job.train.log)
    valid = _rows(job.chats(job.validation, untrained=CONTEXT_ONLY), job.validation.log)
    if not train or not valid:
        return  # the registry reports an export with nothing to train on
    job.write_data("train", train)
    job.write_data("valid", valid)
    job.writer.write("lora_config.yaml", _config(job, len(train), len(valid)))
    job.writer.write("README.md", _readme(job))


def _rows(conversations: list[Conversation], log: ConversionLog) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for conversation in conversations:
        ends = [i for i, learn in enumerate(conversation.trained) if learn]
        if len(ends) > 1:
            log.add(SPLIT_PER_REPLY, conversation.line)
        for end in ends:
            row: dict[str, Any] = {"messages": conversation.messages[: end + 1]}
            if conversation.tools:
                row["tools"] = conversation.tools
            rows.append(row)
    return rows


def settings(train_count: int, valid_count: int) -> dict[str, int]:
    """Batch size, iterations and evaluation batches that fit the number of examples."""
    batch = max(1, min(MAX_BATCH, train_count, valid_count))
    iters = max(1, math.ceil(EPOCHS * train_count / batch))
    return {
        "batch_size": batch,
        "iters": iters,
        "val_batches": max(1, min(25, math.ceil(valid_count / batch))),
        "steps_per_eval": min(200, iters),
        "save_every": min(100, iters),
    }


def _config(job: ExportJob, train_count: int, valid_count: int) -> str:
    fit = settings(train_count, valid_count)
    config: dict[str, Any] = {
        "model": job.base_model,
        "train": True,
        "fine_tune_type": "lora",
        "data": "data",
        "mask_prompt": True,
        "seed": 0,
        "num_layers": 16,
        "batch_size": fit["batch_size"],
        "iters": fit["iters"],
        "val_batches": fit["val_batches"],
        "learning_rate": 1e-5,
        "steps_per_report": 10,
        "steps_per_eval": fit["steps_per_eval"],
        "adapter_path": "adapters",
        "save_every": fit["save_every"],
        "max_seq_length": 2048,
        "grad_checkpoint": False,
        "lora_parameters": {"rank": 8, "scale": 20.0, "dropout": 0.0},
    }
    comments = {
        "model": "Made by Finetune Studio. Run: mlx_lm.lora --config lora_config.yaml\n"
        "The base model (an MLX model from Hugging Face; a 4-bit one trains in little memory).",
        "mask_prompt": "Learn only the last message of each example (the reply), not the question.",
        "iters": f"About {EPOCHS} passes over the {train_count:,} training examples.",
        "learning_rate": "Raise to 1.0e-4 if the model barely changes; lower it if answers get worse.",
        "max_seq_length": "Longer examples are cut at this many tokens.",
        "grad_checkpoint": "Set to true if the Mac runs out of memory (slower, uses less memory).",
    }
    return yaml_text.dump(config, comments)


def _readme(job: ExportJob) -> str:
    assistant_name = short_name(job.base_model) + "-tuned"
    serving, servers = trying.mlx_servers(
        model=job.base_model, adapter_dir="adapters", name=assistant_name
    )
    head = job.readme_head(
        "Train your model with MLX-LM on a Mac",
        [
            ("data/train.jsonl", "the training examples, in mlx-lm's chat format"),
            ("data/valid.jsonl", "the validation examples mlx-lm checks the training against"),
            ("lora_config.yaml", "the training settings (LoRA on a small model)"),
            ("README.md", "this file"),
        ],
    )
    return f"""{head}
## 1. Set up (once)

You need a Mac with Apple silicon (M1 or later) and Python 3.10 or newer. In a terminal, in this
folder:

```bash
python3 -m venv .venv
source .venv/bin/activate
pip install "mlx-lm>=0.28"
```

## 2. Train

```bash
mlx_lm.lora --config lora_config.yaml
```

The first run downloads `{job.base_model}`. Training prints the training loss every 10 steps and
the validation loss now and then; when it finishes, your adapter is in `adapters/`.
Try it straight away in the terminal:

```bash
mlx_lm.generate --model {job.base_model} --adapter-path adapters --prompt "Hello!"
```

## 3. Try your model

{serving}
{trying.playground(servers)}
## Settings worth changing

- `iters` in `lora_config.yaml`: more iterations learn the examples more closely (too many copy
  them word for word).
- `model`: any MLX chat model, for example `mlx-community/Llama-3.2-1B-Instruct-4bit`.
- To start again from scratch, delete the `adapters/` folder.
"""
