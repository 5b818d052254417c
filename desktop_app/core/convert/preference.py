"""Preference pairs written as `chosen`/`rejected` into OpenAI's preference shape
(`input`, `preferred_output`, `non_preferred_output`).

Three ways people write them:
- a ShareGPT `conversations` prompt with a single `chosen` and `rejected` turn (LLaMA-Factory);
- whole `chosen` and `rejected` conversations whose common beginning is the prompt (TRL's
  implicit prompt, Fireworks);
- a `prompt` (text or messages) with `chosen` and `rejected` replies (text or messages).
"""

from __future__ import annotations

from typing import Any

from desktop_app.core.convert.sharegpt import ShapeError, openai_tools, turn_messages


def preference_example(value: dict[str, Any], prompt_key: str | None) -> dict[str, Any]:
    chosen, rejected = value.get("chosen"), value.get("rejected")
    if chosen is None or rejected is None:
        raise ShapeError("it has no “chosen” or no “rejected” reply")
    if prompt_key is not None and prompt_key in value:
        prompt = _messages(value[prompt_key], "user")
        preferred = _messages(chosen, "assistant")
        other = _messages(rejected, "assistant")
    else:
        preferred, other = _messages(chosen, "assistant"), _messages(rejected, "assistant")
        prompt, preferred, other = _split_common(preferred, other)
    system = value.get("system")
    if isinstance(system, str) and system.strip() and (not prompt or prompt[0]["role"] != "system"):
        prompt.insert(0, {"role": "system", "content": system})
    if not prompt:
        raise ShapeError("its chosen and rejected replies share no prompt")
    if not preferred or not other:
        raise ShapeError("its chosen and rejected replies are the same")
    source: dict[str, Any] = {"messages": prompt}
    tools = openai_tools(value.get("tools", ""))
    if tools:
        source["tools"] = tools
    return {"input": source, "preferred_output": preferred, "non_preferred_output": other}


def _messages(value: Any, role: str) -> list[dict[str, Any]]:
    """Messages from text (one message of `role`), one turn, or a list of turns."""
    if isinstance(value, str):
        return [{"role": role, "content": value}]
    if isinstance(value, dict):
        return turn_messages([value])
    return turn_messages(value)


def _split_common(
    chosen: list[dict[str, Any]], rejected: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The shared beginning of two conversations (the prompt), and where each goes on."""
    shared = 0
    for left, right in zip(chosen, rejected, strict=False):
        if left != right:
            break
        shared += 1
    return chosen[:shared], chosen[shared:], rejected[shared:]
