"""The providers the app knows, what each needs, and one function to make one.

    provider = create_provider("openai")                       # key from keyring / environment
    provider = create_provider("azure", base_url="my-resource")  # resource name or endpoint
    provider = create_provider("practice", base_url=server.base_url)

Other providers (Together, Fireworks, …) join with `register_provider`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.providers.base import Provider
from desktop_app.core.providers.errors import MissingKeyError, ProviderError

OPENAI_NO_NEW_JOBS = "2027-01-06"
OPENAI_SHUTDOWN = "2027-01-14"
OPENAI_WIND_DOWN_NOTE = (
    "OpenAI is winding down self-serve fine-tuning: no new jobs from 2027-01-06, and the "
    "gpt-4o / gpt-4.1 families and their fine-tuned models shut down on 2027-01-14."
)


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    kind: str
    label: str  # shown in the provider picker
    needs_key: bool
    needs_base_url: bool
    default_base_url: str = ""
    base_url_hint: str = ""  # placeholder text for the base URL field
    notes: tuple[str, ...] = ()


Factory = Callable[..., Provider]
_PROVIDERS: dict[str, tuple[ProviderInfo, Factory]] = {}


def register_provider(info: ProviderInfo, factory: Factory) -> None:
    """Add a provider; `factory(api_key=..., base_url=..., account=..., **options)`."""
    _PROVIDERS[info.kind] = (info, factory)


def provider_info(kind: str) -> ProviderInfo:
    try:
        return _PROVIDERS[kind][0]
    except KeyError:
        raise ProviderError(
            f"“{kind}” is not a provider the app knows.",
            f"Pick one of: {', '.join(_PROVIDERS)}.",
        ) from None


def provider_kinds() -> list[str]:
    return list(_PROVIDERS)


def default_account(kind: str, base_url: str | None = None) -> str:
    """The account name keys are stored under when the person does not name one."""
    if kind == "practice":
        return "local"
    if kind == "azure" and base_url:
        from desktop_app.core.providers.azure import azure_account, azure_base_url

        return azure_account(azure_base_url(base_url))
    if kind == "compatible" and base_url:
        from desktop_app.core.providers.compatible import compatible_account

        return compatible_account(base_url)
    return "default"


def environment_base_url(kind: str) -> str | None:
    """OPENAI_BASE_URL, as the openai SDK and CLI read it, for the OpenAI-compatible provider
    and for practice mode (there only when it points at this computer: practice data never
    leaves it)."""
    import os
    from urllib.parse import urlsplit

    url = os.environ.get("OPENAI_BASE_URL", "").strip()
    if not url or kind not in ("compatible", "practice"):
        return None
    if kind == "practice" and urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    return url


def create_provider(
    kind: str,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    account: str | None = None,
    **options: Any,
) -> Provider:
    """A ready provider. Without `api_key` the key comes from the keyring or the environment."""
    info = provider_info(kind)
    factory = _PROVIDERS[kind][1]
    base_url = base_url or environment_base_url(kind)
    if info.needs_base_url and not base_url:
        raise ProviderError(
            f"{info.label} needs an address (base URL).",
            f"Enter it in the provider settings (for example {info.base_url_hint}) "
            "or pass --base-url.",
        )
    account = account or default_account(kind, base_url)
    if api_key is None and info.needs_key:
        from desktop_app.core.keys import secrets

        api_key = secrets.get_key(kind, account)
        if not api_key:
            raise MissingKeyError(
                f"There is no API key for {info.label} yet.",
                f"Open Training → Keys and Providers… (or run “ftstudio keys set --provider {kind}"
                + (f" --account {account}" if account != "default" else "")
                + "”) and paste your key.",
            )
    return factory(api_key=api_key, base_url=base_url, account=account, **options)


def _openai(**kwargs: Any) -> Provider:
    from desktop_app.core.providers.openai_provider import OpenAIProvider

    return OpenAIProvider(**kwargs)


def _azure(**kwargs: Any) -> Provider:
    from desktop_app.core.providers.azure import AzureProvider

    return AzureProvider(**kwargs)


def _compatible(**kwargs: Any) -> Provider:
    from desktop_app.core.providers.compatible import CompatibleProvider

    return CompatibleProvider(**kwargs)


def _practice(**kwargs: Any) -> Provider:
    from desktop_app.core.providers.practice import PracticeProvider

    return PracticeProvider(**kwargs)


register_provider(
    ProviderInfo(
        "openai",
        "OpenAI",
        needs_key=True,
        needs_base_url=False,
        default_base_url="https://api.openai.com/v1",
        base_url_hint="https://api.openai.com/v1",
        notes=(OPENAI_WIND_DOWN_NOTE,),
    ),
    _openai,
)
register_provider(
    ProviderInfo(
        "azure",
        "Azure OpenAI",
        needs_key=True,
        needs_base_url=True,
        base_url_hint="my-resource or https://my-resource.openai.azure.com",
        notes=(
            "A fine-tuned model must be deployed in Azure (Azure AI Foundry → Deployments) "
            "before it can answer; chat with it by its deployment name.",
            "Azure has its own retirement dates for fine-tuning, separate from OpenAI's.",
        ),
    ),
    _azure,
)
register_provider(
    ProviderInfo(
        "compatible",
        "OpenAI-compatible service",
        needs_key=True,
        needs_base_url=True,
        base_url_hint="https://api.example.com/v1",
        notes=(
            "Any service that speaks OpenAI's fine-tuning API. OPENAI_BASE_URL and "
            "OPENAI_API_KEY in the environment work here, as for the openai SDK.",
        ),
    ),
    _compatible,
)
register_provider(
    ProviderInfo(
        "practice",
        "Practice mode — nothing leaves this computer",
        needs_key=False,
        needs_base_url=True,
        base_url_hint="http://127.0.0.1:PORT/v1",
        notes=("A simulated job on this computer: no key, no cost, no real model.",),
    ),
    _practice,
)


def _together(**kwargs: Any) -> Provider:
    from desktop_app.core.providers.together import TogetherProvider

    return TogetherProvider(**kwargs)


def _fireworks(**kwargs: Any) -> Provider:
    from desktop_app.core.providers.fireworks import FireworksProvider

    return FireworksProvider(**kwargs)


register_provider(
    ProviderInfo(
        "together",
        "Together AI",
        needs_key=True,
        needs_base_url=False,
        default_base_url="https://api.together.xyz/v1",
        base_url_hint="https://api.together.xyz/v1",
        notes=(
            "Open models (Llama, Qwen, Gemma, …) with LoRA; the same chat and preference data as "
            "OpenAI. Jobs cannot be paused.",
            "A fine-tuned model answers once it runs on a dedicated endpoint (billed per minute) "
            "or after you download it.",
        ),
    ),
    _together,
)
register_provider(
    ProviderInfo(
        "fireworks",
        "Fireworks AI",
        needs_key=True,
        needs_base_url=True,
        base_url_hint="your account ID, e.g. my-account",
        notes=(
            "Open models with LoRA, from the same chat data as OpenAI (at least 3 examples, up to "
            "150 MB here). Jobs cannot be paused, and there are no checkpoints.",
            "A fine-tuned model answers only once it is deployed (billed by the hour).",
        ),
    ),
    _fireworks,
)


def _nebius(**kwargs: Any) -> Provider:
    from desktop_app.core.providers.compatible import NebiusProvider

    return NebiusProvider(**kwargs)


register_provider(
    ProviderInfo(
        "nebius",
        "Nebius Token Factory",
        needs_key=True,
        needs_base_url=False,
        default_base_url="https://api.tokenfactory.nebius.com/v1",
        base_url_hint="https://api.tokenfactory.nebius.com/v1",
        notes=(
            "Open models (Llama, Qwen, Gemma, gpt-oss) through OpenAI's own fine-tuning API. "
            "Every example must end with the assistant's reply; chat examples only.",
            "LoRAs of Llama 3.1 8B and 3.3 70B can answer at once (serverless); others need a "
            "dedicated endpoint.",
        ),
    ),
    _nebius,
)
