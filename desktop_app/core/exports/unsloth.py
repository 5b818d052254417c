"""Export for Unsloth: the same conversational JSONL as TRL + an Unsloth `train.py`.

Unsloth trains faster and in less GPU memory than plain TRL. The script renders each example with
the model's chat template, then `train_on_responses_only` (with the turn markers of the model
family) makes it learn the replies only. The script reads the JSONL with Python's json module, so
tool calls whose arguments differ from one example to the next load with any `datasets` version.
Pairs train with Unsloth's patched DPO trainer.
"""

from __future__ import annotations

from desktop_app.core.exports import base_models, trl, trying
from desktop_app.core.exports.base_models import family_of, short_name
from desktop_app.core.exports.common import Note
from desktop_app.core.exports.job import ExportJob

NAME = "unsloth"
LABEL = "Unsloth"
SUMMARY = "An NVIDIA GPU, even a small one or a free Colab GPU: fast, memory-saving training."
DEFAULT_MODEL = base_models.DEFAULT_UNSLOTH_MODEL
SUPPORTS_PREFERENCE = True
NEEDS_VALIDATION = False
REQUIREMENTS = "unsloth\n"
ADAPTER_DIR = "out/adapter"
MERGED_DIR = "out/merged"

UNKNOWN_FAMILY = Note(
    "Finetune Studio does not know the chat markers of this base model, so train.py learns whole "
    "conversations, questions included; set USER_MARKER and ASSISTANT_MARKER in train.py to learn "
    "the replies only.",
    "Finetune Studio does not know the chat markers of this base model, so train.py learns whole "
    "conversations, questions included; set USER_MARKER and ASSISTANT_MARKER in train.py to learn "
    "the replies only.",
)


def build(job: ExportJob) -> None:
    train, valid = trl.convert(job)
    if not train:
        return
    job.write_data("train", train)
    if valid:
        job.write_data("valid", valid)
    family = family_of(job.base_model)
    if family is None and not job.is_preference:
        job.train.log.add(UNKNOWN_FAMILY)
    markers = (family.user_marker, family.assistant_marker) if family else (None, None)
    script = DPO_SCRIPT if job.is_preference else SFT_SCRIPT
    text = trl.fill(script, job, bool(valid))
    text = text.replace("@USER_MARKER@", repr(markers[0])).replace(
        "@ASSISTANT_MARKER@", repr(markers[1])
    )
    job.writer.write("train.py", text)
    job.writer.write("requirements.txt", REQUIREMENTS)
    job.writer.write("README.md", _readme(job, bool(valid)))


SFT_SCRIPT = '''"""Fine-tune a small chat model on data/train.jsonl with Unsloth (LoRA). Made by Finetune Studio.

Run:  python train.py        Change the settings below as you like.
"""

from unsloth import FastLanguageModel  # import Unsloth first, before TRL and transformers
from unsloth.chat_templates import train_on_responses_only

import json

import torch
from datasets import Dataset
from trl import SFTConfig, SFTTrainer

BASE_MODEL = @BASE_MODEL@
TRAIN_FILE = @TRAIN_FILE@
VALID_FILE = @VALID_FILE@  # None: train without validation
ADAPTER_DIR = @ADAPTER_DIR@  # the trained adapter
CHECKPOINT_DIR = @CHECKPOINT_DIR@  # snapshots during training (safe to delete afterwards)
MERGED_DIR = @MERGED_DIR@
SAVE_MERGED = False  # True: also save the adapter merged into the model (for LM Studio, GGUF)
LOAD_IN_4BIT = True  # 4-bit base model: much less GPU memory
EPOCHS = 3
LEARNING_RATE = 2e-4
BATCH_SIZE = 2
GRADIENT_ACCUMULATION = 4
MAX_LENGTH = 2048
LORA_RANK = 16
LORA_ALPHA = 16
# The text that starts a user turn and a reply in this model's chat template (None: learn all).
USER_MARKER = @USER_MARKER@
ASSISTANT_MARKER = @ASSISTANT_MARKER@


def read_texts(path, tokenizer):
    """Each example rendered with the model's chat template, tools included."""
    texts = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            texts.append(
                tokenizer.apply_chat_template(row["messages"], tools=row.get("tools"), tokenize=False)
            )
    return Dataset.from_dict({"text": texts})


def main():
    model, tokenizer = FastLanguageModel.from_pretrained(
        model_name=BASE_MODEL, max_seq_length=MAX_LENGTH, load_in_4bit=LOAD_IN_4BIT
    )
    model = FastLanguageModel.get_peft_model(
        model,
        r=LORA_RANK,
        lora_alpha=LORA_ALPHA,
        lora_dropout=0,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        use_gradient_checkpointing="unsloth",
        random_state=3407,
    )
    train = read_texts(TRAIN_FILE, tokenizer)
    valid = read_texts(VALID_FILE, tokenizer) if VALID_FILE else None
    trainer = SFTTrainer(
        model=model,
        processing_class=tokenizer,
        train_dataset=train,
        eval_dataset=valid,
        args=SFTConfig(
            output_dir=CHECKPOINT_DIR,
            dataset_text_field="text",
            max_length=MAX_LENGTH,
            num_train_epochs=EPOCHS,
            learning_rate=LEARNING_RATE,
            per_device_train_batch_size=BATCH_SIZE,
            gradient_accumulation_steps=GRADIENT_ACCUMULATION,
            lr_scheduler_type="linear",
            optim="adamw_8bit",
            weight_decay=0.01,
            logging_steps=1,
            eval_strategy="epoch" if VALID_FILE else "no",
            save_strategy="epoch",
            bf16=torch.cuda.is_bf16_supported(),
            fp16=not torch.cuda.is_bf16_supported(),
            seed=3407,
            report_to="none",
        ),
    )
    if USER_MARKER and ASSISTANT_MARKER:
        trainer = train_on_responses_only(
            trainer, instruction_part=USER_MARKER, response_part=ASSISTANT_MARKER
        )
    trainer.train()
    model.save_pretrained(ADAPTER_DIR)
    tokenizer.save_pretrained(ADAPTER_DIR)
    print(f"Done: the adapter is in {ADAPTER_DIR}")
    if SAVE_MERGED:
        model.save_pretrained_merged(MERGED_DIR, tokenizer, save_method="merged_16bit")
        print(f"The merged model is in {MERGED_DIR}")


if __name__ == "__main__":
    main()
'''

DPO_SCRIPT = '''"""Teach a small chat model your preferences (DPO) with Unsloth (LoRA). Made by Finetune Studio.

Run:  python train.py        Change the settings below as you like.
"""

from unsloth import FastLanguageModel, PatchDPOTrainer  # import Unsloth first

PatchDPOTrainer()

import torch
from datasets import load_dataset
from trl import DPOConfig, DPOTrainer

BASE_MODEL = @BASE_MODEL@
TRAIN_FILE = @TRAIN_FILE@
VALID_FILE = @VALID_FILE@  # None: train without validation
ADAPTER_DIR = @ADAPTER_DIR@  # the trained adapter
CHECKPOINT_DIR = @CHECKPOINT_DIR@  # snapshots during training (safe to delete afterwards)
MERGED_DIR = @MERGED_DIR@
SAVE_MERGED = False  # True: also save the adapter merged into the model (for LM Studio, GGUF)
LOAD_IN_4BIT = True
EPOCHS = 1
LEARNING_RATE = 5e-6
BETA = 0.1  # how far the model may move from the base model: higher stays closer
BATCH_SIZE = 2
GRADIENT_ACCUMULATION = 4
MAX_LENGTH = 2048
LORA_RANK = 16
LORA_ALPHA = 16


def main():
    model, tokenizer = FastLanguageModel.from_pretrained(
        model_name=BASE_MODEL, max_seq_length=MAX_LENGTH, load_in_4bit=LOAD_IN_4BIT
    )
    model = FastLanguageModel.get_peft_model(
        model,
        r=LORA_RANK,
        lora_alpha=LORA_ALPHA,
        lora_dropout=0,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        use_gradient_checkpointing="unsloth",
        random_state=3407,
    )
    files = {"train": TRAIN_FILE}
    if VALID_FILE:
        files["validation"] = VALID_FILE
    data = load_dataset("json", data_files=files)
    trainer = DPOTrainer(
        model=model,
        ref_model=None,
        processing_class=tokenizer,
        train_dataset=data["train"],
        eval_dataset=data["validation"] if VALID_FILE else None,
        args=DPOConfig(
            output_dir=CHECKPOINT_DIR,
            beta=BETA,
            max_length=MAX_LENGTH,
            num_train_epochs=EPOCHS,
            learning_rate=LEARNING_RATE,
            per_device_train_batch_size=BATCH_SIZE,
            gradient_accumulation_steps=GRADIENT_ACCUMULATION,
            optim="adamw_8bit",
            logging_steps=1,
            eval_strategy="epoch" if VALID_FILE else "no",
            save_strategy="epoch",
            bf16=torch.cuda.is_bf16_supported(),
            fp16=not torch.cuda.is_bf16_supported(),
            seed=3407,
            report_to="none",
        ),
    )
    trainer.train()
    model.save_pretrained(ADAPTER_DIR)
    tokenizer.save_pretrained(ADAPTER_DIR)
    print(f"Done: the adapter is in {ADAPTER_DIR}")
    if SAVE_MERGED:
        model.save_pretrained_merged(MERGED_DIR, tokenizer, save_method="merged_16bit")
        print(f"The merged model is in {MERGED_DIR}")


if __name__ == "__main__":
    main()
'''


def _readme(job: ExportJob, has_validation: bool) -> str:
    name = short_name(job.base_model) + "-tuned"
    serving, servers = trying.peft_servers(
        base_model=job.base_model,
        adapter_dir=ADAPTER_DIR,
        merged_dir=MERGED_DIR,
        merge_command="# set SAVE_MERGED = True in train.py before training",
        name=name,
    )
    files = [
        ("data/train.jsonl", "the training data (the same format TRL reads)"),
        *([("data/valid.jsonl", "the validation data")] if has_validation else []),
        ("train.py", "the Unsloth training script, with its settings at the top"),
        ("requirements.txt", "the Python package the script needs"),
        ("README.md", "this file"),
    ]
    what = "preference training (DPO)" if job.is_preference else "fine-tuning (LoRA)"
    return f"""{job.readme_head(f"Train your model with Unsloth: {what}", files)}
## 1. Set up (once)

You need an NVIDIA GPU (Linux, Windows with WSL, or a Google Colab notebook) and Python 3.10 or
newer. In this folder:

```bash
python3 -m venv .venv
source .venv/bin/activate
pip install -r requirements.txt
```

On Colab, upload this folder, then run `!pip install unsloth` and `!python train.py` in a cell.

## 2. Train

```bash
python train.py
```

The first run downloads `{job.base_model}`. When it finishes, your adapter is in `{ADAPTER_DIR}/`.
Set `SAVE_MERGED = True` at the top of `train.py` to also get the adapter merged into the model in
`{MERGED_DIR}/` (needed for LM Studio).

## 3. Try your model

{serving}
{trying.playground(servers)}
## Settings worth changing

All settings are at the top of `train.py`: `BASE_MODEL` (Unsloth's copies such as
`unsloth/Llama-3.2-1B-Instruct` load fastest), `EPOCHS`, `LEARNING_RATE`, `MAX_LENGTH`, and
`LOAD_IN_4BIT`. If you change the model family, change `USER_MARKER` and `ASSISTANT_MARKER` to
that family's chat markers (Unsloth's documentation lists them).
"""
