"""Helpers shared by the Qt adapter tests."""

from __future__ import annotations


def checked(store) -> bool:
    """Every line of the store's dataset has its check result, edits included."""
    return (
        store.enabled
        and not store.checking
        and not store.rechecking
        and store.checked_count == len(store.summaries)
    )
