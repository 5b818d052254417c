"""Azure OpenAI (Microsoft Foundry) through its v1 API, which speaks OpenAI's API under /openai/v1/.

Configure it with the resource name (“my-resource”) or its endpoint URL; the key goes in the
`api-key` header Azure documents (and as the bearer token Microsoft's own examples send). Azure
wants training files in UTF-8 with a byte-order mark, so uploads get one. A tuned model must be
deployed in Azure before it can answer chat requests; the model name to chat with is the
deployment's name.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from desktop_app.core.providers.base import Capabilities
from desktop_app.core.providers.errors import NotFoundError, ProviderError
from desktop_app.core.providers.openai_provider import OpenAIProvider

UTF8_BOM = b"\xef\xbb\xbf"
DEPLOY_NOTE = (
    "On Azure, a fine-tuned model must be deployed (Azure AI Foundry → Deployments) before it can "
    "answer; chat with it by its deployment name."
)


def azure_base_url(resource_or_url: str) -> str:
    """https://RESOURCE.openai.azure.com/openai/v1 from a resource name or any endpoint URL."""
    value = resource_or_url.strip().rstrip("/")
    if not value:
        raise ValueError("an Azure resource name or endpoint is needed")
    if "://" not in value:
        return f"https://{value}.openai.azure.com/openai/v1"
    parts = urlsplit(value)
    path = parts.path.rstrip("/")
    if path.endswith("/openai/v1"):
        pass
    elif path.endswith("/openai"):
        path += "/v1"
    else:
        path += "/openai/v1"
    return f"{parts.scheme}://{parts.netloc}{path}"


def azure_account(base_url: str) -> str:
    """The resource name (“my-resource”) that names the account in the keyring."""
    host = urlsplit(base_url).hostname or base_url
    return host.split(".")[0] if host.endswith(".azure.com") else host


class AzureProvider(OpenAIProvider):
    kind = "azure"
    label = "Azure OpenAI"
    capabilities = Capabilities(needs_deployment=True)
    upload_prefix = UTF8_BOM
    deploy_note = DEPLOY_NOTE

    def __init__(self, *, api_key: str, base_url: str | None = None, **kwargs: object) -> None:
        if not base_url:
            raise ValueError("Azure needs the resource name or endpoint")
        super().__init__(api_key=api_key, base_url=azure_base_url(base_url), **kwargs)  # type: ignore[arg-type]

    def extra_headers(self) -> dict[str, str]:
        return {"api-key": self._api_key}

    def map_error(self, exc: BaseException, what: str) -> ProviderError:
        error = super().map_error(exc, what)
        if isinstance(error, NotFoundError) and what.startswith("The model"):
            return NotFoundError(
                f"{what} is not deployed on your Azure resource.",
                DEPLOY_NOTE,
                technical=error.technical,
                status=error.status,
                code=error.code,
            )
        return error
