"""Any service that speaks OpenAI's fine-tuning API at its own base URL (for example Nebius Token
Factory), with its own key. What such a service offers varies, so pausing or resuming where the
service has no such endpoint answers with a plain “may not be offered” instead of a bare 404.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from desktop_app.core.providers.base import Job
from desktop_app.core.providers.errors import NotFoundError, NotSupportedError
from desktop_app.core.providers.openai_provider import OpenAIProvider

NEBIUS_BASE_URL = "https://api.tokenfactory.nebius.com/v1"


def compatible_account(base_url: str) -> str:
    """The host (“api.example.com”) names the account in the keyring by default."""
    return urlsplit(base_url).netloc or base_url


class CompatibleProvider(OpenAIProvider):
    kind = "compatible"
    label = "OpenAI-compatible service"

    def __init__(self, *, api_key: str, base_url: str | None = None, **kwargs: object) -> None:
        if not base_url:
            raise ValueError("an OpenAI-compatible provider needs a base URL")
        super().__init__(api_key=api_key, base_url=base_url, **kwargs)  # type: ignore[arg-type]
        host = urlsplit(self.base_url).netloc
        if host:
            self.label = f"the service at {host}"

    def pause_job(self, job_id: str) -> Job:
        return self._feature("Pausing jobs", lambda: OpenAIProvider.pause_job(self, job_id))

    def resume_job(self, job_id: str) -> Job:
        return self._feature("Resuming jobs", lambda: OpenAIProvider.resume_job(self, job_id))

    def _feature(self, feature: str, call: Callable[[], Job]) -> Job:
        try:
            return call()
        except NotFoundError as exc:
            if exc.code:  # the service knows the endpoint and named what is missing (the job)
                raise
            raise NotSupportedError(
                f"{feature} may not be offered by {self.label}.",
                "Check the service's documentation; the job itself is not affected.",
                technical=exc.technical,
                status=exc.status,
            ) from exc


class NebiusProvider(CompatibleProvider):
    """Nebius Token Factory: the OpenAI-compatible provider with Nebius's address and name.

    Its own data rule (every conversation ends with the assistant's reply) lives with the other
    provider rules (core.checks.provider_rules)."""

    kind = "nebius"

    def __init__(self, *, api_key: str, base_url: str | None = None, **kwargs: object) -> None:
        super().__init__(api_key=api_key, base_url=base_url or NEBIUS_BASE_URL, **kwargs)
        self.label = "Nebius Token Factory"
