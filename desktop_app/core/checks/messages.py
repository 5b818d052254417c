"""One pass over a conversation, running every per-message family on each message."""

from __future__ import annotations

from typing import Any

from desktop_app.core.checks import (
    content,
    images,
    names,
    placeholders,
    roles,
    sensitive,
    special_tokens,
    tools,
    weights,
)
from desktop_app.core.checks.base import Findings, iter_text


def check_messages(
    messages: list[Any], out: Findings, functions: frozenset[str] | None
) -> tuple[list[str | None], int]:
    """Check each message; return every message's role (None if unreadable) and the image count.

    The cheap tests in front of each family keep this fast: it runs on every line of big files.
    """
    found_roles: list[str | None] = []
    tracker = tools.ToolCallTracker(functions, out)
    image_count = 0
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            roles.check_message_object(message, index, out)
            found_roles.append(None)
            continue
        role = roles.check_role(message, index, out)
        found_roles.append(role)
        if role is None:
            scan_texts(message, index, out)
            continue
        if not message.keys() <= roles.MESSAGE_KEYS[role]:
            roles.check_message_keys(message, role, index, out)
        content.check_content(message, role, index, out)
        if "name" in message or role == "function":
            names.check_name(message, role, index, out)
        if "weight" in message:
            weights.check_weight(message, role, index, out)
        if isinstance(message.get("content"), list):
            image_count += images.count_and_check(message, role, index, out)
        if role == "assistant":
            if "tool_calls" in message or "function_call" in message:
                tracker.assistant(message, index)
        elif role == "tool":
            tracker.tool(message, index)
        scan_texts(message, index, out)
    if tracker.made:
        tracker.finish(found_roles)
    return found_roles, image_count


def scan_texts(
    message: dict[str, Any], index: int | None, out: Findings, label: str = "", prefix: str = ""
) -> None:
    """Text-level rules (special tokens, personal data, placeholders) over every text in a
    message."""
    gate = out.gate
    if gate.shut:
        return
    special = gate.special
    sensitive_data = gate.email or gate.numbers or gate.secrets
    for text, field in iter_text(message.get("content")):
        if special:
            special_tokens.check_text(text, index, prefix + field, out, label)
        if sensitive_data:
            sensitive.check_text(text, index, prefix + field, out, label)
        if gate.placeholders and not prefix.startswith("non_preferred"):  # (it should avoid them)
            learnt = message.get("role") == "assistant" and message.get("weight") != 0
            placeholders.check_text(text, index, prefix + field, out, label, learnt=learnt)


def check_chat_example(value: dict[str, Any], out: Findings) -> None:
    from desktop_app.core.checks import structure

    messages = structure.check_chat_top(value, out)
    functions = tools.defined_functions(value, out)
    if messages is None:
        return
    found_roles, image_count = check_messages(messages, out, functions)
    images.check_count(image_count, out)
    roles.check_conversation(found_roles, out)
    weights.check_trained(messages, found_roles, out)
