"""`ftstudio stats FILE [--model M] [--json]`: counts and token distribution of a dataset."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.output import EXIT_OK, open_dataset, print_json, print_note
from desktop_app.core.models.catalog import DEFAULT_MODEL, find_model
from desktop_app.core.tokens.stats import DatasetStats, Distribution, compute_stats


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="count examples, messages and tokens in a dataset",
        description=(
            "Count the examples, messages and tokens of a JSONL dataset, with the token "
            "distribution (min, 10th percentile, median, mean, 90th percentile, max) and an "
            "estimate of the trained tokens and cost."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the .jsonl dataset")
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help=f"model whose encoding and limits to use (default: {DEFAULT_MODEL})",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    dataset = open_dataset(args.file)
    if find_model(args.model) is None:
        print_note(
            f"Note: ftstudio does not know the model “{args.model}”, so tokens are counted with "
            "the o200k_base encoding and there is no cost estimate."
        )
    stats = compute_stats(dataset, args.model)
    if args.json:
        print_json({"file": str(args.file), **stats.to_json()})
    else:
        print("\n".join(format_stats(str(args.file), stats)))
    return EXIT_OK


def format_stats(name: str, stats: DatasetStats) -> list[str]:
    lines = [f"{name}: {_count(stats.lines, 'line')}"]
    kinds = f"{_count(stats.examples, 'example')}"
    if stats.preference_examples:
        kinds += f" ({stats.chat_examples} chat, {stats.preference_examples} preference pairs)"
    lines.append(f"  Examples:        {kinds}")
    for count, what in (
        (stats.blank_lines, "Blank lines:"),
        (stats.broken_lines, "Broken lines:"),
        (stats.other_lines, "Not examples:"),
    ):
        if count:
            lines.append(f"  {what:<17}{count:,}")
    lines.append(f"  Messages:        {stats.messages:,}")
    lines.append(f"  No system message:    {_count(stats.missing_system, 'example')}")
    lines.append(f"  No user message:      {_count(stats.missing_user, 'example')}")
    lines.append(f"  No assistant message: {_count(stats.missing_assistant, 'example')}")
    if stats.tokens is None:
        lines.append("No examples to count tokens in.")
        return lines
    lines.append("")
    lines.append(f"Per example (model {stats.model}, encoding {stats.encoding}):")
    lines.append(_header())
    rows = (
        ("messages", stats.messages_per_example),
        ("tokens", stats.tokens),
        ("assistant tokens", stats.assistant_tokens),
        ("trained tokens", stats.trained_tokens),
    )
    lines.extend(_row(label, dist) for label, dist in rows if dist is not None)
    if stats.over_limit and stats.estimate is not None:
        lines.append(
            f"  {_count(stats.over_limit, 'example')} over the limit of "
            f"{stats.estimate.training_context:,} tokens per example will be cut short in training."
        )
    lines.extend(_estimate_lines(stats))
    return lines


_COLUMNS = (("min", 8), ("p10", 9), ("median", 9), ("mean", 9), ("p90", 9), ("max", 9))


def _header() -> str:
    return (
        f"  {'':<18}" + "".join(f"{name:>{width}}" for name, width in _COLUMNS) + f"{'total':>12}"
    )


def _row(label: str, dist: Distribution) -> str:
    cells = (dist.min, dist.p10, dist.median, dist.mean, dist.p90, dist.max)
    numbers = "".join(f"{_number(v):>{w}}" for v, (_, w) in zip(cells, _COLUMNS, strict=True))
    return f"  {label:<18}{numbers}{dist.total:>12,}"


def _estimate_lines(stats: DatasetStats) -> list[str]:
    estimate = stats.estimate
    if estimate is None or estimate.examples == 0:
        return []
    how = "automatic" if estimate.epochs_automatic else "chosen"
    text = (
        f"Estimate: {estimate.epochs} epochs ({how}) × {estimate.billing_tokens_per_epoch:,} "
        f"tokens = {estimate.trained_tokens:,} trained tokens"
    )
    if estimate.cost_usd is not None and estimate.price_per_million is not None:
        text += (
            f", about ${estimate.cost_usd:,.2f} at ${estimate.price_per_million:,.2f} per million."
        )
    else:
        text += "; this model has no price per token."
    return ["", text]


def _number(value: float) -> str:
    rounded = round(float(value), 1)
    return f"{int(rounded):,}" if rounded.is_integer() else f"{rounded:,.1f}"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")
