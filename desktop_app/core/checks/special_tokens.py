"""Special tokens such as <|endoftext|> inside text, which OpenAI refuses."""

from __future__ import annotations

import re

from desktop_app.core.checks.base import FIX_REMOVE_SPECIAL_TOKENS, Findings, list_words, nth, rule
from desktop_app.core.problems import Fix, Severity

F = "special tokens"
TOKENS = (
    "<|endoftext|>",
    "<|endofprompt|>",
    "<|fim_prefix|>",
    "<|fim_middle|>",
    "<|fim_suffix|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|im_sep|>",
)
PATTERN = re.compile("|".join(re.escape(token) for token in TOKENS))

SPECIAL_TOKEN = rule(
    "special_token",
    Severity.ERROR,
    "The text contains a special token such as <|endoftext|>, which OpenAI refuses.",
    "These markers have a special meaning to the model; OpenAI rejects a file that contains "
    "them (“message contains an invalid token”).",
    family=F,
)


def might_contain(text: str) -> bool:
    return "<|" in text


def find(text: str) -> list[str]:
    """The special tokens in a text, each once, in order of appearance."""
    if "<|" not in text:
        return []
    return list(dict.fromkeys(PATTERN.findall(text)))


def strip(text: str) -> str:
    return PATTERN.sub("", text)


def check_text(text: str, index: int | None, field: str, out: Findings, label: str = "") -> None:
    found = find(text)
    if not found:
        return
    where = label or (nth(index) if index is not None else "The text")
    tokens = list_words(found)

    out.add(
        SPECIAL_TOKEN,
        f"{where} contains {tokens}, a special token OpenAI does not allow in training text.",
        message_index=index,
        field=field,
        fix=Fix(FIX_REMOVE_SPECIAL_TOKENS, "Remove the special tokens"),
    )
