"""Every offline check of a fine-tuning line, one small module per family of rules.

`check_line(raw, parsed, line)` returns the problems of one line of a file; `check_value(value)`
those of an example held in memory; `desktop_app.core.checks.dataset_level.dataset_problems`
the findings about the file as a whole. `REGISTRY` lists every rule (code, severity, meaning).
"""

from __future__ import annotations

from typing import Any

from desktop_app.core.checks import (
    content,
    dataset_level,
    images,
    names,
    placeholders,
    preference,
    roles,
    sensitive,
    special_tokens,
    structure,
    tools,
    weights,
)
from desktop_app.core.checks.base import OPEN_GATE, REGISTRY, Findings, Rule, TextGate
from desktop_app.core.checks.messages import check_chat_example
from desktop_app.core.checks.provider_rules import PROVIDERS, example_problems, with_image_limit
from desktop_app.core.dataset.jsonline import ParsedLine, RecordKind, classify
from desktop_app.core.problems import Problem

__all__ = [
    "REGISTRY",
    "Rule",
    "check_line",
    "check_value",
    "content",
    "dataset_level",
    "images",
    "names",
    "placeholders",
    "preference",
    "roles",
    "sensitive",
    "special_tokens",
    "structure",
    "tools",
    "weights",
]

_OBJECT_KINDS = (RecordKind.CHAT, RecordKind.PREFERENCE, RecordKind.OTHER)


def check_line(
    raw: bytes, parsed: ParsedLine, line: int | None, provider: str = "openai"
) -> list[Problem]:
    """All per-line problems of one physical line (`line` is 1-based)."""
    _known_provider(provider)
    kind = parsed.kind
    out = Findings(line, TextGate.of_raw(raw) if kind in _OBJECT_KINDS else OPEN_GATE)
    if kind is RecordKind.BLANK:
        structure.check_blank(out)
        return out.problems
    if kind is RecordKind.BROKEN:
        salvaged = structure.check_broken(raw, parsed, out)
        if salvaged is not None:
            roles.check_fragment(salvaged, out)
        return out.problems
    if parsed.duplicate_keys:
        structure.check_duplicate_keys(parsed.duplicate_keys, out)
    _check_object(kind, parsed.value, out)
    found = with_image_limit(provider, out.problems, parsed.value)
    return found + example_problems(provider, parsed.value, line)


def check_value(value: Any, line: int | None = None, provider: str = "openai") -> list[Problem]:
    """The problems of an example held in memory (for instance after an edit)."""
    _known_provider(provider)
    out = Findings(line)
    kind = classify(value)
    if kind is RecordKind.BROKEN:
        out.add(
            structure.NOT_AN_OBJECT,
            "This example is not an object in { }, so it cannot be trained on.",
        )
        return out.problems
    _check_object(kind, value, out)
    return with_image_limit(provider, out.problems, value) + example_problems(provider, value, line)


def _check_object(kind: RecordKind, value: dict[str, Any], out: Findings) -> None:
    if kind is RecordKind.CHAT:
        check_chat_example(value, out)
    elif kind is RecordKind.PREFERENCE:
        preference.check_preference(value, out)
    else:
        structure.check_other(value, out)


def _known_provider(provider: str) -> None:
    if provider not in PROVIDERS:
        raise ValueError(f"no checks for the provider {provider!r}")
