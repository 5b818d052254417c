"""The base models the practice server offers, read from the app's model data file."""

from __future__ import annotations

from typing import Any

from desktop_app.core.models.catalog import ModelInfo, load_models

_CREATED = 1721172741  # a fixed, plausible “created” time for every base model


def _available() -> list[ModelInfo]:
    return [m for m in load_models().models if m.provider == "openai" and m.status == "available"]


def base_models() -> list[dict[str, Any]]:
    return [
        {
            "id": model.id,
            "object": "model",
            "created": _CREATED,
            "owned_by": "system",
            "shutdown_date": model.shutdown_date.isoformat() if model.shutdown_date else None,
        }
        for model in _available()
    ]


def find_base_model(name: str) -> str | None:
    """The listed id for a base model name or alias the practice server offers; None otherwise."""
    wanted = name.strip().lower()
    for model in _available():
        if wanted == model.id.lower() or wanted in (a.lower() for a in model.aliases):
            return model.id
    return None


def resolve_base_model(name: str, method: str, tuned: dict[str, Any]) -> str:
    """The model a new job trains: a listed base model, or one of this server's tuned models."""
    from desktop_app.core.practice_server.api import ApiError

    if name in tuned:
        return name
    found = find_base_model(name)
    if found is None:
        raise ApiError(
            400,
            f"Model {name} is not available for fine-tuning or does not exist.",
            param="model",
            code="model_not_available",
        )
    info = next(m for m in _available() if m.id == found)
    if not info.supports(method):
        raise ApiError(
            400,
            f"Model {found} does not support the {method} training method.",
            param="method",
            code="invalid_method",
        )
    return found
