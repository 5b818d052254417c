"""API keys in the system's password store, and the one scrubber that hides them."""
