"""The one secret scrubber: every text that leaves the process passes `scrub()` first.

Log lines (a logging filter on every handler the app installs), crash reports, error messages on
screen and on stderr (`UserFacingError` scrubs its own texts), CSV and JSON the app writes, and
notes. It removes, in this order:

1. the active keys, exactly, whatever their shape (`remember_key()` is called by core.keys.secrets for
   every key it hands out, and by providers for the key they were built with);
2. anything that looks like a key: prefixed keys (sk-…, sess-…, fw_…, tgp_…), the value of an
   Authorization / api-key header or key=value pair, a bearer token, and a bare 32-hex key (Azure; longer hashes such as SHA-256 stay).

No dependencies and no Qt: core.errors imports it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

HIDDEN = "[hidden]"
_MIN_SECRET = 6  # shorter "keys" would hide ordinary words

# The one pattern for key-shaped text. Groups 1-2 keep the label ("api_key=", "Authorization: ").
_KEY_SHAPES = re.compile(
    r"(?i)\b(authorization|api[-_]?key|x-api-key|[a-z_]*_api_key)(\s*[:=]\s*)(?:bearer\s+)?['\"]?[^\s'\",}]+"
    r"|\bbearer\s+[A-Za-z0-9._~+/\-]{8,}=*"
    r"|\b(?:sk|sess|fw|tgp|rk|pk)[-_][A-Za-z0-9_\-]{8,}"
    r"|\b[0-9a-fA-F]{32}\b"
)

_active: set[str] = set()
_active_lock = threading.Lock()


def remember_key(key: str | None) -> None:
    """Hide this exact key from now on, whatever its shape (until the process ends)."""
    if key and len(key.strip()) >= _MIN_SECRET:
        with _active_lock:
            _active.add(key.strip())


def forget_keys() -> None:
    """Forget every remembered key (tests)."""
    with _active_lock:
        _active.clear()


def active_keys() -> list[str]:
    with _active_lock:
        return sorted(_active, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """text without the active keys, the given `secrets`, and anything that looks like a key."""
    if not text:
        return text
    extra = [s for s in secrets if s and len(s) >= 4]
    for secret in sorted({*active_keys(), *extra}, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, HIDDEN)
    return _KEY_SHAPES.sub(_replacement, text)


def looks_like_key(text: str) -> bool:
    """True when the text holds something key-shaped (or an active key)."""
    return scrub(text) != text


def scrub_value(value: Any) -> Any:
    """A JSON-ready value with every string in it scrubbed (for JSON and CSV the app writes).

    A report of a big file holds hundreds of thousands of strings, most of them repeated (codes,
    messages, keys): each distinct one is scrubbed once."""
    return _scrub_value(value, {})


def _scrub_value(value: Any, done: dict[str, str]) -> Any:
    if isinstance(value, str):
        clean = done.get(value)
        if clean is None:
            clean = done[value] = scrub(value)
        return clean
    if isinstance(value, dict):
        return {_scrub_value(k, done): _scrub_value(v, done) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_value(v, done) for v in value]
    return value


def _replacement(match: re.Match[str]) -> str:
    if match.group(1) is not None:  # keep "api_key=" / "Authorization: "
        return f"{match.group(1)}{match.group(2)}{HIDDEN}"
    return HIDDEN


class ScrubFilter(logging.Filter):
    """A logging filter that scrubs the final text of every record (message, args, traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must still be logged, scrubbed
            message = str(record.msg)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = scrub(message)
        record.args = None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


_factory_installed = False


def install_log_scrubbing() -> None:
    """Scrub every log record as it is made, whichever handler gets it (once per process)."""
    global _factory_installed
    if _factory_installed:
        return
    _factory_installed = True
    make = logging.getLogRecordFactory()

    def scrubbed_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        if record.args or isinstance(record.msg, str):
            _SCRUB_FILTER.filter(record)
        return record

    logging.setLogRecordFactory(scrubbed_record)


def scrubbed_handler(handler: logging.Handler) -> logging.Handler:
    """The handler, with the scrub filter added once."""
    if not any(isinstance(f, ScrubFilter) for f in handler.filters):
        handler.addFilter(ScrubFilter())
    return handler


_SCRUB_FILTER = ScrubFilter()
