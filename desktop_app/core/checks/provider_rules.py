"""The rules a provider adds to the common checks, shown when that provider is chosen.

    provider_problems("together", values)      # parsed lines (dicts; None for blank/broken)
    provider_problems("fireworks", summaries)  # or analysis.RecordSummary objects (counts only)

Together AI wants turns to alternate after the optional system message, pictures only as base64
data inside user messages, and exactly one reply on each side of a preference pair (the Together
SDK's file check and data-preparation docs). Fireworks AI needs at least 3 examples and, in this
app, trains on chat examples only. Providers without extra rules give no problems.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from desktop_app.core.checks.base import Rule, nth
from desktop_app.core.jsonline import RecordKind, classify
from desktop_app.core.problems import Problem, Severity

F = "provider"
RULES: dict[str, Rule] = {}  # kept apart from checks.base.REGISTRY (the common rules)


def rule(code: str, severity: Severity, meaning: str, hint: str = "", *, family: str) -> str:
    """Register a provider rule (code, severity, one-line meaning) and return its code."""
    if code in RULES:
        raise ValueError(f"provider rule {code!r} is registered twice")
    RULES[code] = Rule(code, severity, meaning, hint, family)
    return code


class Findings:
    """Collects the problems of one line (1-based) for the provider rules."""

    def __init__(self, line: int | None) -> None:
        self.line = line
        self.problems: list[Problem] = []

    def add(
        self, code: str, message: str, *, message_index: int | None = None, field: str | None = None
    ) -> None:
        found = RULES[code]
        self.problems.append(
            Problem(code, found.severity, message, self.line, message_index, field, hint=found.hint)
        )


TOGETHER_TURNS = rule(
    "together_turns_alternate",
    Severity.ERROR,
    "Together needs the turns to alternate: after the optional system message, no two messages "
    "in a row may have the same role.",
    "Join the two messages into one, or put the missing turn between them. Several tool results "
    "in a row count too: join them into one tool message.",
    family=F,
)
TOGETHER_IMAGES = rule(
    "together_image_not_embedded",
    Severity.ERROR,
    "Together takes pictures only inside user messages, as JPEG, PNG or WEBP data embedded in the "
    "file (a data: URL), not as links.",
    "Embed the picture (Finetune Studio's image tools can do it) or remove it.",
    family=F,
)
TOGETHER_PAIR = rule(
    "together_pair_shape",
    Severity.ERROR,
    "Together needs exactly one preferred and one non-preferred reply, after a conversation that "
    "does not end with an assistant message.",
    family=F,
)
FIREWORKS_TOO_FEW = rule(
    "fireworks_too_few_examples",
    Severity.ERROR,
    "Fireworks needs at least 3 examples.",
    family=F,
)
FIREWORKS_TOO_MANY = rule(
    "fireworks_too_many_examples",
    Severity.ERROR,
    "Fireworks takes at most 3,000,000 examples in one dataset.",
    "Split the dataset, or train on a selection of it.",
    family=F,
)
FIREWORKS_NO_PAIRS = rule(
    "fireworks_no_preference_pairs",
    Severity.ERROR,
    "Finetune Studio trains on Fireworks with chat examples only, not preference pairs.",
    "Use Together AI or OpenAI for preference training (DPO).",
    family=F,
)
FIREWORKS_MIN_EXAMPLES = 3
FIREWORKS_MAX_EXAMPLES = 3_000_000
_IMAGE_PREFIXES = tuple(f"data:image/{fmt};base64," for fmt in ("jpeg", "png", "webp"))


def provider_problems(provider: str, summaries_or_values: Sequence[Any]) -> list[Problem]:
    """The extra problems `provider` has with these lines (index i is file line i + 1)."""
    if provider == "together":
        return _together(summaries_or_values)
    if provider == "fireworks":
        return _fireworks(summaries_or_values)
    return []


def _kind(item: Any) -> RecordKind:
    """A line's kind, from a summary (`.kind`) or from its parsed value (None: blank/broken)."""
    kind = getattr(item, "kind", None)
    if isinstance(kind, RecordKind):
        return kind
    return RecordKind.BROKEN if item is None else classify(item)


# ---- Together ---------------------------------------------------------------------------------
def _together(items: Sequence[Any]) -> list[Problem]:
    found: list[Problem] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue  # summaries carry no messages; blank and broken lines have their own checks
        out = Findings(index + 1)
        kind = classify(item)
        if kind is RecordKind.CHAT:
            _together_chat(item, out)
        elif kind is RecordKind.PREFERENCE:
            _together_pair(item, out)
        found += out.problems
    return found


def _together_chat(example: Mapping[str, Any], out: Findings) -> None:
    messages = example.get("messages")
    if not isinstance(messages, list):
        return
    previous: str | None = None
    for index, message in enumerate(messages):
        if not isinstance(message, Mapping) or not isinstance(message.get("role"), str):
            return  # the common checks report a message without a role
        role = message["role"]
        if previous is not None and role == previous and not (index == 1 and role == "system"):
            out.add(
                TOGETHER_TURNS,
                f"{nth(index)} has the role “{role}” like the message before it; Together needs "
                "the turns to alternate.",
                message_index=index,
                field="role",
            )
        previous = role
        _together_images(message, index, out)


def _together_images(message: Mapping[str, Any], index: int, out: Findings) -> None:
    content = message.get("content")
    if not isinstance(content, list):
        return
    for part in content:
        if not isinstance(part, Mapping) or part.get("type") != "image_url":
            continue
        image = part.get("image_url")
        url = image.get("url") if isinstance(image, Mapping) else None
        if message.get("role") != "user":
            out.add(
                TOGETHER_IMAGES,
                f"{nth(index)} has a picture, but Together takes pictures only in user messages.",
                message_index=index,
                field="content",
            )
        elif not isinstance(url, str) or not url.startswith(_IMAGE_PREFIXES):
            out.add(
                TOGETHER_IMAGES,
                f"{nth(index)} links to a picture; Together needs the picture embedded in the "
                "file (JPEG, PNG or WEBP as a data: URL).",
                message_index=index,
                field="content",
            )


def _together_pair(pair: Mapping[str, Any], out: Findings) -> None:
    for key, side in (("preferred_output", "preferred"), ("non_preferred_output", "non-preferred")):
        replies = pair.get(key)
        if isinstance(replies, list) and len(replies) != 1:
            out.add(
                TOGETHER_PAIR,
                f"The {side} side has {len(replies)} replies; Together needs exactly one.",
                field=key,
            )
    given = pair.get("input")
    messages = given.get("messages") if isinstance(given, Mapping) else None
    if isinstance(messages, list) and messages:
        last = messages[-1]
        if isinstance(last, Mapping) and last.get("role") == "assistant":
            out.add(
                TOGETHER_PAIR,
                "The conversation before the two replies ends with an assistant message; Together "
                "needs it to end with the user's message.",
                field="input.messages",
            )


# ---- Fireworks --------------------------------------------------------------------------------
def _fireworks(items: Sequence[Any]) -> list[Problem]:
    kinds = [_kind(item) for item in items]
    chats = sum(1 for k in kinds if k is RecordKind.CHAT)
    pairs = sum(1 for k in kinds if k is RecordKind.PREFERENCE)
    found: list[Problem] = []
    if pairs and pairs >= chats:
        found.append(
            _dataset_problem(
                FIREWORKS_NO_PAIRS,
                f"The file holds {pairs:,} preference pair{'s' if pairs != 1 else ''}; Finetune "
                "Studio trains on Fireworks with chat examples only.",
            )
        )
    elif chats < FIREWORKS_MIN_EXAMPLES:
        have = "no examples" if chats == 0 else f"only {chats} example{'s' if chats != 1 else ''}"
        found.append(
            _dataset_problem(
                FIREWORKS_TOO_FEW,
                f"The file has {have}; Fireworks needs at least {FIREWORKS_MIN_EXAMPLES}.",
            )
        )
    elif chats > FIREWORKS_MAX_EXAMPLES:
        found.append(
            _dataset_problem(
                FIREWORKS_TOO_MANY,
                f"The file has {chats:,} examples; Fireworks takes at most 3,000,000.",
            )
        )
    return found


def _dataset_problem(code: str, message: str) -> Problem:
    found = RULES[code]
    return Problem(code, found.severity, message, None, hint=found.hint)
