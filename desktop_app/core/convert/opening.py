"""What the app offers for a file it has just opened: a repair (when the file is not one example
per line) and bringing in its examples (when they are another shape, such as Alpaca or ShareGPT).

`plan_for(dataset)` runs off the GUI thread; the app shows `OpenPlan.banner()` and, when the writer
agrees, replaces the dataset's records with `OpenPlan.records` as one undo step.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.convert.legacy import strip_separators
from desktop_app.core.convert.notes import Notes
from desktop_app.core.convert.shapes import (
    CHAT,
    OPENAI_PREFERENCE,
    PAIRS,
    SHAPE_NAMES,
    Mapping,
    convert_one,
    detect,
)
from desktop_app.core.convert.sharegpt import ShapeError
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset, Record
from desktop_app.core.repair import LEFT, RepairResult, repair_dataset
from desktop_app.core.repair.engine import PREVIEW_LIMIT


@dataclass
class PreviewItem:
    title: str  # “Lines 1–4” or “Example 3”
    notes: str  # what was done, in plain words
    before: str
    after: str


@dataclass
class OpenPlan:
    repair: RepairResult
    mapping: Mapping | None = None  # set when the examples are another shape
    records: list[Record] = field(default_factory=list)  # the file after repair (and bringing in)
    converted: int = 0
    not_converted: list[str] = field(default_factory=list)
    items: list[PreviewItem] = field(default_factory=list)
    examples: int = 0  # how many of `records` are examples (counted off the GUI thread)

    @property
    def worth_offering(self) -> bool:
        return (self.repair.changed and self.repair.structural) or self.converted > 0

    def banner(self) -> str:
        """The sentence for the banner above the examples."""
        examples = f"{self.examples:,} example{'s' if self.examples != 1 else ''}"
        if self.mapping is not None and self.converted:
            shape = SHAPE_NAMES[self.mapping.shape]
            text = (
                f"This file holds {shape} examples, not chat examples. Finetune Studio can bring "
                f"them in: {self.mapping.describe(self.converted)}"
            )
            misfits = len(self.not_converted)
            if misfits:
                text += (
                    f"; {misfits} do{'es' if misfits == 1 else ''} not fit and will stay as written"
                )
            return text + "."
        lines = f"{self.repair.lines:,} line{'s' if self.repair.lines != 1 else ''}"
        text = (
            "This file isn't one example per line. "
            f"Finetune Studio can repair it: {examples} from {lines}"
        )
        left = self.repair.left
        if left:
            text += f"; {len(left)} piece{'s' if len(left) != 1 else ''} will stay as written for you to fix"
        return text + "."


def plan_for(
    dataset: Dataset,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> OpenPlan:
    """Repair the records (a copy) and, when they are another shape, bring them in."""
    result = repair_dataset(dataset, preview=True, progress=progress, cancelled=cancelled)
    plan = OpenPlan(result, records=result.records)
    values = [v for v in (_value(r) for r in result.records[:200]) if v is not None]
    mapping = detect(values)
    if mapping is not None and mapping.shape not in (CHAT, OPENAI_PREFERENCE):
        _bring_in(plan, mapping, dataset)
    if not plan.converted:
        plan.items = _repair_items(result)
    plan.examples = sum(1 for r in plan.records if r.parse().kind in _EXAMPLE_KINDS)
    return plan


_EXAMPLE_KINDS = (RecordKind.CHAT, RecordKind.PREFERENCE)


def _value(record: Record) -> Any:
    parsed = record.parse()
    return parsed.value if parsed.kind not in (RecordKind.BLANK, RecordKind.BROKEN) else None


def _bring_in(plan: OpenPlan, mapping: Mapping, dataset: Dataset) -> None:
    """Convert every record that fits; one that does not stays as it was and is named."""
    plan.mapping = mapping
    records: list[Record] = []
    cleaned = _without_separators(plan.records, mapping)
    for number, record in enumerate(plan.records, 1):
        value = cleaned.get(number - 1) or _value(record)
        if not isinstance(value, dict) or "messages" in value or "preferred_output" in value:
            records.append(record)
            continue
        try:
            example = convert_one(value, mapping)
        except ShapeError as exc:
            plan.not_converted.append(f"Example {number}: {exc}")
            records.append(record)
            if len(plan.items) < PREVIEW_LIMIT:
                kept = "(left as it was, for you to fix)"
                plan.items.append(PreviewItem(f"Example {number}", str(exc), _pretty(value), kept))
            continue
        plan.converted += 1
        new = Record(dataset.style.dumps(example), record.ending)
        records.append(new)
        if len(plan.items) < PREVIEW_LIMIT:
            plan.items.append(
                PreviewItem(f"Example {number}", "", _pretty(value), _pretty(example))
            )
    plan.records = records


def _without_separators(records: list[Record], mapping: Mapping) -> dict[int, dict[str, Any]]:
    """Prompt/completion values with the old API's separators taken off, by record index."""
    if (mapping.shape, mapping.prompt, mapping.reply) != (PAIRS, "prompt", "completion"):
        return {}
    found = {}
    for index, record in enumerate(records):
        value = _value(record)
        texts = isinstance(value, dict) and isinstance(value.get("prompt"), str)
        if texts and isinstance(value.get("completion"), str):
            found[index] = value
    prompts, completions = strip_separators(
        [v["prompt"] for v in found.values()], [v["completion"] for v in found.values()], Notes()
    )
    return {
        index: dict(value, prompt=prompt, completion=completion)
        for (index, value), prompt, completion in zip(
            found.items(), prompts, completions, strict=True
        )
    }


def _repair_items(result: RepairResult) -> list[PreviewItem]:
    items: list[PreviewItem] = []
    for piece in result.pieces:
        if len(items) >= PREVIEW_LIMIT:
            break
        title = piece.where[0].upper() + piece.where[1:]
        notes = "; ".join(piece.notes)
        if piece.status == LEFT:
            after = "(left as it was, for you to fix in the Raw JSON tab)"
        elif not piece.after:
            after = "(removed)"
        else:
            after = "\n\n".join(_pretty(example) for example in piece.after)
        items.append(PreviewItem(title, notes, piece.before, after))
    return items


def _pretty(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
