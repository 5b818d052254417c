"""Bounded, cancellable retries around one provider request, and the exactly-once create.

The `openai` client is built with `max_retries=0`; this loop retries instead, so that a wait can
be cancelled (the cancel token wakes it) and a long `retry-after` turns into a plain “try again in
N seconds” instead of a frozen worker.

`call_with_retries` is for requests that are safe to repeat (reads, uploads sent with the same
idempotency key). `create_exactly_once` is for a paid create: after an answer that leaves it
unknown whether the job was made (a dropped connection, a 5xx, an unreadable 200), it never sends
the create again until a look-up by the client token has answered “there is no such job”; when
the look-up itself keeps failing it gives up with `CreateUnconfirmedError`, and the pending
record stays for the next start to resolve.

Answers that can never change (400, 401, 403, 404, 422, and a 429 `insufficient_quota`) are
final: the request is sent exactly once.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from desktop_app.core.providers.errors import (
    CreateUnconfirmedError,
    NetworkError,
    OperationCancelled,
    ProviderError,
    RateLimitError,
    ServerError,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
E = TypeVar("E", bound=Exception)
Waiter = Callable[[float, "threading.Event | None"], None]
# The cancel token of the create whose lost answer is being looked up: the look-up's own reads
# (a provider's list_jobs/get_job, retried by call_with_retries) take no token, so they find it
# here, and Cancel does not wait out their retries. Per thread, as every ContextVar.
_look_up_cancel: ContextVar[threading.Event | None] = ContextVar("look_up_cancel", default=None)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry. `wait` replaces the sleep (tests record the delays)."""

    max_attempts: int = 3  # requests in total, the first one included
    base_delay: float = 0.5  # seconds before the first retry; doubles each time
    max_delay: float = 8.0
    max_retry_after: float = 30.0  # a longer server-requested wait is reported, not waited out
    wait: Waiter | None = None


FINAL_STATUSES = frozenset({400, 401, 403, 404, 422})


def is_retryable(error: ProviderError) -> bool:
    """True when the same request may succeed later; never for answers that cannot change."""
    if isinstance(error, CreateUnconfirmedError):
        return False
    if isinstance(error, RateLimitError):
        return error.code != "insufficient_quota"
    if error.status in FINAL_STATUSES:
        return False
    if isinstance(error, NetworkError | ServerError):  # BadResponseError (non-JSON 200) included
        return True
    return error.status in (408, 409)


def outcome_unknown(error: ProviderError) -> bool:
    """True when a create that failed this way may still have made something on the server."""
    return is_retryable(error) and not isinstance(error, RateLimitError)


def call_with_retries(
    attempt: Callable[[], T],
    *,
    to_error: Callable[[BaseException], ProviderError],
    policy: RetryPolicy,
    cancel: threading.Event | None = None,
    what: str = "The request",
) -> T:
    """Run `attempt` until it succeeds, fails for good, or `cancel` is set.

    `to_error` maps a raised exception to a ProviderError. Only for requests that are safe to
    send again; a paid create goes through `create_exactly_once`.
    """
    if cancel is None:
        cancel = _look_up_cancel.get()
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
                raise error from exc
            log.info("%s failed (%s); retry %d in %.2f s", what, type(error).__name__, tries, delay)
        _wait(policy, delay, cancel)
        _check(cancel, what)


def create_exactly_once(
    attempt: Callable[[], T],
    *,
    look_up: Callable[[], T | None],
    to_error: Callable[[BaseException], ProviderError],
    policy: RetryPolicy,
    cancel: threading.Event | None = None,
    what: str = "The request",
) -> T:
    """Send a create; after an unknown outcome, look it up (with backoff) before ever resending.

    `look_up` returns what the lost create made, None when the server says it made nothing, and
    raises ProviderError when it cannot tell. Raises `CreateUnconfirmedError` (with
    `maybe_created`) when the outcome stays unknown; any other error leaves `maybe_created` set
    when an earlier attempt may have made something.
    """
    uncertain = False
    sends = 0
    while True:
        _check_maybe(cancel, what, uncertain)
        sends += 1
        try:
            return attempt()
        except OperationCancelled:
            raise _marked(OperationCancelled(what), uncertain) from None
        except Exception as exc:
            error = to_error(exc)
            if not is_retryable(error):
                raise _marked(error, uncertain) from exc
            if not outcome_unknown(error):  # a rate limit: nothing was made, send again later
                delay = _delay(error, sends, policy)
                if sends >= policy.max_attempts or delay is None:
                    raise _marked(error, uncertain) from exc
                _wait(policy, delay, cancel)
                continue
            uncertain = True
            log.info("%s: the answer was lost (%s); looking it up", what, type(error).__name__)
            last = error
        found, answered = _look_up_with_backoff(look_up, policy, cancel, what)
        if found is not None:
            return found
        if not answered:
            raise CreateUnconfirmedError(what)
        uncertain = False  # the server said it has nothing: sending again is safe
        if sends >= policy.max_attempts:
            raise _marked(last, False)  # the last trouble, and for sure nothing was made


def _look_up_with_backoff(
    look_up: Callable[[], T | None],
    policy: RetryPolicy,
    cancel: threading.Event | None,
    what: str,
) -> tuple[T | None, bool]:
    """(what the look-up found, whether it answered at all), trying up to max_attempts times."""
    for tries in range(1, policy.max_attempts + 1):
        delay = min(policy.base_delay * 2.0 ** (tries - 1), policy.max_delay)
        _wait(policy, delay, cancel)
        _check_maybe(cancel, what, True)
        entered = _look_up_cancel.set(cancel)
        try:
            return look_up(), True
        except ProviderError as exc:
            log.info("%s: the look-up failed too (%s)", what, type(exc).__name__)
        except OperationCancelled:  # cancelled inside the look-up: the create may still exist
            raise _marked(OperationCancelled(what), True) from None
        finally:
            _look_up_cancel.reset(entered)
    return None, False


def _marked(error: E, maybe_created: bool) -> E:
    error.maybe_created = maybe_created  # type: ignore[attr-defined]
    return error


def _check_maybe(cancel: threading.Event | None, what: str, uncertain: bool) -> None:
    if cancel is not None and cancel.is_set():
        raise _marked(OperationCancelled(what), uncertain)


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


def _check(cancel: threading.Event | None, what: str) -> None:
    if cancel is not None and cancel.is_set():
        raise OperationCancelled(what)
