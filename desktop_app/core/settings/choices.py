"""The names a preference may hold: provider kinds and the default model.

A tiny module on purpose: the settings read it before the first window is painted, and the
modules these names belong to (the checks, the model catalogue) cost tens of milliseconds.
desktop_app.core.providers.registry registers a provider for each kind; the checks have rules
for each; desktop_app.core.models.catalog lists the default model with its facts.
"""

PROVIDERS = ("openai", "azure", "compatible", "practice", "together", "fireworks", "nebius")
DEFAULT_MODEL = "gpt-4.1-mini-2025-04-14"
