"""Finetune Studio: curate, check and train chat fine-tuning datasets."""

from __future__ import annotations

from functools import cache

_FALLBACK_VERSION = "0.1.0"  # a source checkout that was never installed


@cache
def _version() -> str:
    # importlib.metadata costs ~0.1 s at import, so it is read only when someone asks.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("finetune-studio")
    except PackageNotFoundError:
        return _FALLBACK_VERSION


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(name)
