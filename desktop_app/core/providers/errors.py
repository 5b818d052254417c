"""Typed errors for everything a provider call can go wrong with, in plain words.

Every class is a `UserFacingError`: `message` says what happened, `next_step` what to do. The Qt
layer and the CLI show those two and nothing else; `technical` (the provider's own words, never
the API key) goes to the details box and the log.

`map_openai_error` turns an exception from the `openai` package into one of these classes.
"""

from __future__ import annotations

import math
from typing import Any

from desktop_app.core.errors import UserFacingError

KEYS_STEP = (
    "Open Training → Keys and Providers… (or run “ftstudio keys set --provider {kind}”) and "
    "paste a new key."
)


class ProviderError(UserFacingError):
    """A provider call failed; subclasses say why."""

    def __init__(
        self,
        message: str,
        next_step: str = "",
        *,
        technical: str = "",
        status: int | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        message = message[:1].upper() + message[1:]  # labels like “the practice server” start some
        super().__init__(message, next_step, technical=technical)
        self.status = status
        self.code = code
        self.param = param


class MissingKeyError(ProviderError):
    """No API key is stored (and none is in the environment)."""


class AuthError(ProviderError):
    """The provider rejected the API key (HTTP 401)."""


class AccessDeniedError(ProviderError):
    """The key is valid but not allowed to do this (HTTP 403)."""


class RateLimitError(ProviderError):
    """Too many requests, or no credit left (HTTP 429). `retry_after` in seconds when known."""

    def __init__(
        self, message: str, next_step: str = "", *, retry_after: float | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, next_step, **kwargs)
        self.retry_after = retry_after


class NetworkError(ProviderError):
    """The provider could not be reached, or the connection broke."""


class RequestTimeoutError(NetworkError):
    """The provider did not answer within the time limit."""


class NotFoundError(ProviderError):
    """The job, file or model does not exist (HTTP 404)."""


class ValidationError(ProviderError):
    """The provider refused the request as invalid (HTTP 400 / 409 / 422)."""


class ServerError(ProviderError):
    """The provider failed on its side (HTTP 5xx)."""


class BadResponseError(ServerError):
    """The provider answered with something that is not the expected JSON."""


class CreateUnconfirmedError(ProviderError):
    """A create was sent, its answer was lost, and the look-up could not tell whether it worked.

    The pending record is kept; the next start of the app or the command line looks again."""

    maybe_created = True

    def __init__(self, what: str = "Starting the job") -> None:
        super().__init__(
            f"{what}: the provider did not confirm it, and the app could not check whether it "
            "was made.",
            "Do not start it again. Finetune Studio checks with the provider the next time it "
            "starts and adds the job to your list if it was made; you can also run "
            "“ftstudio jobs” once the connection is back.",
        )


class NotSupportedError(ProviderError):
    """This provider does not offer the requested feature."""


class OperationCancelled(UserFacingError):
    """The person cancelled the operation (the cancel token was set)."""

    def __init__(self, what: str = "The operation") -> None:
        super().__init__(f"Cancelled: {what[:1].lower()}{what[1:]}.", "Nothing else was changed.")


def wait_phrase(seconds: float) -> str:
    """“12 seconds”, “2 minutes”: how long to wait, rounded up, in words."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


def rate_limit_error(
    provider: str, retry_after: float | None, *, technical: str = "", code: str | None = None
) -> RateLimitError:
    if code == "insufficient_quota":
        return RateLimitError(
            f"{provider} says your account has no credit left (quota exceeded).",
            "Add credit or raise the limit on your provider account's billing page, then try again.",
            technical=technical,
            status=429,
            code=code,
        )
    step = (
        f"Try again in {wait_phrase(retry_after)}."
        if retry_after is not None and retry_after > 0
        else "Wait a minute and try again."
    )
    return RateLimitError(
        f"{provider} is busy (rate limit).",
        step,
        retry_after=retry_after,
        technical=technical,
        status=429,
        code=code,
    )


def retry_after_seconds(headers: Any) -> float | None:
    """Seconds from `retry-after-ms` or `retry-after` (number or HTTP date); None if absent."""
    if headers is None:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    value = headers.get("retry-after")
    if value:
        import email.utils
        import time

        try:
            parsed = email.utils.parsedate_tz(value)
            if parsed is not None:
                return max(0.0, float(email.utils.mktime_tz(parsed) - time.time()))
        except (TypeError, ValueError, OverflowError):
            return None
    return None


def map_openai_error(
    exc: BaseException, *, provider: str, kind: str, what: str = ""
) -> ProviderError:
    """One of the typed errors above for an exception raised by the `openai` package.

    `provider` is the display name ("OpenAI", "Azure OpenAI"), `kind` the registry name used in
    the keys command, `what` names the object of the call ("The job “ftjob-1”") for 404s.
    """
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return RequestTimeoutError(
            f"{provider} did not answer in time.",
            "Try again in a moment. If it keeps happening, check your internet connection.",
            technical=_technical(exc),
        )
    if isinstance(exc, openai.APIConnectionError):
        return NetworkError(
            f"Could not reach {provider}, or the connection broke.",
            "Check your internet connection (and the service's address under Training → Keys and "
            "Providers…), then try again.",
            technical=_technical(exc),
        )
    if isinstance(exc, openai.APIResponseValidationError):
        return _bad_response(provider, exc)
    if isinstance(exc, openai.APIStatusError):
        return _from_status(exc, provider=provider, kind=kind, what=what)
    if isinstance(exc, ValueError | AttributeError | TypeError | KeyError | openai.OpenAIError):
        # A 2xx answer that is not the JSON the protocol says (an HTML page, a truncated body, a
        # list where an object belongs) surfaces as one of these while it is read.
        return _bad_response(provider, exc)
    return ProviderError(
        f"Something went wrong while talking to {provider}.",
        "Try again. If it keeps happening, send the log file (in the log folder) to support.",
        technical=_technical(exc),
    )


def _from_status(exc: Any, *, provider: str, kind: str, what: str) -> ProviderError:
    status = int(exc.status_code)
    body = _error_body(exc.body)
    code = _str_or_none(body.get("code"))
    if code is None and body.get("type") == "insufficient_quota":  # some services say it so
        code = "insufficient_quota"
    param = _str_or_none(body.get("param"))
    said = _str_or_none(body.get("message")) or ""
    technical = f"HTTP {status}: {said}".strip() if said else _technical(exc)
    common: dict[str, Any] = {
        "technical": technical,
        "status": status,
        "code": code,
        "param": param,
    }
    if status == 401:
        return AuthError(
            f"Your API key was rejected by {provider}.", KEYS_STEP.format(kind=kind), **common
        )
    if status == 403:
        return AccessDeniedError(
            f"{provider} refused: {said or 'this key is not allowed to do that'}",
            "Check that your account (or the key's project) is allowed to do this, "
            "or use another provider.",
            **common,
        )
    if status == 404:
        subject = what or "What you asked for"
        return NotFoundError(
            f"{subject} was not found at {provider}.",
            "Check the name, and that you are using the same account it was made with.",
            **common,
        )
    if status == 429:
        return rate_limit_error(
            provider, retry_after_seconds(exc.response.headers), technical=technical, code=code
        )
    if status >= 500:
        return ServerError(
            f"{provider} had a problem on its side (error {status}).",
            "Try again in a few minutes. Nothing was lost.",
            **common,
        )
    return ValidationError(
        f"{provider} refused the request: {said or f'error {status}'}",
        "Check the choices you made (model, file, settings) and try again.",
        **common,
    )


def _bad_response(provider: str, exc: BaseException) -> BadResponseError:
    return BadResponseError(
        f"{provider} sent an answer the app could not read.",
        "Try again in a moment. If it keeps happening, check that the base URL points to an "
        "OpenAI-compatible service.",
        technical=_technical(exc),
    )


def _error_body(body: object) -> dict[str, Any]:
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            return inner
    return {}


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _technical(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
