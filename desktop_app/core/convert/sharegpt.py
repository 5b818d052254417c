"""ShareGPT conversations (`from`/`value` turns, as LLaMA-Factory and many hub datasets write them)
into OpenAI chat messages, with function calls becoming `tool_calls` and observations `tool` replies.
"""

from __future__ import annotations

import json
from typing import Any

from desktop_app.core.repair.roles import canonical_role


class ShapeError(ValueError):
    """One example does not fit the shape; the message says why, in plain words."""


def turn_messages(turns: Any, calls: list[str] | None = None) -> list[dict[str, Any]]:
    """OpenAI messages from ShareGPT turns (or from role/content messages, which pass through)."""
    if not isinstance(turns, list) or not turns:
        raise ShapeError("its conversation is empty or not a list of turns")
    pending = calls if calls is not None else []
    counter = [len(pending)]
    messages: list[dict[str, Any]] = []
    for turn in turns:
        messages.append(_turn(turn, pending, counter))
    return messages


def _turn(turn: Any, pending: list[str], counter: list[int]) -> dict[str, Any]:
    if not isinstance(turn, dict):
        raise ShapeError("a turn of its conversation is not an object")
    speaker = turn.get("from", turn.get("role"))
    text = turn.get("value", turn.get("content"))
    if not isinstance(speaker, str):
        raise ShapeError("a turn has no “from” (who speaks)")
    if speaker == "function_call":
        return {"role": "assistant", "tool_calls": _tool_calls(text, pending, counter)}
    if speaker == "observation":
        if not pending:
            raise ShapeError("an observation answers no function call")
        return {"role": "tool", "tool_call_id": pending.pop(0), "content": _text(text)}
    role = canonical_role(speaker)
    if role is None:
        raise ShapeError(f"a turn is from “{speaker}”, which is not a known speaker")
    if "role" in turn:  # already an OpenAI message: kept whole (tool calls, parts, names)
        return dict(turn, role=role)
    return {"role": role, "content": _text(text)}


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        raise ShapeError("a turn has no text")
    return json.dumps(value, ensure_ascii=False)


def _tool_calls(value: Any, pending: list[str], counter: list[int]) -> list[dict[str, Any]]:
    """`{"name": ..., "arguments": {...}}` (or a list of them) as OpenAI tool calls with ids."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ShapeError("a function call is not written as JSON") from exc
    calls = value if isinstance(value, list) else [value]
    result = []
    for call in calls:
        if not isinstance(call, dict) or not isinstance(call.get("name"), str):
            raise ShapeError("a function call has no function name")
        arguments = call.get("arguments", {})
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments, ensure_ascii=False)
        counter[0] += 1
        call_id = f"call_{counter[0]}"
        pending.append(call_id)
        result.append(
            {
                "id": call_id,
                "type": "function",
                "function": {"name": call["name"], "arguments": arguments},
            }
        )
    return result


def openai_tools(value: Any) -> list[dict[str, Any]]:
    """OpenAI `tools` from ShareGPT's `tools` (a JSON string, or a list of function definitions)."""
    if isinstance(value, str):
        if not value.strip():
            return []
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ShapeError("its “tools” are not written as JSON") from exc
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise ShapeError("its “tools” are not a list of functions")
    tools = []
    for tool in value:
        if not isinstance(tool, dict):
            raise ShapeError("one of its “tools” is not a function definition")
        if tool.get("type") == "function" and "function" in tool:
            tools.append(tool)
        else:
            tools.append({"type": "function", "function": tool})
    return tools


def sharegpt_example(value: dict[str, Any], key: str) -> dict[str, Any]:
    """One chat example from a ShareGPT record (`conversations`, optional `system` and `tools`)."""
    messages = turn_messages(value.get(key))
    system = value.get("system")
    if isinstance(system, str) and system.strip() and messages[0]["role"] != "system":
        messages.insert(0, {"role": "system", "content": system})
    example: dict[str, Any] = {"messages": messages}
    tools = openai_tools(value.get("tools", ""))
    if tools:
        example["tools"] = tools
    return example
