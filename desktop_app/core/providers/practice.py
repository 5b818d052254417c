"""Practice mode: the same provider code, pointed at a practice server on this computer.

No key is needed (a fixed placeholder is sent, since the server wants a bearer token) and nothing
leaves the computer. `PracticeSession` starts a server in this process and gives a provider for
it; the app and `ftstudio train --provider practice` use it when no server URL is given.
"""

from __future__ import annotations

from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.providers.errors import NetworkError, ProviderError
from desktop_app.core.providers.openai_provider import OpenAIProvider, Timeouts
from desktop_app.core.providers.retry import RetryPolicy

PRACTICE_KEY = "practice-mode-no-key-needed"
PRACTICE_LABEL = "Practice mode — nothing leaves this computer"


class PracticeProvider(OpenAIProvider):
    kind = "practice"
    label = "the practice server"

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None = None,
        account: str = "local",
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key or PRACTICE_KEY,
            base_url=base_url,
            account=account,
            timeouts=timeouts,
            retry=retry,
        )

    def check_connection(self) -> str:
        self.list_jobs(limit=1)
        return "The practice server is running (no key needed)."

    def map_error(self, exc: BaseException, what: str) -> ProviderError:
        error = super().map_error(exc, what)
        if type(error) is NetworkError and _refused(exc):
            return NetworkError(
                "The practice server is not running (it only lives while the app or the "
                "“ftstudio practice-server” command that started it is open).",
                "Start practice mode again. Practice jobs end when their server stops.",
                technical=error.technical,
            )
        return error


def _refused(exc: BaseException) -> bool:
    """True when nothing listens at the address (as opposed to a connection that broke)."""
    import httpx2

    return isinstance(exc.__cause__, httpx2.ConnectError)


class PracticeSession:
    """A practice server running in this process plus a provider for it. Close it when done."""

    def __init__(self, *, pace: float = 1.0, retry: RetryPolicy | None = None) -> None:
        self.server = PracticeServer(pace=pace).start()
        self.provider = PracticeProvider(base_url=self.server.base_url, retry=retry)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def close(self) -> None:
        self.provider.close()
        self.server.stop()

    def __enter__(self) -> PracticeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
