"""A retry waiter for provider tests: it records the delays asked for instead of sleeping them."""

from __future__ import annotations


class Waits(list[float]):
    """Pass as `RetryPolicy(wait=...)`; the test reads the delays afterwards."""

    def __call__(self, delay: float, cancel: object) -> None:
        self.append(delay)
