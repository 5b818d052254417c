"""Bounded, cancellable retries around one provider request.

The `openai` client is built with `max_retries=0`; this loop retries instead, so that a wait can
be cancelled (the cancel token wakes it), a long `retry-after` turns into a plain “try again in N
seconds” instead of a frozen worker, and a retried create can first look for the job it may
already have made (`recover`).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from desktop_app.core.providers.errors import (
    NetworkError,
    OperationCancelled,
    ProviderError,
    RateLimitError,
    ServerError,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
Waiter = Callable[[float, "threading.Event | None"], None]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry. `wait` replaces the sleep (tests record the delays)."""

    max_attempts: int = 3  # requests in total, the first one included
    base_delay: float = 0.5  # seconds before the first retry; doubles each time
    max_delay: float = 8.0
    max_retry_after: float = 30.0  # a longer server-requested wait is reported, not waited out
    wait: Waiter | None = None


def is_retryable(error: ProviderError) -> bool:
    if isinstance(error, RateLimitError):
        return error.code != "insufficient_quota"
    if isinstance(error, NetworkError | ServerError):
        return True
    return error.status in (408, 409)


def call_with_retries(
    attempt: Callable[[], T],
    *,
    to_error: Callable[[BaseException], ProviderError],
    policy: RetryPolicy,
    cancel: threading.Event | None = None,
    what: str = "The request",
    recover: Callable[[], T | None] | None = None,
) -> T:
    """Run `attempt` until it succeeds, fails for good, or `cancel` is set.

    `to_error` maps a raised exception to a ProviderError. `recover`, when given, runs before
    every retry and after the last failed attempt: if it finds the result the failed request may
    have produced anyway (a job created before the connection dropped), that result is returned.
    """
    tries = 0
    while True:
        _check(cancel, what)
        tries += 1
        try:
            return attempt()
        except OperationCancelled:
            raise
        except Exception as exc:
            _check(cancel, what)
            error = to_error(exc)
            retry = is_retryable(error)
            delay = _delay(error, tries, policy) if retry else None
            if not retry or tries >= policy.max_attempts or delay is None:
                if retry and recover is not None:
                    found = _try_recover(recover)
                    if found is not None:
                        return found
                raise error from exc
            log.info("%s failed (%s); retry %d in %.2f s", what, type(error).__name__, tries, delay)
        _wait(policy, delay, cancel)
        _check(cancel, what)
        if recover is not None:
            found = _try_recover(recover)
            if found is not None:
                return found


def _delay(error: ProviderError, tries: int, policy: RetryPolicy) -> float | None:
    """Seconds to wait before the next try; None when the server asks for more than we wait."""
    retry_after = error.retry_after if isinstance(error, RateLimitError) else None
    if retry_after is not None:
        return retry_after if retry_after <= policy.max_retry_after else None
    backoff = min(policy.base_delay * 2.0 ** (tries - 1), policy.max_delay)
    return backoff * (1 - 0.25 * random.random())


def _wait(policy: RetryPolicy, delay: float, cancel: threading.Event | None) -> None:
    if policy.wait is not None:
        policy.wait(delay, cancel)
    elif cancel is not None:
        cancel.wait(delay)
    else:
        threading.Event().wait(delay)


def _try_recover(recover: Callable[[], T | None]) -> T | None:
    try:
        return recover()
    except ProviderError as exc:
        log.info("could not check for an earlier result: %s", type(exc).__name__)
        return None


def _check(cancel: threading.Event | None, what: str) -> None:
    if cancel is not None and cancel.is_set():
        raise OperationCancelled(what)
