"""The provider kinds the app knows, as plain names (a tiny module: settings read it at startup).

desktop_app.core.providers.registry registers a provider for each; the checks have rules for each.
"""

PROVIDERS = ("openai", "azure", "compatible", "practice", "together", "fireworks")
