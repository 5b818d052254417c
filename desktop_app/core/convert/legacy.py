"""Legacy prompt/completion JSONL (the old completions API's format) into chat examples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from desktop_app.core.convert.notes import Conversion, ConversionError, Notes, chat_example, plural
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset

# Separators the old completions API recommended: the prompt ended with "\n\n###\n\n" or " ->",
# the completion began with a space and ended with a stop sequence such as "\n", "###" or " END".
PROMPT_MARKERS = ("###", "->")
COMPLETION_MARKERS = ("###", "END")


def legacy_to_chat(dataset: Dataset, system: str | None = None) -> Conversion:
    """Chat examples from prompt/completion lines; chat lines already there are kept as they are.

    A separator is removed only when every prompt (or every completion) ends with it, so a
    marker that is part of the text of a few examples stays.
    """
    notes = Notes()
    pairs: list[tuple[int, str, str]] = []
    kept: list[tuple[int, dict[str, Any]]] = []
    blank = 0
    for index, record in enumerate(dataset):
        line = index + 1
        parsed = record.parse()
        if parsed.kind is RecordKind.BLANK:
            blank += 1
        elif parsed.kind is RecordKind.BROKEN:
            notes.at("{where} {was} not valid JSON, so {it} {was} not converted.", line)
        elif parsed.kind in (RecordKind.CHAT, RecordKind.PREFERENCE):
            kept.append((line, parsed.value))
        else:
            pair = _legacy_pair(parsed.value, line, notes)
            if pair is not None:
                pairs.append((line, *pair))
    if not pairs:
        raise ConversionError(
            "This file has no prompt/completion examples to convert.",
            "It may already be in chat format; open it in Finetune Studio or run ftstudio validate.",
        )
    prompts, completions = strip_separators(
        [p for _, p, _ in pairs], [c for _, _, c in pairs], notes
    )
    converted: list[tuple[int, dict[str, Any]]] = []
    for (line, _, _), user, reply in zip(pairs, prompts, completions, strict=True):
        if not reply:
            notes.at("{where} {has} an empty completion, so {it} {was} skipped.", line)
        elif not user:
            notes.at("{where} {has} an empty prompt, so {it} {was} skipped.", line)
        else:
            converted.append((line, chat_example(system or "", user, reply)))
    if kept:
        notes.add(
            f"{plural(len(kept), 'line')} already held chat or preference examples; "
            "they were kept as they are."
        )
    if blank:
        notes.add(f"Skipped {plural(blank, 'blank line')}.")
    ordered = sorted(converted + kept, key=lambda item: item[0])
    return Conversion([value for _, value in ordered], notes.render("line"))


def strip_separators(
    prompts: list[str], completions: list[str], notes: Notes
) -> tuple[list[str], list[str]]:
    """The old API's separators taken off the prompts and completions (when all of them have one)."""
    return (
        _strip_common_marker(prompts, PROMPT_MARKERS, "prompt", notes, leading=False),
        _strip_common_marker(completions, COMPLETION_MARKERS, "completion", notes, leading=True),
    )


def _legacy_pair(value: dict[str, Any], line: int, notes: Notes) -> tuple[str, str] | None:
    if "prompt" not in value or "completion" not in value:
        notes.at(
            "{where} {has} neither a prompt and completion nor chat messages, so {it} {was} not converted.",
            line,
        )
        return None
    prompt, completion = value["prompt"], value["completion"]
    if not isinstance(prompt, str) or not isinstance(completion, str):
        notes.at(
            "{where} {has} a prompt or completion that is not text, so {it} {was} not converted.",
            line,
        )
        return None
    extra = sorted(key for key in value if key not in ("prompt", "completion"))
    if extra:
        notes.at(
            "{where} {has} other fields ("
            + ", ".join(extra)
            + "), which chat examples cannot hold; they were left out.",
            line,
        )
    return prompt, completion


def _strip_common_marker(
    texts: list[str], markers: Sequence[str], what: str, notes: Notes, *, leading: bool
) -> list[str]:
    cleaned = [text.strip() if leading else text.rstrip() for text in texts]
    spaces = sum(1 for before, after in zip(texts, cleaned, strict=True) if before != after)
    for marker in markers:
        ending = [_ends_with_marker(text, marker) for text in cleaned]
        if all(ending):
            cleaned = [text[: -len(marker)].rstrip() for text in cleaned]
            notes.add(
                f"Removed the separator “{marker}” from the end of every {what} ({len(texts)})."
            )
        elif any(ending):
            notes.add(f"Some {what}s end with “{marker}” but not all, so it was left in place.")
    if spaces:
        where = "start or end" if leading else "end"
        notes.add(f"Removed spaces or line breaks at the {where} of {plural(spaces, what)}.")
    return cleaned


def _ends_with_marker(text: str, marker: str) -> bool:
    if not text.endswith(marker):
        return False
    if marker.isalpha():  # a word such as END must stand on its own ("THE END", not "ATTEND")
        before = text[: -len(marker)]
        return not before or before[-1].isspace()
    return True
