"""Tools and tool calls: definitions, the calls an assistant makes, and the answers to them."""

from __future__ import annotations

import json
from typing import Any

from desktop_app.core.checks.base import Findings, describe, nth, quote, rule
from desktop_app.core.problems import Severity

F = "tools"
TOOLS_INVALID = rule(
    "tools_invalid",
    Severity.ERROR,
    "The example's “tools” list is not a list of function definitions.",
    'Each tool looks like {"type": "function", "function": {"name": "...", "parameters": {...}}}.',
    family=F,
)
FUNCTIONS_INVALID = rule(
    "functions_invalid",
    Severity.ERROR,
    "The example's old-style “functions” list is not a list of 1 to 128 definitions with names.",
    family=F,
)
TOOL_CALLS_NOT_A_LIST = rule(
    "tool_calls_not_a_list",
    Severity.ERROR,
    "An assistant message's “tool_calls” is not a list.",
    family=F,
)
TOOL_CALL_INVALID = rule(
    "tool_call_invalid",
    Severity.ERROR,
    "A tool call lacks its id, its type “function”, or the function's name.",
    'A tool call looks like {"id": "call_1", "type": "function", '
    '"function": {"name": "...", "arguments": "{...}"}}.',
    family=F,
)
TOOL_ARGUMENTS_INVALID = rule(
    "tool_arguments_invalid",
    Severity.ERROR,
    "A tool call's “arguments” is not JSON written as text.",
    'The arguments are JSON inside a text value, for example "{\\"city\\": \\"Paris\\"}".',
    family=F,
)
DUPLICATE_TOOL_CALL_ID = rule(
    "duplicate_tool_call_id",
    Severity.ERROR,
    "Two tool calls in the example share the same id.",
    family=F,
)
TOOL_CALL_UNKNOWN_FUNCTION = rule(
    "tool_call_unknown_function",
    Severity.WARNING,
    "A tool call uses a function that is not in the example's “tools”.",
    family=F,
)
TOOL_MESSAGE_MISSING_ID = rule(
    "tool_message_missing_id",
    Severity.ERROR,
    "A tool message has no “tool_call_id” saying which call it answers.",
    family=F,
)
TOOL_CALL_ID_UNKNOWN = rule(
    "tool_call_id_unknown",
    Severity.ERROR,
    "A tool message answers a tool call id that no earlier assistant message made.",
    family=F,
)
TOOL_CALL_UNANSWERED = rule(
    "tool_call_unanswered",
    Severity.WARNING,
    "A tool call gets no tool message with its result before the conversation goes on.",
    family=F,
)
FUNCTION_CALL_INVALID = rule(
    "function_call_invalid",
    Severity.ERROR,
    "An old-style “function_call” lacks the function's name or its arguments as JSON text.",
    family=F,
)


def defined_functions(value: dict[str, Any], out: Findings) -> frozenset[str] | None:
    """Names of the functions the example defines (None when it defines none)."""
    names: set[str] = set()
    defined = False
    if "tools" in value:
        defined = True
        names |= _check_tools(value["tools"], out)
    if "functions" in value:
        defined = True
        names |= _check_functions(value["functions"], out)
    return frozenset(names) if defined else None


def _check_tools(tools: Any, out: Findings) -> set[str]:
    if not isinstance(tools, list):
        out.add(TOOLS_INVALID, f"“tools” is {describe(tools)}; it must be a list.", field="tools")
        return set()
    names: set[str] = set()
    for i, tool in enumerate(tools):
        function = tool.get("function") if isinstance(tool, dict) else None
        name = function.get("name") if isinstance(function, dict) else None
        if (
            not isinstance(tool, dict)
            or tool.get("type") != "function"
            or not isinstance(name, str)
            or not name
        ):
            out.add(
                TOOLS_INVALID,
                f"Tool {i + 1} in “tools” is not a function definition with a name.",
                field=f"tools[{i}]",
            )
        if isinstance(name, str):
            names.add(name)
    return names


def _check_functions(functions: Any, out: Findings) -> set[str]:
    if not isinstance(functions, list) or not 1 <= len(functions) <= 128:
        out.add(
            FUNCTIONS_INVALID,
            f"“functions” is {describe(functions)}; it must be a list of 1 to 128 functions.",
            field="functions",
        )
        return set()
    names: set[str] = set()
    for i, function in enumerate(functions):
        name = function.get("name") if isinstance(function, dict) else None
        if not isinstance(name, str) or not name:
            out.add(
                FUNCTIONS_INVALID,
                f"Function {i + 1} in “functions” has no name.",
                field=f"functions[{i}]",
            )
        else:
            names.add(name)
    return names


class ToolCallTracker:
    """Follows the calls made and answered through one conversation."""

    __slots__ = ("answered", "functions", "made", "out")

    def __init__(self, functions: frozenset[str] | None, out: Findings) -> None:
        self.functions = functions
        self.out = out
        self.made: dict[str, int] = {}  # call id -> index of the assistant message
        self.answered: set[str] = set()

    def assistant(self, message: dict[str, Any], index: int) -> None:
        if "tool_calls" in message and message["tool_calls"] is not None:
            self._calls(message["tool_calls"], index)
        call = message.get("function_call")
        if call is not None:
            self._function_call(call, index)

    def _calls(self, calls: Any, index: int) -> None:
        if not isinstance(calls, list):
            self.out.add(
                TOOL_CALLS_NOT_A_LIST,
                f"{nth(index)} has “tool_calls” that is {describe(calls)}; it must be a list.",
                message_index=index,
                field="tool_calls",
            )
            return
        for i, call in enumerate(calls):
            self._call(call, index, i)

    def _call(self, call: Any, index: int, i: int) -> None:
        field = f"tool_calls[{i}]"
        label = f"{nth(index)}, tool call {i + 1}"
        if not isinstance(call, dict):
            self.out.add(
                TOOL_CALL_INVALID,
                f"{label} is {describe(call)}, not a tool call.",
                message_index=index,
                field=field,
            )
            return
        call_id, function = call.get("id"), call.get("function")
        missing = []
        if not isinstance(call_id, str) or not call_id:
            missing.append("an id")
        if call.get("type") != "function":
            missing.append("the type “function”")
        name = function.get("name") if isinstance(function, dict) else None
        if not isinstance(name, str) or not name:
            missing.append("the function's name")
        if missing:
            self.out.add(
                TOOL_CALL_INVALID,
                f"{label} is missing {', '.join(missing)}.",
                message_index=index,
                field=field,
            )
        if isinstance(call_id, str) and call_id:
            if call_id in self.made:
                self.out.add(
                    DUPLICATE_TOOL_CALL_ID,
                    f"{label} uses the id {quote(call_id)}, already used by an earlier call.",
                    message_index=index,
                    field=f"{field}.id",
                )
            self.made[call_id] = index
        if (
            isinstance(name, str)
            and name
            and self.functions is not None
            and name not in self.functions
        ):
            self.out.add(
                TOOL_CALL_UNKNOWN_FUNCTION,
                f"{label} calls {quote(name)}, which is not among the example's tools.",
                message_index=index,
                field=f"{field}.function.name",
            )
        if isinstance(function, dict):
            self._arguments(function.get("arguments"), label, index, f"{field}.function.arguments")

    def _arguments(self, arguments: Any, label: str, index: int, field: str) -> None:
        if isinstance(arguments, str):
            try:
                json.loads(arguments)
            except (ValueError, RecursionError):
                self.out.add(
                    TOOL_ARGUMENTS_INVALID,
                    f"{label}: the arguments {quote(arguments)} are not valid JSON.",
                    message_index=index,
                    field=field,
                )
            return
        self.out.add(
            TOOL_ARGUMENTS_INVALID,
            f"{label}: the arguments are {describe(arguments)}; they must be JSON written as text.",
            message_index=index,
            field=field,
        )

    def _function_call(self, call: Any, index: int) -> None:
        name = call.get("name") if isinstance(call, dict) else None
        arguments = call.get("arguments") if isinstance(call, dict) else None
        valid = isinstance(name, str) and bool(name) and isinstance(arguments, str)
        if valid and isinstance(arguments, str):
            try:
                json.loads(arguments)
            except (ValueError, RecursionError):
                valid = False
        if not valid:
            self.out.add(
                FUNCTION_CALL_INVALID,
                f"{nth(index)} has a “function_call” without a name and JSON arguments as text.",
                message_index=index,
                field="function_call",
            )

    def tool(self, message: dict[str, Any], index: int) -> None:
        call_id = message.get("tool_call_id")
        if not isinstance(call_id, str) or not call_id:
            self.out.add(
                TOOL_MESSAGE_MISSING_ID,
                f"{nth(index)} is a tool result without a “tool_call_id”.",
                message_index=index,
                field="tool_call_id",
            )
            return
        if call_id not in self.made:
            self.out.add(
                TOOL_CALL_ID_UNKNOWN,
                f"{nth(index)} answers the tool call {quote(call_id)}, but no earlier assistant "
                "message made that call.",
                message_index=index,
                field="tool_call_id",
            )
        self.answered.add(call_id)

    def finish(self, roles: list[str | None]) -> None:
        """Calls followed by more conversation but never answered."""
        for call_id, index in self.made.items():
            if call_id in self.answered or index == len(roles) - 1:
                continue
            self.out.add(
                TOOL_CALL_UNANSWERED,
                f"{nth(index)} calls a tool (id {quote(call_id)}), but no tool message gives its "
                "result.",
                message_index=index,
                field="tool_calls",
            )
