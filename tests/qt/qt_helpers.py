"""Helpers shared by the Qt adapter tests."""

from __future__ import annotations


def checked(store) -> bool:
    """Every line of the store's dataset has its check result."""
    return store.enabled and not store.checking and store.checked_count == len(store.summaries)
