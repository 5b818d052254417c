"""Overtraining: the estimate warns before, the loss curves show it during training."""

from __future__ import annotations

import math

from desktop_app.core.training.memorising import memorising_step


def curve(turn: float | None, steps: int = 60) -> list[tuple[int, float, float | None]]:
    points = []
    for step in range(1, steps + 1):
        progress = step / steps
        train = 0.3 + 2.0 * math.exp(-4 * progress)
        valid = train * 1.08 + 0.05
        if turn is not None and progress > turn:
            valid += 1.5 * (progress - turn)
        points.append((step, train, valid if step % 3 == 0 else None))
    return points


def test_the_step_where_validation_loss_turns_up_is_marked() -> None:
    step = memorising_step(curve(0.5))
    assert step is not None and 27 <= step <= 33


def test_healthy_and_short_runs_are_not_marked() -> None:
    assert memorising_step(curve(None)) is None
    assert memorising_step(curve(0.5)[:12]) is None  # too few points to tell
    no_validation = [(s, t, None) for s, t, _ in curve(0.5)]
    assert memorising_step(no_validation) is None


def test_rising_validation_with_flat_training_is_not_memorising() -> None:
    flat = [(s, 1.0, v) for s, _, v in curve(0.5)]
    assert memorising_step(flat) is None
