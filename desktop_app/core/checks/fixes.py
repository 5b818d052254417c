"""The one-click fixes offered with problems: pure functions from an example to a corrected copy.

`apply_fix(code, value, message_index, field)` never changes `value`; it returns a corrected deep
copy, or None for `remove_example` (the caller removes the line). A fix that no longer fits the
example (the message is gone, the role was already changed ...) raises FixNotApplicable.

Three fixes are the writer's own words (`needs_writing`): "Write the reply" and "Write the message"
take the text the writer typed, and a placeholder is replaced by the words the writer gives.
`offered_fixes` lists what a problem offers, best first, keeping only fixes that bring no new
error (a fix never trades one error for another).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from desktop_app.core.checks import special_tokens
from desktop_app.core.checks.base import (
    FIX_CHANGE_ROLE,
    FIX_CLEAN_NAME,
    FIX_CONTENT_TO_TEXT,
    FIX_JOIN_TEXT_PARTS,
    FIX_KEEP_LAST_DUPLICATE,
    FIX_REMOVE_EXAMPLE,
    FIX_REMOVE_KEY,
    FIX_REMOVE_MESSAGE,
    FIX_REMOVE_SPECIAL_TOKENS,
    FIX_REMOVE_WEIGHT,
    FIX_RENAME_PREFERENCE_KEYS,
    FIX_SET_WEIGHT_1,
    FIX_TRIM_WHITESPACE,
    FIX_WRITE_MESSAGE,
    FIX_WRITE_REPLY,
)
from desktop_app.core.checks.names import clean_name
from desktop_app.core.checks.placeholders import FIX_REPLACE_PLACEHOLDER
from desktop_app.core.checks.roles import suggest_role
from desktop_app.core.checks.structure import FIX_CONVERT_PROMPT_COMPLETION, FIX_RENAME_TO_MESSAGES
from desktop_app.core.checks.voice.rules import FIX_REPLACE_PHRASE
from desktop_app.core.checks.voice.wordlist import replace_phrase
from desktop_app.core.problems import Fix, Problem, Severity

_OUTPUT_FIELD = re.compile(r"^(preferred_output|non_preferred_output)\[0\]")


class FixNotApplicable(ValueError):
    """The example no longer has what the fix would change."""


def removes_example(code: str) -> bool:
    """True for fixes that remove the whole line rather than change it."""
    return code == FIX_REMOVE_EXAMPLE


def needs_writing(code: str) -> bool:
    """True for fixes made of the writer's words: the window asks for the text (or puts the
    cursor in the empty message, or opens Find and Replace on a placeholder) instead of changing
    the example by itself."""
    return code in (FIX_WRITE_REPLY, FIX_WRITE_MESSAGE, FIX_REPLACE_PLACEHOLDER)


def apply_problem_fix(
    problem: Problem, value: Any, fix: Fix | None = None, text: str | None = None
) -> Any | None:
    """Apply the fix a problem offers (or `fix`, one of its `offered_fixes`)."""
    chosen = fix or problem.fix
    if chosen is None:
        raise FixNotApplicable(f"the problem {problem.code} offers no fix")
    if chosen.code == FIX_REPLACE_PHRASE:
        return replace_in_message(value, problem.message_index, problem.field, *chosen.args)
    if chosen.code == FIX_REPLACE_PLACEHOLDER:
        if not text or not text.strip():
            raise FixNotApplicable("nothing was written")
        return replace_in_message(value, problem.message_index, problem.field, chosen.args[0], text)
    return apply_fix(chosen.code, value, problem.message_index, problem.field, text)


def replace_in_message(
    value: Any, index: int | None, field: str | None, phrase: str, instead: str
) -> Any:
    """A copy of `value` with `phrase` replaced by `instead` in one message's text (the word
    list's fix, desktop_app.core.checks.voice.wordlist)."""
    new = copy.deepcopy(value)
    if not isinstance(new, dict):
        raise FixNotApplicable("the example is not an object")
    message = _message(new, index, None)
    content = message.get("content")
    if isinstance(content, str):
        fixed = replace_phrase(content, phrase, instead)
        if fixed == content:
            raise FixNotApplicable(f"the message no longer says “{phrase}”")
        message["content"] = fixed
        return new
    if isinstance(content, list):
        changed = False
        for part in content:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                fixed = replace_phrase(part["text"], phrase, instead)
                changed |= fixed != part["text"]
                part["text"] = fixed
        if changed:
            return new
    raise FixNotApplicable(f"the message no longer says “{phrase}”")


def apply_fix(
    code: str,
    value: Any,
    message_index: int | None = None,
    field: str | None = None,
    text: str | None = None,
) -> Any | None:
    """A corrected copy of `value` (None when the fix removes the example); `text` is what the
    writer wrote, for the fixes that `needs_writing`."""
    if code == FIX_REMOVE_EXAMPLE:
        return None
    new = copy.deepcopy(value)
    if not isinstance(new, dict):
        raise FixNotApplicable("the example is not an object")
    if needs_writing(code):
        if not text or not text.strip():
            raise FixNotApplicable("nothing was written")
        _write(new, message_index, field, text, code == FIX_WRITE_REPLY)
        return new
    fixer = _FIXERS.get(code)
    if fixer is None:
        raise ValueError(f"unknown fix code {code!r}")
    fixer(new, message_index, field)
    return new


# second choices, tried in this order after the problem's own fix
_ALTERNATIVES = {
    FIX_WRITE_REPLY: (
        Fix(FIX_REMOVE_MESSAGE, "Remove the empty message"),
        Fix(FIX_REMOVE_EXAMPLE, "Remove the example"),
    ),
    FIX_WRITE_MESSAGE: (Fix(FIX_REMOVE_MESSAGE, "Remove the empty message"),),
}


def offered_fixes(problem: Problem, value: Any) -> list[Fix]:
    """The fixes to offer for `problem` on `value`, best first: its own fix, then second choices;
    a fix that would bring an error the example does not have now is left out."""
    if problem.fix is None:
        return []
    candidates = [problem.fix, *_ALTERNATIVES.get(problem.fix.code, ())]
    offered: list[Fix] = []
    for fix in candidates:
        if fix.code in (f.code for f in offered):
            continue
        if needs_writing(fix.code) or fix.code == FIX_REMOVE_EXAMPLE or _safe(problem, fix, value):
            offered.append(fix)
    return offered


def alike(
    fix: Fix, problem: Problem, found: Iterable[tuple[int | None, Problem]]
) -> list[tuple[int, Problem]]:
    """The problems in `found` (the problems pane's rows) that `fix` mends as it mends
    `problem`: the same check offering the same fix (never one the writer must write)."""
    if needs_writing(fix.code) or fix != problem.fix:
        return []
    return [(r, p) for r, p in found if r is not None and p.code == problem.code and p.fix == fix]


def fix_each(
    pairs: Iterable[tuple[int, Problem]], value_of: Callable[[int], Any]
) -> tuple[dict[int, Any], int]:
    """Each problem's own fix applied to its example: the new values (None: the example is to be
    removed) and how many were left as they were, because the fix no longer applied, changed
    nothing, or would bring an error the example does not have. An example with several such
    problems is mended from its last message to its first, so removing one message does not
    move the others."""
    changes: dict[int, Any] = {}
    left = 0
    for record, problem in sorted(pairs, key=lambda rp: (rp[0], -(rp[1].message_index or 0))):
        before = changes.get(record, value_of(record))
        try:
            after = apply_problem_fix(problem, before)
        except FixNotApplicable:
            left += 1
            continue
        if after is not None and (after == before or new_errors(before, after)):
            left += 1
            continue
        changes[record] = after
    return changes, left


def new_errors(before: Any, after: Any) -> set[str]:
    """Error codes `after` has that `before` did not."""
    from desktop_app.core.checks import check_value  # the checks import this module's codes

    def errors(value: Any) -> set[str]:
        return {p.code for p in check_value(value) if p.severity is Severity.ERROR}

    return errors(after) - errors(before)


def _safe(problem: Problem, fix: Fix, value: Any) -> bool:
    try:
        fixed = apply_fix(fix.code, value, problem.message_index, problem.field)
    except (FixNotApplicable, ValueError):
        return False
    return not new_errors(value, fixed)


def _write(
    value: dict[str, Any], index: int | None, field: str | None, text: str, reply: bool
) -> None:
    """Put the writer's text in the empty message, or add it as a reply at the end."""
    try:
        message = _message(value, index, field)
    except FixNotApplicable:
        message = None
    if message is not None and (not reply or message.get("role") == "assistant"):
        message["content"] = text
        return
    _messages(value).append({"role": "assistant", "content": text})


# ---- where a fix applies ----------------------------------------------------------------------
def _messages(value: dict[str, Any]) -> list[Any]:
    if "messages" in value:
        messages = value["messages"]
    else:
        source = value.get("input")
        messages = source.get("messages") if isinstance(source, dict) else None
    if not isinstance(messages, list):
        raise FixNotApplicable("the example has no list of messages")
    return messages


def _message(value: dict[str, Any], index: int | None, field: str | None = None) -> dict[str, Any]:
    """The message a problem points at: by index, or a preference output named in `field`."""
    output = _OUTPUT_FIELD.match(field or "")
    if output:
        outputs = value.get(output.group(1))
        message = outputs[0] if isinstance(outputs, list) and outputs else None
    else:
        messages = _messages(value)
        if index is None or not 0 <= index < len(messages):
            raise FixNotApplicable(f"there is no message {index}")
        message = messages[index]
    if not isinstance(message, dict):
        raise FixNotApplicable("the message is not an object")
    return message


def _key_of(field: str | None) -> str:
    if not field:
        raise FixNotApplicable("the fix needs the name of the key")
    return field.rsplit(".", 1)[-1]


# ---- the fixes ---------------------------------------------------------------------------------
def _remove_message(value: dict[str, Any], index: int | None, field: str | None) -> None:
    messages = _messages(value)
    if index is None or not 0 <= index < len(messages):
        raise FixNotApplicable(f"there is no message {index}")
    del messages[index]


def _trim_whitespace(value: dict[str, Any], index: int | None, field: str | None) -> None:
    message = _message(value, index, field)
    content = message.get("content")
    if not isinstance(content, str):
        raise FixNotApplicable("the content is not text")
    message["content"] = content.strip()


def _change_role(value: dict[str, Any], index: int | None, field: str | None) -> None:
    message = _message(value, index)
    suggestion = suggest_role(message.get("role"))
    if suggestion is None:
        raise FixNotApplicable("no role comes close to this one")
    message["role"] = suggestion


def _set_weight_1(value: dict[str, Any], index: int | None, field: str | None) -> None:
    _message(value, index)["weight"] = 1


def _remove_weight(value: dict[str, Any], index: int | None, field: str | None) -> None:
    _message(value, index).pop("weight", None)


def _remove_key(value: dict[str, Any], index: int | None, field: str | None) -> None:
    key = _key_of(field)
    target: Any = value
    if index is not None:
        target = _message(value, index)
    elif field and field.startswith("input."):
        target = value.get("input")
    if not isinstance(target, dict) or key not in target:
        raise FixNotApplicable(f"the key {key!r} is not there")
    del target[key]


def _content_to_text(value: dict[str, Any], index: int | None, field: str | None) -> None:
    message = _message(value, index)
    content = message.get("content")
    if isinstance(content, str | list | dict) or content is None:
        raise FixNotApplicable("the content is not a number or true/false")
    message["content"] = json.dumps(content)


def _join_text_parts(value: dict[str, Any], index: int | None, field: str | None) -> None:
    message = _message(value, index)
    content = message.get("content")
    if not isinstance(content, list):
        raise FixNotApplicable("the content is not a list of parts")
    texts: list[str] = []
    for part in content:
        text = (
            part if isinstance(part, str) else part.get("text") if isinstance(part, dict) else None
        )
        if not isinstance(text, str):
            raise FixNotApplicable("a part is not text")
        texts.append(text)
    message["content"] = "\n".join(texts)


def _remove_special_tokens(value: dict[str, Any], index: int | None, field: str | None) -> None:
    message = _message(value, index, field)
    content = message.get("content")
    if isinstance(content, str):
        message["content"] = special_tokens.strip(content)
    elif isinstance(content, list):
        for part in content:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                part["text"] = special_tokens.strip(part["text"])
    else:
        raise FixNotApplicable("the message has no text")


def _clean_name(value: dict[str, Any], index: int | None, field: str | None) -> None:
    message = _message(value, index)
    name = message.get("name")
    cleaned = clean_name(name) if isinstance(name, str) else ""
    if not cleaned:
        raise FixNotApplicable("the name cannot be cleaned")
    message["name"] = cleaned


def _keep_last_duplicate(value: dict[str, Any], index: int | None, field: str | None) -> None:
    """Nothing to change: the parsed value already holds the last values; saving it drops the rest."""


def _rename_preference_keys(value: dict[str, Any], index: int | None, field: str | None) -> None:
    renamed = False
    for old, new in (
        ("preferred_completion", "preferred_output"),
        ("non_preferred_completion", "non_preferred_output"),
    ):
        if old in value and new not in value:
            value[new] = value.pop(old)
            renamed = True
    if not renamed:
        raise FixNotApplicable("there is nothing to rename")


def _convert_prompt_completion(value: dict[str, Any], index: int | None, field: str | None) -> None:
    if "prompt" not in value and "completion" not in value:
        raise FixNotApplicable("the example has no prompt or completion")
    prompt, completion = value.pop("prompt", ""), value.pop("completion", "")
    rest = dict(value)
    value.clear()
    value["messages"] = [
        {"role": "user", "content": prompt if isinstance(prompt, str) else json.dumps(prompt)},
        {
            "role": "assistant",
            "content": completion if isinstance(completion, str) else json.dumps(completion),
        },
    ]
    value.update(rest)  # other keys are kept (they are reported as unknown, never dropped)


def _rename_to_messages(value: dict[str, Any], index: int | None, field: str | None) -> None:
    if not field or field not in value or "messages" in value:
        raise FixNotApplicable("there is nothing to rename")
    items = [("messages" if k == field else k, v) for k, v in value.items()]
    value.clear()
    value.update(items)


_FIXERS = {
    FIX_REMOVE_MESSAGE: _remove_message,
    FIX_TRIM_WHITESPACE: _trim_whitespace,
    FIX_CHANGE_ROLE: _change_role,
    FIX_SET_WEIGHT_1: _set_weight_1,
    FIX_REMOVE_WEIGHT: _remove_weight,
    FIX_REMOVE_KEY: _remove_key,
    FIX_CONTENT_TO_TEXT: _content_to_text,
    FIX_JOIN_TEXT_PARTS: _join_text_parts,
    FIX_REMOVE_SPECIAL_TOKENS: _remove_special_tokens,
    FIX_CLEAN_NAME: _clean_name,
    FIX_KEEP_LAST_DUPLICATE: _keep_last_duplicate,
    FIX_RENAME_PREFERENCE_KEYS: _rename_preference_keys,
    FIX_CONVERT_PROMPT_COMPLETION: _convert_prompt_completion,
    FIX_RENAME_TO_MESSAGES: _rename_to_messages,
}
FIX_CODES = frozenset(_FIXERS) | {
    FIX_REMOVE_EXAMPLE,
    FIX_WRITE_REPLY,
    FIX_WRITE_MESSAGE,
    FIX_REPLACE_PHRASE,
    FIX_REPLACE_PLACEHOLDER,
}
