"""Messages and roles: each message an object with a known role, known keys, and a reply to train."""

from __future__ import annotations

from typing import Any

from desktop_app.core.checks.base import (
    FIX_REMOVE_KEY,
    FIX_REMOVE_MESSAGE,
    FIX_WRITE_REPLY,
    Findings,
    closest,
    describe,
    fix_change_role,
    list_words,
    nth,
    quote,
    rule,
)
from desktop_app.core.problems import Fix, Severity

F = "roles"
ROLES = ("system", "user", "assistant", "tool", "function")
MESSAGE_KEYS: dict[str, frozenset[str]] = {
    "system": frozenset({"role", "content", "name"}),
    "user": frozenset({"role", "content", "name"}),
    "assistant": frozenset(
        {"role", "content", "name", "weight", "tool_calls", "function_call", "refusal"}
    ),
    "tool": frozenset({"role", "content", "tool_call_id"}),
    "function": frozenset({"role", "content", "name"}),
}
_ROLE_SYNONYMS = {
    "developer": "system",
    "bot": "assistant",
    "ai": "assistant",
    "model": "assistant",
    "gpt": "assistant",
    "chatbot": "assistant",
    "answer": "assistant",
    "human": "user",
    "question": "user",
    "customer": "user",
}

MESSAGE_NOT_AN_OBJECT = rule(
    "message_not_an_object",
    Severity.ERROR,
    "A message is not an object with a role and content.",
    family=F,
)
MISSING_ROLE = rule(
    "missing_role",
    Severity.ERROR,
    "A message has no “role” (system, user, assistant, tool or function).",
    family=F,
)
UNKNOWN_ROLE = rule(
    "unknown_role",
    Severity.ERROR,
    "A message's role is not one of system, user, assistant, tool or function.",
    family=F,
)
DEVELOPER_ROLE = rule(
    "developer_role",
    Severity.ERROR,
    "The “developer” role is only for reinforcement fine-tuning; supervised examples use “system”.",
    family=F,
)
UNKNOWN_MESSAGE_KEY = rule(
    "unknown_message_key",
    Severity.WARNING,
    "A message has a key the provider does not expect for its role.",
    "Finetune Studio keeps unknown keys, but OpenAI's file check may refuse them.",
    family=F,
)
NO_ASSISTANT = rule(
    "no_assistant_message",
    Severity.ERROR,
    "The example has no assistant message, so there is nothing to learn from it.",
    "Training teaches the model to write the assistant's replies. Add the reply you want, or "
    "remove the example.",
    family=F,
)
NO_USER = rule(
    "no_user_message",
    Severity.WARNING,
    "The example has no user message.",
    "Without a user message the model learns replies to nothing in particular.",
    family=F,
)
ENDS_WITHOUT_REPLY = rule(
    "ends_without_reply",
    Severity.INFO,
    "The example ends with a message after the last assistant reply; that part is not learned.",
    family=F,
)


def suggest_role(role: Any) -> str | None:
    """The allowed role a wrong one most likely meant."""
    if not isinstance(role, str):
        return None
    lowered = role.strip().lower()
    if lowered in _ROLE_SYNONYMS:
        return _ROLE_SYNONYMS[lowered]
    return closest(lowered, ROLES)


def check_role(message: dict[str, Any], index: int, out: Findings) -> str | None:
    """The message's role when it is allowed, else report it and return None."""
    if "role" not in message:
        out.add(
            MISSING_ROLE,
            f"{nth(index)} has no role. Say who speaks: system, user, assistant, tool or function.",
            message_index=index,
            field="role",
        )
        return None
    role = message["role"]
    if isinstance(role, str) and role in MESSAGE_KEYS:
        return str(role)
    suggestion = suggest_role(role)
    fix = fix_change_role(suggestion) if suggestion else None
    if role == "developer":
        out.add(
            DEVELOPER_ROLE,
            f"{nth(index)} has the role “developer”, which OpenAI accepts only for reinforcement "
            "fine-tuning. Use “system” for instructions.",
            message_index=index,
            field="role",
            fix=fix,
        )
        return None
    shown = quote(role) if isinstance(role, str) else describe(role)
    out.add(
        UNKNOWN_ROLE,
        f"{nth(index)} has the role {shown}, which isn't one of {list_words(list(ROLES))}.",
        message_index=index,
        field="role",
        fix=fix,
    )
    return None


def check_message_object(message: Any, index: int, out: Findings) -> bool:
    if isinstance(message, dict):
        return True
    out.add(
        MESSAGE_NOT_AN_OBJECT,
        f"{nth(index)} is {describe(message)}, not a message with a role and content.",
        message_index=index,
        fix=Fix(FIX_REMOVE_MESSAGE, "Remove this message"),
    )
    return False


def check_message_keys(message: dict[str, Any], role: str, index: int, out: Findings) -> None:
    allowed = MESSAGE_KEYS[role]
    for key in message:
        if key not in allowed:
            out.add(
                UNKNOWN_MESSAGE_KEY,
                f"{nth(index)} ({role}) has the key “{key}”, which OpenAI does not expect there.",
                message_index=index,
                field=str(key),
                fix=Fix(FIX_REMOVE_KEY, f"Remove “{key}”"),
            )


def check_conversation(roles: list[str | None], out: Findings) -> None:
    """Example-level role rules, given each message's role (None when unreadable)."""
    if None in roles:
        return  # the broken message is reported already; don't pile on guesses
    if "assistant" not in roles:
        out.add(
            NO_ASSISTANT,
            "This example has no assistant reply, so there is nothing for the model to learn.",
            fix=Fix(FIX_WRITE_REPLY, "Write the reply"),
        )
        return
    if "user" not in roles:
        out.add(NO_USER, "This example has no user message: the replies answer nothing.")
    last = len(roles) - 1 - roles[::-1].index("assistant")
    if last < len(roles) - 1:
        extra = len(roles) - 1 - last
        words = "message comes" if extra == 1 else f"{extra} messages come"
        out.add(
            ENDS_WITHOUT_REPLY,
            f"The last {words} after the final assistant reply and will not be learned.",
            message_index=len(roles) - 1,
            fix=Fix(FIX_WRITE_REPLY, "Write the reply"),
        )


def check_fragment(message: dict[str, Any], out: Findings) -> None:
    """A message salvaged from a piece of a multi-line example: point out a wrong role."""
    role = message.get("role")
    if isinstance(role, str) and role in MESSAGE_KEYS:
        return
    shown = quote(role) if isinstance(role, str) else describe(role)
    suggestion = suggest_role(role)
    tail = f" Did you mean “{suggestion}”?" if suggestion else ""
    out.add(
        UNKNOWN_ROLE,
        f"The message on this line has the role {shown}, which isn't one of "
        f"{list_words(list(ROLES))}.{tail}",
        field="role",
    )
