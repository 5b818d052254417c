"""The example editor (conversation bubbles and raw JSON)."""
