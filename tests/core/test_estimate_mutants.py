"""Estimate edges that mutation testing showed unguarded: the allowed epoch range, exact cost, JSON cost.

Each test here failed against a mutant of desktop_app/core/tokens/estimate.py that the older tests let
through (see docs/architecture.md, "Tests that notice bugs").
"""

from __future__ import annotations

import dataclasses

import pytest

from desktop_app.core.models.catalog import ModelInfo, find_model
from desktop_app.core.tokens.estimate import MAX_EPOCHS, estimate


def _model(**changes: object) -> ModelInfo:
    model = find_model("gpt-4.1-mini")
    assert model is not None
    return dataclasses.replace(model, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("epochs", [1, 2, MAX_EPOCHS])
def test_every_epoch_count_the_api_accepts_is_estimated(epochs: int) -> None:
    # A user who types 1 or 50 epochs gets a price, not an error.
    result = estimate([100, 200], _model(), epochs=epochs)
    assert result.epochs == epochs
    assert result.trained_tokens == 300 * epochs


def test_cost_is_tokens_times_price_per_million_exactly() -> None:
    # 2,000,000 trained tokens at $3 per million is $6.00, not a cent less.
    model = _model(training_price_per_million=3.0, training_context=None)
    result = estimate([1_000_000], model, epochs=2)
    assert result.trained_tokens == 2_000_000
    assert result.cost_usd == 6.0


def test_json_cost_is_rounded_to_a_hundredth_of_a_cent() -> None:
    # 12,345 tokens × 1 epoch at $10 per million = $0.12345 → 0.1235 (four decimals) in reports.
    result = estimate([12_345], _model(training_price_per_million=10.0), epochs=1)
    assert result.to_json()["cost_usd"] == 0.1235


def test_json_of_a_model_without_price_says_no_cost() -> None:
    result = estimate([500], _model(training_price_per_million=None), epochs=3)
    data = result.to_json()
    assert data["cost_usd"] is None and data["price_per_million"] is None
    assert data["trained_tokens"] == 1500
