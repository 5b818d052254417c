"""Providers for the GUI: one per account and address, made on a worker, closed at quit.

`ProviderCache.get()` runs on worker threads (it may read the keyring, which can be slow), so it
is guarded by a lock. Every provider it makes waits between retries on the app's shutdown flag,
so quitting never sits out a retry delay (STYLE.md P14). `PracticeHost` owns the practice server
the app starts on 127.0.0.1 when the person picks practice mode.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import Any

from desktop_app.core.providers.base import Capabilities, Provider
from desktop_app.core.providers.config import OPENAI_FAMILY
from desktop_app.core.providers.errors import OperationCancelled, ProviderError
from desktop_app.core.providers.retry import RetryPolicy
from desktop_app.core.training.job_key import JobKey

__all__ = ["OPENAI_FAMILY", "PracticeHost", "ProviderCache", "capabilities_for", "key_kinds"]

log = logging.getLogger(__name__)


_CLASSES = {
    "openai": ("desktop_app.core.providers.openai_provider", "OpenAIProvider"),
    "azure": ("desktop_app.core.providers.azure", "AzureProvider"),
    "compatible": ("desktop_app.core.providers.compatible", "CompatibleProvider"),
    "practice": ("desktop_app.core.providers.practice", "PracticeProvider"),
    "together": ("desktop_app.core.providers.together", "TogetherProvider"),
    "fireworks": ("desktop_app.core.providers.fireworks", "FireworksProvider"),
    "nebius": ("desktop_app.core.providers.compatible", "NebiusProvider"),
}


def capabilities_for(kind: str) -> Capabilities:
    """What a provider kind offers, without making one (no key needed)."""
    import importlib

    from desktop_app.core.providers.registry import provider_info

    try:
        declared = getattr(provider_info(kind), "capabilities", None)
    except ProviderError:
        declared = None
    if isinstance(declared, Capabilities):
        return declared
    where = _CLASSES.get(kind)
    if where is None:
        return Capabilities()
    found = getattr(importlib.import_module(where[0]), where[1], None)
    capabilities = getattr(found, "capabilities", None)
    return capabilities if isinstance(capabilities, Capabilities) else Capabilities()


def key_kinds() -> list[str]:
    """Providers that need an API key, in the registry's order; those that no longer take new
    jobs last (after 6 January 2027 the keys dialog no longer leads with OpenAI)."""
    from desktop_app.core.models.provider_dates import accepts_new_jobs
    from desktop_app.core.providers.registry import provider_info, provider_kinds

    kinds = [kind for kind in provider_kinds() if provider_info(kind).needs_key]
    return sorted(kinds, key=lambda kind: not accepts_new_jobs(kind))  # stable: ties keep order


def training_kinds() -> list[str]:
    """Providers to offer in the start dialog: practice mode first, then the registry's order."""
    from desktop_app.core.providers.registry import provider_kinds

    kinds = provider_kinds()
    return (["practice"] if "practice" in kinds else []) + [k for k in kinds if k != "practice"]


def provider_label(kind: str) -> str:
    from desktop_app.core.providers.registry import provider_info

    try:
        return provider_info(kind).label
    except ProviderError:  # an unknown kind from an old record: show its name
        return kind


class ProviderCache:
    """Thread-safe providers by (kind, account, base URL)."""

    def __init__(self, *, retry: RetryPolicy | None = None, **options: Any) -> None:
        self._lock = threading.Lock()
        self._providers: dict[tuple[str, str, str], Provider] = {}
        self._closed = threading.Event()
        self._retry = replace(retry or RetryPolicy(), wait=self._wait)
        self._options = options

    def _wait(self, delay: float, cancel: threading.Event | None) -> None:
        """Retry delays end early when the operation is cancelled or the app quits."""
        if cancel is not None:
            cancel.wait(delay)
        else:
            self._closed.wait(delay)
        if self._closed.is_set():
            raise OperationCancelled("The request")

    def get(self, kind: str, account: str, base_url: str = "") -> Provider:
        """The provider for this account (made on first use; the key comes from the keyring)."""
        from desktop_app.core.providers.registry import create_provider

        key = (kind, account, base_url)
        with self._lock:
            if self._closed.is_set():
                raise OperationCancelled("The request")
            found = self._providers.get(key)
            if found is not None:
                return found
            provider = create_provider(
                kind, base_url=base_url or None, account=account, retry=self._retry, **self._options
            )
            self._providers[key] = provider
            return provider

    def for_key(self, key: JobKey) -> Provider:
        return self.get(key.provider, key.account, key.base_url)

    def make(
        self, kind: str, *, base_url: str = "", account: str | None = None, api_key: str | None
    ) -> Provider:
        """A provider with an explicit key (not cached; the caller closes it)."""
        from desktop_app.core.providers.registry import create_provider

        if self._closed.is_set():
            raise OperationCancelled("The request")
        return create_provider(
            kind,
            base_url=base_url or None,
            account=account,
            api_key=api_key,
            retry=self._retry,
            **self._options,
        )

    def forget(self, kind: str, account: str | None = None) -> None:
        """Drop providers of this kind (after its key changed); the next use reads the new key."""
        with self._lock:
            gone = [k for k in self._providers if k[0] == kind and account in (None, k[1])]
            providers = [self._providers.pop(k) for k in gone]
        for provider in providers:
            _close_quietly(provider)

    def stop(self) -> None:
        """Refuse new providers and wake retry waits (requests in flight finish or fail)."""
        self._closed.set()

    def close(self) -> None:
        """Stop, then close every connection (after the workers have finished)."""
        self._closed.set()
        with self._lock:
            providers = list(self._providers.values())
            self._providers.clear()
        for provider in providers:
            _close_quietly(provider)

    @property
    def closed(self) -> bool:
        return self._closed.is_set()


def _close_quietly(provider: Provider) -> None:
    try:
        provider.close()
    except Exception:  # closing must never stop the app from quitting
        log.debug("closing a provider failed", exc_info=True)


class PracticeHost:
    """The practice server for practice mode: started when first needed, stopped at quit.

    A server passed in (tests, or one started by `ftstudio practice-server`) is used as it is and
    left running.
    """

    def __init__(self, *, pace: float = 1.0, server: Any = None) -> None:
        self.pace = pace
        self._server = server
        self._owned = server is None  # a server passed in is its owner's to stop
        self._stopped = False

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        """The server's address (starting it when it is not running yet)."""
        if self._server is None:
            if self._stopped:  # the app is quitting: never start a new server now
                raise OperationCancelled("Practice mode")
            from desktop_app.core.practice_server import PracticeServer

            self._server = PracticeServer(pace=self.pace).start()
            log.info("practice server started at %s", self._server.base_url)
        return str(self._server.base_url)

    @property
    def server(self) -> Any:
        """The running PracticeServer (None before practice mode was first used)."""
        return self._server

    def current_url(self) -> str | None:
        """The address if the server runs, without starting it."""
        return str(self._server.base_url) if self._server is not None else None

    def stop(self) -> None:
        self._stopped = True
        server, self._server = self._server, None
        if server is not None and self._owned:
            server.stop()
