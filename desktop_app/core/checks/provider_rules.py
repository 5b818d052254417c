"""The rules a provider adds to the common checks, applied when that provider is chosen.

    example_problems("together", value, line)            # one parsed example (Analyzer does this)
    dataset_rules("fireworks", summaries, facts, size)    # the file as a whole (dataset_problems)
    provider_problems("together", values)                 # both at once, for parsed lines

Together AI wants turns to alternate after the optional system message, pictures only as base64
data inside user messages, and exactly one reply on each side of a preference pair (the Together
SDK's file check and data-preparation docs). Fireworks AI takes at most 3,000,000 examples and, in
this app, trains on chat examples only. Nebius Token Factory wants every conversation to end with
the assistant's reply (PROVIDERS.md §3.8). A role the provider's documentation does not list is
a warning. Minimum counts, file sizes, roles and preference support come from each provider's
facts in resources/models.json. Providers without extra rules give no problems.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from desktop_app.core.checks import images
from desktop_app.core.checks.base import Rule, nth
from desktop_app.core.dataset.jsonline import RecordKind, classify
from desktop_app.core.models.catalog import ProviderFacts, load_models
from desktop_app.core.problems import Problem, Severity
from desktop_app.core.settings.choices import PROVIDERS as PROVIDERS  # re-exported

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
FILE_OVER_LIMIT = rule(
    "file_over_provider_limit",
    Severity.ERROR,
    "The file is larger than the provider takes in one upload, and it cannot be sent in parts.",
    "Make the file smaller: remove examples you can spare or shorten long ones (pictures "
    "embedded in the file take the most room).",
    family=F,
)
FIREWORKS_TOO_MANY = rule(
    "fireworks_too_many_examples",
    Severity.ERROR,
    "Fireworks takes at most 3,000,000 examples in one dataset.",
    "Train on a part of it: keep the examples you want in a new file (File ▸ Save As, then "
    "remove the rest).",
    family=F,
)
FIREWORKS_NO_PAIRS = rule(
    "fireworks_no_preference_pairs",
    Severity.ERROR,
    "Finetune Studio trains on Fireworks with chat examples only, not preference pairs.",
    "Use Together AI or OpenAI for preference training (DPO).",
    family=F,
)
NEBIUS_LAST = rule(
    "nebius_last_message_assistant",
    Severity.ERROR,
    "Nebius needs every conversation to end with the assistant's reply.",
    "Add the reply the model should learn as the last message, or remove the unanswered "
    "message at the end.",
    family=F,
)
ROLE_NOT_LISTED = rule(
    "role_not_listed_by_provider",
    Severity.WARNING,
    "The provider's documentation does not list this message role; it may refuse the example.",
    "Use the roles system, user and assistant, or train on a provider that takes this role.",
    family=F,
)
NO_PAIRS = rule(
    "provider_no_preference_pairs",
    Severity.ERROR,
    "Finetune Studio cannot start preference (DPO) training on this provider.",
    "Use Together AI, Azure OpenAI or OpenAI for preference pairs, or train on chat examples.",
    family=F,
)
FIREWORKS_MAX_EXAMPLES = 3_000_000
_IMAGE_PREFIXES = tuple(f"data:image/{fmt};base64," for fmt in ("jpeg", "png", "webp"))

_FACTS_OF = {"practice": "openai"}  # the practice server follows OpenAI's rules
# providers with rules about single examples (Fireworks: roles; Nebius: the last message, roles)
LINE_RULES = frozenset({"together", "fireworks", "nebius"})
_OPENAI_ROLES = frozenset({"system", "developer", "user", "assistant", "tool"})


def facts_name(provider: str) -> str:
    """The entry of resources/models.json whose limits apply to `provider`."""
    return _FACTS_OF.get(provider, provider)


def example_problems(provider: str, value: Any, line: int | None) -> list[Problem]:
    """The extra problems `provider` has with one parsed line (a dict; anything else: none)."""
    if provider not in LINE_RULES or not isinstance(value, Mapping):
        return []
    out = Findings(line)
    kind = classify(value)
    if kind is RecordKind.CHAT:
        if provider == "together":
            _together_chat(value, out)
        _roles(provider, value, out)
        if provider == "nebius":
            _nebius_last(value, out)
    elif kind is RecordKind.PREFERENCE and provider == "together":
        _together_pair(value, out)
    return out.problems


def with_image_limit(provider: str, problems: list[Problem], value: Any) -> list[Problem]:
    """The common checks hold OpenAI's limit of 10 pictures an example (checks.images); where the
    provider takes more (Azure: 64), the finding stays only past that limit, in its words."""
    if not any(p.code == images.TOO_MANY_IMAGES for p in problems):
        return problems  # (nearly always)
    try:
        facts = load_models().provider(facts_name(provider))
    except KeyError:  # a provider without facts of its own (a local server)
        return problems
    if facts.max_images is None:
        return problems
    source = value.get("input") if isinstance(value, Mapping) and "input" in value else value
    count = images.count_in(source.get("messages") if isinstance(source, Mapping) else None)
    if count <= facts.max_images:
        return [p for p in problems if p.code != images.TOO_MANY_IMAGES]
    said = f"This example has {count} images; {facts.label} takes at most {facts.max_images}."
    return [replace(p, message=said) if p.code == images.TOO_MANY_IMAGES else p for p in problems]


def dataset_rules(
    provider: str, items: Sequence[Any], facts: ProviderFacts, file_bytes: int | None = None
) -> list[Problem]:
    """The provider's findings about the file as a whole (`items`: summaries or parsed values)."""
    found: list[Problem] = []
    if (
        file_bytes is not None
        and facts.upload_part_bytes is None
        and file_bytes > facts.max_file_bytes
    ):
        found.append(
            _dataset_problem(
                FILE_OVER_LIMIT,
                f"The file is {_megabytes(file_bytes)}; {facts.label} takes at most "
                f"{_megabytes(facts.max_file_bytes)} in one upload.",
            )
        )
    if provider == "fireworks":
        found += _fireworks(items)
    elif not facts.preference_training:
        found += _no_pairs(items, facts)
    return found


def provider_problems(
    provider: str, summaries_or_values: Sequence[Any], facts: ProviderFacts | None = None
) -> list[Problem]:
    """Both kinds of extra problems for these lines (index i is file line i + 1)."""
    found = [
        problem
        for index, item in enumerate(summaries_or_values)
        for problem in example_problems(provider, item, index + 1)
    ]
    if facts is not None:
        found += dataset_rules(provider, summaries_or_values, facts)
    elif provider == "fireworks":
        found += _fireworks(summaries_or_values)
    return found


def _kind(item: Any) -> RecordKind:
    """A line's kind, from a summary (`.kind`) or from its parsed value (None: blank/broken)."""
    kind = getattr(item, "kind", None)
    if isinstance(kind, RecordKind):
        return kind
    return RecordKind.BROKEN if item is None else classify(item)


# ---- Together ---------------------------------------------------------------------------------
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


# ---- roles, the last message, preference pairs (from each provider's facts) ---------------------
def _allowed_roles(provider: str) -> frozenset[str]:
    from desktop_app.core.models.catalog import load_models

    try:
        roles = load_models().provider(facts_name(provider)).roles
    except KeyError:
        return _OPENAI_ROLES
    return frozenset(roles) if roles else _OPENAI_ROLES


def _roles(provider: str, example: Mapping[str, Any], out: Findings) -> None:
    """Roles OpenAI takes but this provider's documentation does not list (others: common checks)."""
    messages = example.get("messages")
    if not isinstance(messages, list):
        return
    allowed = _allowed_roles(provider)
    for index, message in enumerate(messages):
        role = message.get("role") if isinstance(message, Mapping) else None
        if isinstance(role, str) and role in _OPENAI_ROLES and role not in allowed:
            out.add(
                ROLE_NOT_LISTED,
                f"{nth(index)} has the role “{role}”, which this provider's documentation does "
                f"not list (it lists {', '.join(sorted(allowed))}).",
                message_index=index,
                field="role",
            )


def _nebius_last(example: Mapping[str, Any], out: Findings) -> None:
    messages = example.get("messages")
    if not isinstance(messages, list) or not messages:
        return
    last = messages[-1]
    role = last.get("role") if isinstance(last, Mapping) else None
    if isinstance(role, str) and role != "assistant":
        out.add(
            NEBIUS_LAST,
            f"The conversation ends with a “{role}” message; Nebius needs it to end with the "
            "assistant's reply.",
            message_index=len(messages) - 1,
            field="role",
        )


def _no_pairs(items: Sequence[Any], facts: ProviderFacts) -> list[Problem]:
    pairs = sum(1 for item in items if _kind(item) is RecordKind.PREFERENCE)
    if not pairs:
        return []
    return [
        _dataset_problem(
            NO_PAIRS,
            f"The file holds {pairs:,} preference pair{'s' if pairs != 1 else ''}; Finetune Studio "
            f"trains on {facts.label} with chat examples only.",
        )
    ]


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
    elif chats > FIREWORKS_MAX_EXAMPLES:
        found.append(
            _dataset_problem(
                FIREWORKS_TOO_MANY,
                f"The file has {chats:,} examples; Fireworks takes at most 3,000,000.",
            )
        )
    return found


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB" if size < 1024**3 else f"{size / 1024**3:,.1f} GB"


def _dataset_problem(code: str, message: str) -> Problem:
    found = RULES[code]
    return Problem(code, found.severity, message, None, hint=found.hint)
