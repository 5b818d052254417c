"""One export in progress: its inputs, its folder, its notes, and the README parts every target shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from desktop_app.core.dataset.records import DatasetKind
from desktop_app.core.exports.common import (
    Conversation,
    ConversionLog,
    FolderWriter,
    Note,
    Preference,
    Skip,
    Source,
    jsonl_bytes,
    note_weights,
    plural,
    tidy_conversation,
    tidy_preference,
)

LOCAL_TRAINING = (
    "Everything below runs on your own computer. Finetune Studio downloaded nothing; the commands "
    "here\ndownload the trainer and the base model the first time you run them."
)


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote and what it changed on the way, in plain sentences."""

    target: str
    folder: Path
    files: list[Path]
    notes: list[str]
    train_examples: int
    validation_examples: int

    @property
    def readme(self) -> Path:
        return self.folder / "README.md"


@dataclass(slots=True)
class ExportJob:
    """Everything a target module needs to write its folder."""

    target: str  # the target's display name, used in notes (“TRL does not read it”)
    base_model: str
    kind: str  # DatasetKind.CHAT or DatasetKind.PREFERENCE
    train: Source
    validation: Source | None
    writer: FolderWriter
    source_name: str = "your dataset"
    counts: dict[str, int] = field(default_factory=dict)
    validation_note: str = ""  # where the validation examples came from

    @property
    def is_preference(self) -> bool:
        return self.kind == DatasetKind.PREFERENCE

    # ---- tidying, with every skip counted -------------------------------------------------
    def chats(
        self,
        source: Source,
        *,
        keep_tools: bool = True,
        untrained: Note | None = None,
        weighted: Note | None = None,
    ) -> list[Conversation]:
        """The source's chat examples, tidied; see `note_weights` for `untrained`/`weighted`."""
        out = []
        for example in source.examples:
            try:
                conversation = tidy_conversation(
                    example, source.log, self.target, keep_tools=keep_tools
                )
            except Skip as skip:
                source.log.add(skip.note, example.line)
                continue
            note_weights(
                conversation, example.value, source.log, untrained=untrained, weighted=weighted
            )
            out.append(conversation)
        return out

    def chat_rows(
        self,
        source: Source,
        convert: Callable[[Conversation, ConversionLog], dict[str, Any]],
        *,
        untrained: Note | None = None,
    ) -> list[dict[str, Any]]:
        """The source's chat examples converted by `convert`; one it cannot convert (Skip) is
        left out and counted in the source's log."""
        rows = []
        for conversation in self.chats(source, untrained=untrained):
            try:
                rows.append(convert(conversation, source.log))
            except Skip as skip:
                source.log.add(skip.note, conversation.line)
        return rows

    def preferences(self, source: Source) -> list[Preference]:
        out = []
        for example in source.examples:
            try:
                out.append(tidy_preference(example, source.log, self.target))
            except Skip as skip:
                source.log.add(skip.note, example.line)
        return out

    # ---- writing ----------------------------------------------------------------------------
    def write_data(self, name: str, rows: list[dict[str, object]]) -> None:
        """data/<name>.jsonl, counted as training or validation examples."""
        self.writer.write(f"data/{name}.jsonl", jsonl_bytes(rows))
        self.counts[name] = len(rows)

    def notes(self) -> list[str]:
        notes = [self.validation_note] if self.validation_note else []
        notes += self.train.log.notes()
        if self.validation is not None and not self.validation.quiet:
            notes += self.validation.log.notes("In the validation data: ")
        return notes

    # ---- README parts -----------------------------------------------------------------------
    def readme_head(
        self, title: str, files: list[tuple[str, str]], *, where: str = LOCAL_TRAINING
    ) -> str:
        """Title, what was exported from where, where it runs, its files, and what was changed."""
        from desktop_app import __version__

        train = self.counts.get("train", 0)
        valid = self.counts.get("valid", 0)
        what = "preference pairs" if self.is_preference else "examples"
        valid_text = f", {valid:,} for validation" if valid else ", no validation data"
        table = "\n".join(f"| `{name}` | {meaning} |" for name, meaning in files)
        notes = self.notes()
        changes = (
            "\n".join(f"- {note}" for note in notes)
            if notes
            else "- Nothing: every line was an example the trainer reads as it is."
        )
        return f"""# {title}

Exported by Finetune Studio {__version__} on {date.today().isoformat()} from {self.source_name}:
{train:,} {what} for training{valid_text}. Base model: `{self.base_model}`.

{where}

## What is in this folder

| file | what it is |
|---|---|
{table}

## What Finetune Studio changed on the way

{changes}
"""


def examples(count: int) -> str:
    return plural(count, "example")


def python_setup(packages: str = "torch") -> str:
    """README steps: a virtual environment, PyTorch (`packages`: torch, and torchvision and
    torchaudio where the trainer asks for them) for this computer, then the trainer with that
    PyTorch pinned (pip would otherwise swap a CPU build for a CUDA build of several GB)."""
    return f"""```bash
python3 -m venv .venv
source .venv/bin/activate
pip install {packages}
pip freeze | grep -E "^torch(vision|audio)?==" > torch-pin.txt
pip install -c torch-pin.txt -r requirements.txt
```

The third line gives the NVIDIA (CUDA) build on Linux and Windows. On a computer without an NVIDIA
GPU, use PyTorch's CPU build instead:

```bash
pip install {packages} --index-url https://download.pytorch.org/whl/cpu
```

For another CUDA version, https://pytorch.org/get-started/locally/ gives the command. The
`torch-pin.txt` line keeps the PyTorch you chose: without it, installing the trainer can replace
a CPU PyTorch with a CUDA build of several GB.
"""


def gated_model_note() -> str:
    """README text: some models on Hugging Face need a login and an accepted licence."""
    return (
        "Some models need a Hugging Face account: `meta-llama/…` models (and some Gemma models)\n"
        "are gated. Accept the licence on the model's page at https://huggingface.co, then run\n"
        "`hf auth login` once and paste an access token before training."
    )
