"""Epochs, billed tokens and cost of a training run, the way the OpenAI Cookbook estimates them.

OpenAI does not publish its "auto" epoch rule; the Cookbook's data-prep notebook uses these
constants: aim for 3 epochs, but keep the example-passes (examples × epochs) between 100 and
25,000, with 1 to 25 epochs. Each example is billed up to the model's per-example token limit
(longer examples are truncated), times the epochs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.core.models.catalog import ModelInfo

TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25
MAX_EPOCHS = 50  # the API accepts n_epochs from 1 to 50
# Memorising: the procedure this product grew from warns against "too many epochs". Past ten
# passes over fewer than 100 examples, or three times the Cookbook's count, a model starts to
# repeat its examples rather than learn their way of speaking.
MEMORISE_EPOCHS = 10
MEMORISE_EXAMPLES = 100
MEMORISE_FACTOR = 3


@dataclass(frozen=True, slots=True)
class Estimate:
    examples: int
    epochs: int  # 0 when there is nothing to train
    epochs_automatic: bool  # True when chosen by the Cookbook rule, False when given
    billing_tokens_per_epoch: int  # each example capped at the model's training limit
    trained_tokens: int  # billing_tokens_per_epoch × epochs
    cost_usd: float | None  # None when the model has no per-token price
    price_per_million: float | None
    capped_examples: int  # examples longer than the limit (truncated when trained)
    training_context: int | None
    overtraining: str | None = None  # a warning when the epochs point to memorising

    @property
    def suggested_epochs(self) -> int:
        return suggested_epochs(self.examples)

    def to_json(self) -> dict[str, Any]:
        return {
            "examples": self.examples,
            "epochs": self.epochs,
            "epochs_automatic": self.epochs_automatic,
            "billing_tokens_per_epoch": self.billing_tokens_per_epoch,
            "trained_tokens": self.trained_tokens,
            "cost_usd": None if self.cost_usd is None else round(self.cost_usd, 4),
            "price_per_million": self.price_per_million,
            "capped_examples": self.capped_examples,
            "training_context": self.training_context,
            "overtraining": self.overtraining,
            "suggested_epochs": self.suggested_epochs if self.overtraining else None,
        }


def default_epochs(examples: int) -> int:
    """The Cookbook's automatic epoch count for `examples` training examples (0 for none)."""
    if examples <= 0:
        return 0
    epochs = TARGET_EPOCHS
    if examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        epochs = min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // examples)
    elif examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        epochs = max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // examples)
    return epochs


def suggested_epochs(examples: int) -> int:
    """A number of epochs that does not point to memorising (the Cookbook's, at most ten)."""
    return max(1, min(default_epochs(examples), MEMORISE_EPOCHS))


def overtraining_warning(examples: int, epochs: int) -> str | None:
    """A plain warning when `epochs` passes over `examples` examples point to memorising."""
    if examples <= 0:
        return None
    risky = (epochs > MEMORISE_EPOCHS and examples < MEMORISE_EXAMPLES) or (
        epochs > MEMORISE_FACTOR * default_epochs(examples) and epochs > MEMORISE_EPOCHS // 2
    )
    if not risky:
        return None
    return (
        f"{epochs} epochs over {examples:,} examples points to memorising: the model would repeat "
        f"its examples instead of learning how to speak. {suggested_epochs(examples)} epochs "
        "would do; more good examples help more than more epochs."
    )


def estimate(
    example_token_totals: Sequence[int], model: ModelInfo, epochs: int | None = None
) -> Estimate:
    """Billed tokens and cost for training `model` on examples with these token totals."""
    if epochs is not None and not 1 <= epochs <= MAX_EPOCHS:
        raise ValueError(f"epochs must be between 1 and {MAX_EPOCHS}, not {epochs}")
    count = len(example_token_totals)
    chosen = default_epochs(count) if epochs is None else epochs
    limit = model.training_context
    if limit is None:
        per_epoch, capped = sum(example_token_totals), 0
    else:
        over = [tokens for tokens in example_token_totals if tokens > limit]  # (few, usually)
        per_epoch = sum(example_token_totals) - sum(over) + limit * len(over)
        capped = len(over)
    trained = per_epoch * chosen if count else 0
    price = model.training_price_per_million
    return Estimate(
        examples=count,
        epochs=chosen,
        epochs_automatic=epochs is None,
        billing_tokens_per_epoch=per_epoch,
        trained_tokens=trained,
        cost_usd=None if price is None else trained * price / 1_000_000,
        price_per_million=price,
        capped_examples=capped,
        training_context=limit,
        overtraining=overtraining_warning(count, chosen) if epochs is not None else None,
    )
