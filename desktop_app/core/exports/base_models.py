"""Which base model an export suggests, and what each model family needs from a trainer.

A chat template ties training to one model family: LLaMA-Factory names the template, Unsloth needs
the text that starts a user turn and an assistant turn. The defaults are small instruct models
that train on a laptop GPU or an Apple-silicon Mac; the writer can name any other model.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MODEL = "Qwen/Qwen2.5-0.5B-Instruct"
DEFAULT_MLX_MODEL = "mlx-community/Qwen2.5-0.5B-Instruct-4bit"
DEFAULT_UNSLOTH_MODEL = "unsloth/Qwen2.5-0.5B-Instruct"


@dataclass(frozen=True, slots=True)
class Family:
    key: str
    llama_factory_template: str
    user_marker: str  # the text before a user turn (Unsloth's instruction_part)
    assistant_marker: str  # the text before an assistant turn (Unsloth's response_part)


_CHATML = ("<|im_start|>user\n", "<|im_start|>assistant\n")
_LLAMA3 = (
    "<|start_header_id|>user<|end_header_id|>\n\n",
    "<|start_header_id|>assistant<|end_header_id|>\n\n",
)
_GEMMA = ("<start_of_turn>user\n", "<start_of_turn>model\n")

# (words that must all appear in the lower-cased model name, family); first match wins
_FAMILIES: tuple[tuple[tuple[str, ...], Family], ...] = (
    (("qwen3", "2507"), Family("qwen3-2507", "qwen3_nothink", *_CHATML)),
    (("qwen3",), Family("qwen3", "qwen3", *_CHATML)),
    (("qwen2",), Family("qwen2.5", "qwen", *_CHATML)),
    (("llama-3",), Family("llama3", "llama3", *_LLAMA3)),
    (("llama3",), Family("llama3", "llama3", *_LLAMA3)),
    (("gemma-3",), Family("gemma3", "gemma3", *_GEMMA)),
    (("gemma3",), Family("gemma3", "gemma3", *_GEMMA)),
    (("gemma",), Family("gemma", "gemma", *_GEMMA)),
    (("mistral",), Family("mistral", "mistral", "[INST]", "[/INST]")),
    (
        ("phi-4",),
        Family("phi4", "phi4", "<|im_start|>user<|im_sep|>", "<|im_start|>assistant<|im_sep|>"),
    ),
    (("phi-3",), Family("phi3", "phi", "<|user|>\n", "<|assistant|>\n")),
)


def family_of(model: str) -> Family | None:
    """The family a model name belongs to, or None when the name is not recognised."""
    name = model.lower()
    for words, family in _FAMILIES:
        if all(word in name for word in words):
            return family
    return None


def short_name(model: str) -> str:
    """`Qwen/Qwen2.5-0.5B-Instruct` → `qwen2.5-0.5b-instruct` (for folder and model names)."""
    tail = model.rstrip("/").rsplit("/", 1)[-1].lower()
    return "".join(c if c.isalnum() or c in ".-_" else "-" for c in tail) or "model"
