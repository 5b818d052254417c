"""Export for Hugging Face TRL: conversational JSONL + `train.py` (LoRA SFT, or DPO for pairs).

TRL reads `{"messages": [...]}` rows (plus a `tools` column) and, with `assistant_only_loss`,
learns every assistant reply. Preference pairs become TRL's conversational preference rows
`{"prompt": [...], "chosen": [reply], "rejected": [reply]}`. A Python script rather than the
`trl sft` command line carries the settings, because only a script can name a separate
validation file.
"""

from __future__ import annotations

from typing import Any

from desktop_app.core.exports import base_models, trying
from desktop_app.core.exports.base_models import family_of, short_name
from desktop_app.core.exports.common import Note, Preference, chat_row, learned_anyway
from desktop_app.core.exports.job import ExportJob, gated_model_note, python_setup

NAME = "trl"
LABEL = "TRL (Hugging Face)"
SUMMARY = "Linux or Windows (WSL) with an NVIDIA GPU: Hugging Face's own trainer."
DEFAULT_MODEL = base_models.DEFAULT_MODEL
SUPPORTS_PREFERENCE = True
NEEDS_VALIDATION = False
# trl 1.0.0 cannot mark the replies in Qwen2.5's chat template; 1.1 is the first that can
REQUIREMENTS = "trl>=1.1\npeft>=0.15\ndatasets>=4.7\naccelerate>=1.0\n"
ADAPTER_DIR = "out/adapter"
CHECKPOINT_DIR = "out/checkpoints"  # kept apart, so the adapter folder holds only the adapter
MERGED_DIR = "out/merged"
# Families whose chat template TRL cannot mark for assistant_only_loss (“not training-compatible”)
WHOLE_CONVERSATION_FAMILIES = {"llama3"}

WHOLE_CONVERSATIONS = Note(
    "TRL cannot tell the replies from the questions in this base model's chat template, so "
    "train.py learns whole conversations (ASSISTANT_ONLY_LOSS = False).",
    "TRL cannot tell the replies from the questions in this base model's chat template, so "
    "train.py learns whole conversations (ASSISTANT_ONLY_LOSS = False).",
)


def build(job: ExportJob) -> None:
    train, valid = convert(job)
    if not train:
        return
    job.write_data("train", train)
    if valid:
        job.write_data("valid", valid)
    script = DPO_SCRIPT if job.is_preference else SFT_SCRIPT
    family = family_of(job.base_model)
    replies_only = family is None or family.key not in WHOLE_CONVERSATION_FAMILIES
    if not replies_only and not job.is_preference:
        job.train.log.add(WHOLE_CONVERSATIONS)
    text = fill(script, job, bool(valid)).replace("@ASSISTANT_ONLY_LOSS@", repr(replies_only))
    job.writer.write("train.py", text)
    job.writer.write("merge.py", fill(MERGE_SCRIPT, job, bool(valid)))
    job.writer.write("requirements.txt", REQUIREMENTS)
    job.writer.write("README.md", _readme(job, bool(valid)))


def convert(job: ExportJob) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Training and validation rows in TRL's conversational formats (shared with Unsloth)."""
    sources = [job.train] + ([job.validation] if job.validation is not None else [])
    out: list[list[dict[str, Any]]] = []
    for source in sources:
        if job.is_preference:
            out.append([preference_row(p) for p in job.preferences(source)])
        else:
            untrained = learned_anyway(job.target)
            out.append([chat_row(c) for c in job.chats(source, untrained=untrained)])
    return out[0], out[1] if len(out) > 1 else []


def preference_row(pair: Preference) -> dict[str, Any]:
    return {"prompt": pair.prompt, "chosen": [pair.chosen], "rejected": [pair.rejected]}


def fill(script: str, job: ExportJob, has_validation: bool) -> str:
    settings = {
        "BASE_MODEL": job.base_model,
        "TRAIN_FILE": "data/train.jsonl",
        "VALID_FILE": "data/valid.jsonl" if has_validation else None,
        "ADAPTER_DIR": ADAPTER_DIR,
        "CHECKPOINT_DIR": CHECKPOINT_DIR,
        "MERGED_DIR": MERGED_DIR,
    }
    text = script
    for key, value in settings.items():
        text = text.replace(f"@{key}@", repr(value))
    return text


SFT_SCRIPT = '''"""Fine-tune a small chat model on data/train.jsonl with TRL (LoRA). Made by Finetune Studio.

Run:  python train.py        Change the settings below as you like.
"""

import torch
from datasets import load_dataset
from peft import LoraConfig
from trl import SFTConfig, SFTTrainer

BASE_MODEL = @BASE_MODEL@  # the one place the model is named (merge.py reads it from the adapter)
TRAIN_FILE = @TRAIN_FILE@
VALID_FILE = @VALID_FILE@  # None: train without validation
ADAPTER_DIR = @ADAPTER_DIR@  # the trained adapter
CHECKPOINT_DIR = @CHECKPOINT_DIR@  # snapshots during training (safe to delete afterwards)
ASSISTANT_ONLY_LOSS = @ASSISTANT_ONLY_LOSS@  # True: learn the replies only; False: whole chats
EPOCHS = 3  # passes over the training examples
LEARNING_RATE = 2e-4
BATCH_SIZE = 2  # lower to 1 if the GPU runs out of memory
GRADIENT_ACCUMULATION = 8  # examples seen per update = BATCH_SIZE x this
MAX_LENGTH = 2048  # longer examples are cut at this many tokens
LORA_RANK = 16
LORA_ALPHA = 32


def main():
    files = {"train": TRAIN_FILE}
    if VALID_FILE:
        files["validation"] = VALID_FILE
    data = load_dataset("json", data_files=files)
    config = SFTConfig(
        output_dir=CHECKPOINT_DIR,
        num_train_epochs=EPOCHS,
        learning_rate=LEARNING_RATE,
        per_device_train_batch_size=BATCH_SIZE,
        gradient_accumulation_steps=GRADIENT_ACCUMULATION,
        lr_scheduler_type="cosine",
        max_length=MAX_LENGTH,
        assistant_only_loss=ASSISTANT_ONLY_LOSS,
        logging_steps=1,
        eval_strategy="epoch" if VALID_FILE else "no",
        save_strategy="epoch",
        bf16=torch.cuda.is_available() and torch.cuda.is_bf16_supported(),
        report_to="none",
    )
    lora = LoraConfig(
        r=LORA_RANK,
        lora_alpha=LORA_ALPHA,
        lora_dropout=0.05,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    trainer = SFTTrainer(
        model=BASE_MODEL,
        args=config,
        train_dataset=data["train"],
        eval_dataset=data["validation"] if VALID_FILE else None,
        peft_config=lora,
    )
    trainer.train()
    trainer.save_model(ADAPTER_DIR)  # the adapter and the tokenizer
    print(f"Done: the adapter is in {ADAPTER_DIR}")


if __name__ == "__main__":
    main()
'''

DPO_SCRIPT = '''"""Teach a small chat model your preferences (DPO) with TRL (LoRA). Made by Finetune Studio.

Run:  python train.py        Change the settings below as you like.
"""

import torch
from datasets import load_dataset
from peft import LoraConfig
from trl import DPOConfig, DPOTrainer

BASE_MODEL = @BASE_MODEL@  # the one place the model is named (merge.py reads it from the adapter)
TRAIN_FILE = @TRAIN_FILE@
VALID_FILE = @VALID_FILE@  # None: train without validation
ADAPTER_DIR = @ADAPTER_DIR@  # the trained adapter
CHECKPOINT_DIR = @CHECKPOINT_DIR@  # snapshots during training (safe to delete afterwards)
EPOCHS = 1  # passes over the preference pairs
LEARNING_RATE = 5e-6
BETA = 0.1  # how far the model may move from the base model: higher stays closer
BATCH_SIZE = 2  # lower to 1 if the GPU runs out of memory
GRADIENT_ACCUMULATION = 8
MAX_LENGTH = 2048
LORA_RANK = 16
LORA_ALPHA = 32


def main():
    files = {"train": TRAIN_FILE}
    if VALID_FILE:
        files["validation"] = VALID_FILE
    data = load_dataset("json", data_files=files)
    config = DPOConfig(
        output_dir=CHECKPOINT_DIR,
        num_train_epochs=EPOCHS,
        learning_rate=LEARNING_RATE,
        beta=BETA,
        per_device_train_batch_size=BATCH_SIZE,
        gradient_accumulation_steps=GRADIENT_ACCUMULATION,
        max_length=MAX_LENGTH,
        logging_steps=1,
        eval_strategy="epoch" if VALID_FILE else "no",
        save_strategy="epoch",
        bf16=torch.cuda.is_available() and torch.cuda.is_bf16_supported(),
        report_to="none",
    )
    lora = LoraConfig(
        r=LORA_RANK,
        lora_alpha=LORA_ALPHA,
        lora_dropout=0.05,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    trainer = DPOTrainer(
        model=BASE_MODEL,
        args=config,
        train_dataset=data["train"],
        eval_dataset=data["validation"] if VALID_FILE else None,
        peft_config=lora,
    )
    trainer.train()
    trainer.save_model(ADAPTER_DIR)  # the adapter and the tokenizer
    print(f"Done: the adapter is in {ADAPTER_DIR}")


if __name__ == "__main__":
    main()
'''

MERGE_SCRIPT = '''"""Merge the trained adapter into the base model (for LM Studio and GGUF). Made by Finetune Studio.

Run after training:  python merge.py
The base model is the one train.py trained (the adapter remembers it); nothing else to set here.
"""

from peft import AutoPeftModelForCausalLM
from transformers import AutoTokenizer

ADAPTER_DIR = @ADAPTER_DIR@
MERGED_DIR = @MERGED_DIR@


def main():
    model = AutoPeftModelForCausalLM.from_pretrained(ADAPTER_DIR)
    model.merge_and_unload().save_pretrained(MERGED_DIR)
    AutoTokenizer.from_pretrained(ADAPTER_DIR).save_pretrained(MERGED_DIR)
    print(f"Done: the merged model is in {MERGED_DIR}")


if __name__ == "__main__":
    main()
'''


def _readme(job: ExportJob, has_validation: bool) -> str:
    name = short_name(job.base_model) + "-tuned"
    serving, servers = trying.peft_servers(
        base_model=job.base_model,
        adapter_dir=ADAPTER_DIR,
        merged_dir=MERGED_DIR,
        merge_command="python merge.py",
        name=name,
    )
    files = [
        ("data/train.jsonl", _data_meaning(job)),
        *([("data/valid.jsonl", "the validation examples")] if has_validation else []),
        ("train.py", "the training script, with its settings at the top"),
        ("merge.py", "merges the trained adapter into the base model (for LM Studio)"),
        ("requirements.txt", "the Python packages the scripts need"),
        ("README.md", "this file"),
    ]
    what = "preference training (DPO)" if job.is_preference else "fine-tuning (LoRA)"
    return f"""{job.readme_head(f"Train your model with TRL: {what}", files)}
## 1. Set up (once)

You need Python 3.10 or newer and, for reasonable speed, an NVIDIA GPU (Linux, or Windows with
WSL); a computer without one trains too, slowly. In this folder:

{python_setup()}
## 2. Train

```bash
python train.py
```

The first run downloads `{job.base_model}`. The script prints the loss as it trains; when it
finishes, your adapter (a small set of extra weights) is in `{ADAPTER_DIR}/` (the snapshots
taken during training are in `{CHECKPOINT_DIR}/`; delete them when you no longer need them).

## 3. Try your model

The commands below name `{job.base_model}`; if you change `BASE_MODEL`, use your model there too.

{serving}
{trying.playground(servers)}
## Settings worth changing

All settings are at the top of `train.py`, and the model is named only there: `BASE_MODEL`
(a Hugging Face model name or a folder with a downloaded model), `EPOCHS`, `LEARNING_RATE`,
`BATCH_SIZE`, `MAX_LENGTH`. `merge.py` finds the model through the adapter.

Qwen2.5 models of other sizes (for example `Qwen/Qwen2.5-1.5B-Instruct`) work as they are. With
`ASSISTANT_ONLY_LOSS = True` the model learns only the replies; TRL needs to recognise the model's
chat template for that. If it stops with “chat template is not training-compatible” (Llama 3.x
models do, with every TRL version), set `ASSISTANT_ONLY_LOSS = False`: the model then learns whole
conversations, questions included.

{gated_model_note()}
"""


def _data_meaning(job: ExportJob) -> str:
    if job.is_preference:
        return "the preference pairs, in TRL's prompt / chosen / rejected format"
    return "the training examples, in TRL's conversational `messages` format"
