"""The models a server on this computer offers (Ollama, LM Studio, llama.cpp, vLLM, mlx_lm and
others all answer OpenAI's `GET /v1/models`), so the writer picks a name instead of guessing
what “ollama list” would have said.

One quick attempt: a server that is not running refuses at once, and the picker says so; the
playground's own requests keep their retries.
"""

from __future__ import annotations

from desktop_app.core.providers.openai_provider import Timeouts
from desktop_app.core.providers.retry import RetryPolicy
from desktop_app.core.trying.endpoints import LOCAL, Endpoint, open_provider

LIST_TIMEOUTS = Timeouts(connect=3.0, read=10.0, write=10.0, pool=3.0)


def local_model_names(base_url: str, preset_key: str = "") -> list[str]:
    """The model names the server at `base_url` lists, in its order (raises ProviderError or
    UserFacingError when it does not answer)."""
    endpoint = Endpoint(LOCAL, "", base_url, preset=preset_key)
    provider = open_provider(endpoint, retry=RetryPolicy(max_attempts=1), timeouts=LIST_TIMEOUTS)
    try:
        names = [model.id for model in provider.list_models()]
    finally:
        provider.close()
    return list(dict.fromkeys(name for name in names if name))
