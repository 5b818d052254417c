"""Provider addresses the person chose (Azure endpoint, compatible base URL), never a key.

Kept as JSON in the config folder (providers.json), written atomically. Only addresses and the
last choices of the start dialog are stored here; keys live in the keyring (core.keys.secrets). A
value that looks like a key is refused, so a key pasted into the wrong field never lands on disk.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop_app.core.errors import UserFacingError
from desktop_app.core.files.atomic import write_atomic
from desktop_app.core.files.folders import config_dir
from desktop_app.core.keys.scrub import looks_like_key

log = logging.getLogger(__name__)

FILE_NAME = "providers.json"
OPENAI_FAMILY = frozenset({"openai", "azure", "practice"})  # trained on models.json models
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    base_urls: dict[str, str] = field(default_factory=dict)  # kind → address (azure, compatible)
    last_provider: str = "practice"
    last_model: str = ""

    def base_url(self, kind: str) -> str:
        return self.base_urls.get(kind, "")

    def with_base_url(self, kind: str, url: str) -> ProviderConfig:
        check_not_a_key(url)
        urls = dict(self.base_urls)
        if url.strip():
            urls[kind] = url.strip()
        else:
            urls.pop(kind, None)
        return replace(self, base_urls=urls)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "base_urls": dict(self.base_urls),
            "last_provider": self.last_provider,
            "last_model": self.last_model,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProviderConfig:
        urls = data.get("base_urls")
        clean = (
            {str(k): str(v) for k, v in urls.items() if isinstance(v, str)}
            if isinstance(urls, dict)
            else {}
        )
        last = data.get("last_provider")
        model = data.get("last_model")
        return cls(
            base_urls=clean,
            last_provider=last if isinstance(last, str) and last else "practice",
            last_model=model if isinstance(model, str) else "",
        )


def check_not_a_key(text: str) -> None:
    """Refuse text that looks like an API key (it belongs in the key field, not the address)."""
    if looks_like_key(text):
        raise UserFacingError(
            "That looks like an API key, not an address.",
            "Paste the key into the key field; the address is a URL such as "
            "https://my-resource.openai.azure.com.",
        )


def config_path() -> Path:
    return config_dir() / FILE_NAME


def load_config(path: Path | None = None) -> ProviderConfig:
    path = path or config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ProviderConfig()
    except (OSError, ValueError):
        log.warning("provider settings in %s could not be read; using defaults", path)
        return ProviderConfig()
    return ProviderConfig.from_json(data) if isinstance(data, dict) else ProviderConfig()


def save_config(config: ProviderConfig, path: Path | None = None) -> None:
    for url in config.base_urls.values():
        check_not_a_key(url)
    text = json.dumps(config.to_json(), indent=2, ensure_ascii=False) + "\n"
    write_atomic(path or config_path(), [text.encode("utf-8")])
