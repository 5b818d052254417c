"""A plain re-implementation of OpenAI's Cookbook data-prep notebook (Chat_finetuning_data_prep).

    python benchmarks/cookbook_baseline.py FILE [--encoding o200k_base] [--limit 65536]

What the notebook does, in the notebook's way: read every line with json.loads into one list,
run its seven format counters, count tokens with `encoding.encode` per value (3 per message,
+1 per name, +3 per example; assistant tokens counted again on their own), print the
distributions, the examples over the limit and the default-epoch estimate.

Two departures, so it runs on any chat file and its totals can be compared with
`ftstudio validate`: the encoding is the model's (o200k_base for gpt-4o/4.1, the notebook
hard-codes cl100k_base) and is loaded from the app's bundled copy (the notebook downloads it);
and values the notebook's `encode(value)` would crash on (weights, tool calls, null content) are
counted the way the project's token formula does (text only; tool calls by function name and
arguments). The last line printed is a JSON object with the totals.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from desktop_app.core.tokens.counts import get_encoding

MAX_TOKENS_PER_EXAMPLE = 65536
TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25


def format_errors(dataset: list[Any]) -> dict[str, int]:
    format_errors: dict[str, int] = defaultdict(int)
    for ex in dataset:
        if not isinstance(ex, dict):
            format_errors["data_type"] += 1
            continue
        messages = ex.get("messages", None)
        if not messages:
            format_errors["missing_messages_list"] += 1
            continue
        for message in messages:
            if "role" not in message or "content" not in message:
                format_errors["message_missing_key"] += 1
            if any(
                k not in ("role", "content", "name", "function_call", "weight") for k in message
            ):
                format_errors["message_unrecognized_key"] += 1
            if message.get("role", None) not in ("system", "user", "assistant", "function"):
                format_errors["unrecognized_role"] += 1
            content = message.get("content", None)
            function_call = message.get("function_call", None)
            if (not content and not function_call) or not isinstance(content, str):
                format_errors["missing_content"] += 1
        if not any(message.get("role", None) == "assistant" for message in messages):
            format_errors["example_missing_assistant_message"] += 1
    return format_errors


def texts_of(key: str, value: Any) -> list[str]:
    """The text the notebook's encode(value) reads, for values it could not encode itself."""
    if isinstance(value, str):
        return [value] if key != "tool_call_id" else []
    if key == "content" and isinstance(value, list):
        return [p["text"] for p in value if isinstance(p, dict) and p.get("type") == "text"]
    if key == "tool_calls" and isinstance(value, list):
        out: list[str] = []
        for call in value:
            function = call.get("function") or {}
            out += [
                v for v in (function.get("name"), function.get("arguments")) if isinstance(v, str)
            ]
        return out
    if key == "function_call" and isinstance(value, dict):
        return [v for v in (value.get("name"), value.get("arguments")) if isinstance(v, str)]
    return []


def num_tokens_from_messages(
    encoding: Any, messages: list[Any], tokens_per_message: int = 3, tokens_per_name: int = 1
) -> int:
    num_tokens = 0
    for message in messages:
        num_tokens += tokens_per_message
        for key, value in message.items():
            for text in texts_of(key, value):
                num_tokens += len(encoding.encode(text))
            if key == "name":
                num_tokens += tokens_per_name
    num_tokens += 3
    return num_tokens


def num_assistant_tokens_from_messages(encoding: Any, messages: list[Any]) -> int:
    num_tokens = 0
    for message in messages:
        if message["role"] == "assistant":
            for key in ("content", "tool_calls", "function_call"):
                for text in texts_of(key, message.get(key)):
                    num_tokens += len(encoding.encode(text))
    return num_tokens


def quantile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def print_distribution(values: list[int], name: str) -> None:
    print(f"\n#### Distribution of {name}:")
    print(f"min / max: {min(values)}, {max(values)}")
    print(f"mean / median: {sum(values) / len(values)}, {quantile(values, 0.5)}")
    print(f"p5 / p95: {quantile(values, 0.1)}, {quantile(values, 0.9)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The Cookbook's data-prep checks, for timing.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--encoding", default="o200k_base")
    parser.add_argument("--limit", type=int, default=MAX_TOKENS_PER_EXAMPLE)
    args = parser.parse_args(argv)

    with open(args.file, encoding="utf-8") as f:
        dataset = [json.loads(line) for line in f]
    print("Num examples:", len(dataset))

    errors = format_errors(dataset)
    if errors:
        print("Found errors:")
        for k, v in errors.items():
            print(f"{k}: {v}")
    else:
        print("No errors found")

    encoding = get_encoding(args.encoding)
    n_missing_system = 0
    n_missing_user = 0
    n_messages = []
    convo_lens = []
    assistant_message_lens = []
    for ex in dataset:
        messages = ex["messages"]
        if not any(message["role"] == "system" for message in messages):
            n_missing_system += 1
        if not any(message["role"] == "user" for message in messages):
            n_missing_user += 1
        n_messages.append(len(messages))
        convo_lens.append(num_tokens_from_messages(encoding, messages))
        assistant_message_lens.append(num_assistant_tokens_from_messages(encoding, messages))

    print("Num examples missing system message:", n_missing_system)
    print("Num examples missing user message:", n_missing_user)
    print_distribution(n_messages, "num_messages_per_example")
    print_distribution(convo_lens, "num_total_tokens_per_example")
    print_distribution(assistant_message_lens, "num_assistant_tokens_per_example")
    n_too_long = sum(length > args.limit for length in convo_lens)
    print(
        f"\n{n_too_long} examples may be over the {args.limit} token limit, they will be truncated during fine-tuning"
    )

    n_epochs = TARGET_EPOCHS
    n_train_examples = len(dataset)
    if n_train_examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        n_epochs = min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n_train_examples)
    elif n_train_examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        n_epochs = max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // n_train_examples)
    n_billing_tokens_in_dataset = sum(min(args.limit, length) for length in convo_lens)
    print(
        f"Dataset has ~{n_billing_tokens_in_dataset} tokens that will be charged for during training"
    )
    print(f"By default, you'll train for {n_epochs} epochs on this dataset")
    print(f"By default, you'll be charged for ~{n_epochs * n_billing_tokens_in_dataset} tokens")
    summary = {
        "examples": len(dataset),
        "tokens_total": sum(convo_lens),
        "assistant_tokens_total": sum(assistant_message_lens),
        "billing_tokens": n_billing_tokens_in_dataset,
        "epochs": n_epochs,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
