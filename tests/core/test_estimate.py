"""The Cookbook's epoch rule, the per-example cap, trained tokens and cost."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.models.catalog import ModelInfo, find_model
from desktop_app.core.tokens import estimate as est
from desktop_app.core.tokens.estimate import default_epochs, estimate


def _model(model_id: str = "gpt-4.1-mini", **changes: object) -> ModelInfo:
    model = find_model(model_id)
    assert model is not None
    return dataclasses.replace(model, **changes)  # type: ignore[arg-type]


def test_cookbook_constants() -> None:
    assert est.TARGET_EPOCHS == 3
    assert est.MIN_TARGET_EXAMPLES == 100
    assert est.MAX_TARGET_EXAMPLES == 25000
    assert est.MIN_DEFAULT_EPOCHS == 1
    assert est.MAX_DEFAULT_EPOCHS == 25


@pytest.mark.parametrize(
    ("examples", "epochs"),
    [
        (0, 0),
        (1, 25),  # 100 // 1 = 100, capped at 25
        (4, 25),
        (5, 20),  # the Cookbook's toy file: 20 epochs
        (10, 10),
        (33, 3),  # 99 < 100 → 100 // 33 = 3
        (34, 3),  # 102 ≥ 100 → the target
        (40, 3),
        (8333, 3),  # 24,999 ≤ 25,000
        (8334, 2),  # 25,002 > 25,000 → 25,000 // 8,334 = 2
        (10000, 2),
        (12501, 1),
        (30000, 1),  # 25,000 // 30,000 = 0, raised to 1
    ],
)
def test_default_epochs(examples: int, epochs: int) -> None:
    assert default_epochs(examples) == epochs


def test_estimate_caps_each_example_and_prices_it() -> None:
    model = _model(training_context=1000, training_price_per_million=5.0)
    result = estimate([100, 999, 1000, 1001, 50_000], model)
    assert result.examples == 5
    assert result.epochs == 20 and result.epochs_automatic
    assert result.billing_tokens_per_epoch == 100 + 999 + 1000 + 1000 + 1000
    assert result.capped_examples == 2
    assert result.trained_tokens == 4099 * 20
    assert result.cost_usd == pytest.approx(4099 * 20 * 5.0 / 1_000_000)
    assert result.price_per_million == 5.0
    assert result.training_context == 1000


def test_cookbook_toy_numbers() -> None:
    """FACTS.md §4.4: 5 examples, ~4306 billed tokens → 20 epochs, ~86120 charged tokens."""
    model = _model("gpt-3.5-turbo-0125")
    result = estimate([1000, 1000, 1000, 1000, 306], model)
    assert (result.billing_tokens_per_epoch, result.epochs, result.trained_tokens) == (
        4306,
        20,
        86120,
    )
    assert result.cost_usd == pytest.approx(86120 * 8 / 1e6)


def test_guide_cost_example() -> None:
    """GUIDE-FT: 100,000 tokens × 3 epochs on gpt-4o-mini ≈ $0.90."""
    result = estimate([1000] * 100, _model("gpt-4o-mini"), epochs=3)
    assert result.trained_tokens == 300_000
    assert result.cost_usd == pytest.approx(0.90)
    assert not result.epochs_automatic


def test_given_epochs_override_the_rule() -> None:
    result = estimate([10] * 5, _model(), epochs=2)
    assert result.epochs == 2 and result.trained_tokens == 100


@pytest.mark.parametrize("epochs", [0, -1, 51])
def test_epochs_out_of_range(epochs: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 50"):
        estimate([10], _model(), epochs=epochs)


def test_no_examples() -> None:
    result = estimate([], _model())
    assert (result.examples, result.epochs, result.trained_tokens, result.cost_usd) == (
        0,
        0,
        0,
        0.0,
    )
    given = estimate([], _model(), epochs=4)
    assert given.trained_tokens == 0 and given.epochs == 4


def test_no_price_and_no_limit() -> None:
    result = estimate([70_000, 10], _model("davinci-002", training_price_per_million=None))
    assert result.cost_usd is None and result.price_per_million is None
    assert result.training_context is None
    assert result.billing_tokens_per_epoch == 70_010 and result.capped_examples == 0


def test_to_json() -> None:
    data = estimate([1000] * 10, _model()).to_json()
    assert data == {
        "examples": 10,
        "epochs": 10,
        "epochs_automatic": True,
        "billing_tokens_per_epoch": 10_000,
        "trained_tokens": 100_000,
        "cost_usd": 0.5,
        "price_per_million": 5.0,
        "capped_examples": 0,
        "training_context": 65536,
        "overtraining": None,
        "suggested_epochs": None,
    }


def test_many_epochs_on_few_examples_warn_and_suggest_a_number() -> None:
    risky = estimate([1000] * 40, _model(), epochs=20)
    assert risky.overtraining is not None and "memorising" in risky.overtraining
    assert risky.suggested_epochs == 3 and "3 epochs would do" in risky.overtraining
    assert risky.to_json()["suggested_epochs"] == 3
    assert estimate([1000] * 40, _model(), epochs=3).overtraining is None
    assert estimate([1000] * 40, _model()).overtraining is None  # automatic: the Cookbook's
    assert estimate([1000] * 5000, _model(), epochs=10).overtraining is not None  # > 3 × 3
    assert estimate([1000] * 5000, _model(), epochs=2).overtraining is None


@given(st.lists(st.integers(min_value=0, max_value=300_000), max_size=50))
def test_each_example_is_capped_at_the_training_context(tokens: list[int]) -> None:
    model = find_model("gpt-4.1-mini-2025-04-14")
    assert model is not None and model.training_context is not None
    limit = model.training_context
    result = estimate(tokens, model, epochs=2)
    assert result.billing_tokens_per_epoch == sum(min(limit, t) for t in tokens)
    assert result.capped_examples == sum(1 for t in tokens if t > limit)
