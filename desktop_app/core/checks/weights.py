"""`weight`: only on assistant messages, only 0 or 1, and at least one reply left to train."""

from __future__ import annotations

from typing import Any

from desktop_app.core.checks.base import (
    FIX_REMOVE_WEIGHT,
    FIX_SET_WEIGHT_1,
    Findings,
    describe,
    nth,
    rule,
)
from desktop_app.core.problems import Fix, Severity

F = "weights"
WEIGHT_NOT_ON_ASSISTANT = rule(
    "weight_not_on_assistant",
    Severity.ERROR,
    "Only assistant messages can have a “weight”.",
    "The weight says whether an assistant reply is learned (1) or only shown as context (0).",
    family=F,
)
WEIGHT_INVALID = rule(
    "weight_invalid",
    Severity.ERROR,
    "A “weight” is something other than 0 or 1.",
    "Use 1 to learn the reply and 0 to keep it only as context.",
    family=F,
)
NO_TRAINED_REPLY = rule(
    "no_trained_reply",
    Severity.ERROR,
    "Every assistant reply has weight 0, so the example teaches nothing.",
    family=F,
)


def is_valid_weight(weight: Any) -> bool:
    return type(weight) is int and weight in (0, 1)


def check_weight(message: dict[str, Any], role: str, index: int, out: Findings) -> None:
    if "weight" not in message:
        return
    weight = message["weight"]
    if role != "assistant":
        out.add(
            WEIGHT_NOT_ON_ASSISTANT,
            f"{nth(index)} ({role}) has a weight; only assistant replies can have one.",
            message_index=index,
            field="weight",
            fix=Fix(FIX_REMOVE_WEIGHT, "Remove the weight"),
        )
    elif not is_valid_weight(weight):
        shown = (
            str(weight)
            if isinstance(weight, int | float) and not isinstance(weight, bool)
            else describe(weight)
        )
        out.add(
            WEIGHT_INVALID,
            f"{nth(index)} has the weight {shown}; it must be 0 (don't learn) or 1 (learn).",
            message_index=index,
            field="weight",
            fix=Fix(FIX_SET_WEIGHT_1, "Set the weight to 1"),
        )


def check_trained(messages: list[Any], roles: list[str | None], out: Findings) -> None:
    """At least one assistant reply must be learned (weight missing or 1)."""
    assistants = [i for i, role in enumerate(roles) if role == "assistant"]
    if not assistants:
        return  # reported as no_assistant_message
    if all(
        messages[i].get("weight") == 0 and is_valid_weight(messages[i].get("weight"))
        for i in assistants
    ):
        last = assistants[-1]
        out.add(
            NO_TRAINED_REPLY,
            "Every assistant reply in this example has weight 0, so nothing in it is learned.",
            message_index=last,
            field="weight",
            fix=Fix(FIX_SET_WEIGHT_1, "Learn the last reply (weight 1)"),
        )
