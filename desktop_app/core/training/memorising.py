"""Overtraining, seen in the loss curves: the step from which the validation loss keeps rising
while the training loss still falls (the model is starting to memorise its examples)."""

from __future__ import annotations

from collections.abc import Sequence

MIN_LATER_POINTS = 3  # validation points after the lowest one before it counts as "keeps rising"
RISE = 0.15  # the last validation points must average this much (15%) above the lowest one
# (a real turn is large; the noise of validation batches alone is a few percent)
MESSAGE = "From step {step} the model is starting to memorise; fewer epochs would do."


def memorising_step(points: Sequence[tuple[int, float | None, float | None]]) -> int | None:
    """The step of the lowest validation loss when, after it, the validation loss keeps rising
    (every later point above that low, the last clearly so) while the training loss falls.

    `points`: (step, training loss, validation loss) in step order; None where not reported."""
    valid = [(step, loss) for step, _, loss in points if loss is not None]
    if len(valid) < MIN_LATER_POINTS + 2:
        return None
    low_at = min(range(len(valid)), key=lambda i: valid[i][1])
    low_step, low = valid[low_at]
    later = [loss for _, loss in valid[low_at + 1 :]]
    ending = later[-MIN_LATER_POINTS:]
    if len(later) < MIN_LATER_POINTS or sum(ending) / len(ending) < low * (1 + RISE):
        return None
    halves = len(later) // 2
    if sum(later[halves:]) / (len(later) - halves) <= sum(later[:halves] or later) / max(1, halves):
        return None  # not rising on the whole
    train = [(step, loss) for step, loss, _ in points if loss is not None]
    at_low = [loss for step, loss in train if step <= low_step]
    after = [loss for step, loss in train if step > low_step]
    if not at_low or not after or min(after[-3:]) >= at_low[-1]:
        return None  # the training loss is not falling: that is not memorising
    return low_step
