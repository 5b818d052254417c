"""Role names written another way: capitals, other tools' names (human, gpt, bot) and typing slips."""

from __future__ import annotations

import difflib
from typing import Any

ROLES = ("system", "developer", "user", "assistant", "tool", "function")
_ROLE_SET = frozenset(ROLES)
# Names other tools and datasets use for the same roles.
ALIASES = {
    "human": "user",
    "prompter": "user",
    "customer": "user",
    "gpt": "assistant",
    "chatgpt": "assistant",
    "bot": "assistant",
    "ai": "assistant",
    "model": "assistant",
    "assistent": "assistant",
    "observation": "tool",
}


def canonical_role(name: str) -> str | None:
    """The role `name` stands for, or None when it is not recognisably one."""
    folded = name.strip().lower()
    if folded in _ROLE_SET:
        return folded
    if folded in ALIASES:
        return ALIASES[folded]
    # difflib finds typing slips such as "assistnat" or "sytem".
    close = difflib.get_close_matches(folded, ROLES, n=1, cutoff=0.75)
    return close[0] if close else None


def fix_roles(value: Any) -> list[tuple[str, str]]:
    """Rename roles in every message list of an example, in place; returns (old, new) pairs."""
    changes: list[tuple[str, str]] = []
    if not isinstance(value, dict):
        return changes
    for messages in _message_lists(value):
        for message in messages:
            if not isinstance(message, dict):
                continue
            role = message.get("role")
            if not isinstance(role, str) or role in _ROLE_SET:
                continue
            new = canonical_role(role)
            if new is not None:
                message["role"] = new
                changes.append((role, new))
    return changes


def _message_lists(value: dict[str, Any]) -> list[list[Any]]:
    lists = []
    for key in ("messages", "preferred_output", "non_preferred_output"):
        if isinstance(value.get(key), list):
            lists.append(value[key])
    source = value.get("input")
    if isinstance(source, dict) and isinstance(source.get("messages"), list):
        lists.append(source["messages"])
    return lists


def needs_role_fix(value: Any) -> bool:
    """A quick check for the common case of a line whose roles are all fine."""
    if not isinstance(value, dict):
        return False
    for messages in _message_lists(value):
        for message in messages:
            if isinstance(message, dict):
                role = message.get("role")
                if isinstance(role, str) and role not in _ROLE_SET and canonical_role(role):
                    return True
    return False


def describe_roles(changes: list[tuple[str, str]]) -> str:
    pairs = sorted(set(changes))
    shown = ", ".join(f"“{old}” to “{new}”" for old, new in pairs)
    return f"renamed the role {shown}" if len(pairs) == 1 else f"renamed the roles {shown}"
