"""Placeholders left in the text: “[your company]”, “[Your Name]”, “[insert date and time]”.

The templates ask the writer to fill such brackets in, and replies drafted by a chatbot are full
of them; a model trained on them learns to write them. One warning per placeholder and message,
with a fix that opens Find and Replace on it, since the same one is usually in every example. A
preference pair's non-preferred reply may hold them: that is what the model learns to avoid.

Only bracketed words that read as an instruction are taken: “your”, “insert”, “write” and the
like followed by a space, or a capitalised field name (“[Customer Name]”, “[Date]”); a list in code
(“[name]”, “items[Date]”) or a Markdown link (“[your account](https://…)”) is left alone.
"""

from __future__ import annotations

import re

from desktop_app.core.checks.base import (
    PLACEHOLDER_ASKS,
    PLACEHOLDER_FIELDS,
    Findings,
    nth,
    rule,
)
from desktop_app.core.problems import Fix, Severity

F = "placeholders"
PLACEHOLDER_TEXT = rule(
    "placeholder_text",
    Severity.WARNING,
    "The text still holds a placeholder such as “[Your Name]” or “[insert date]”.",
    "A model learns to write what its examples say, brackets and all. Replace each placeholder "
    "with the words it stands for (Find and Replace changes it in every example at once).",
    family=F,
)
FIX_REPLACE_PLACEHOLDER = "replace_placeholder"  # the window opens Find and Replace on it

_PLACEHOLDER = re.compile(
    rf"(?<![\w\])])\[(?:{PLACEHOLDER_ASKS}[^\[\]\n]{{0,60}}"
    rf"|(?:{PLACEHOLDER_FIELDS})\b[^\[\]\n]{{0,40}})\](?!\()"
)  # the line's first look is base.TextGate's


def find(text: str) -> list[str]:
    """The placeholders in a text, each once, in order of appearance."""
    if "[" not in text:
        return []
    return list(dict.fromkeys(_PLACEHOLDER.findall(text)))


def check_text(
    text: str, index: int | None, field: str, out: Findings, label: str = "", *, learnt: bool
) -> None:
    """`learnt`: the text is a reply the model learns to write (else it only reads it)."""
    where = label or (nth(index) if index is not None else "The text")
    why = ": the model would learn to write it." if learnt else ", a placeholder left in."
    for placeholder in find(text):
        out.add(
            PLACEHOLDER_TEXT,
            f"{where} still says “{placeholder}”{why} Replace it with the words it stands for.",
            message_index=index,
            field=field,
            fix=Fix(FIX_REPLACE_PLACEHOLDER, "Replace it everywhere…", (placeholder,)),
        )
