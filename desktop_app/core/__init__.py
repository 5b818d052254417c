"""The Qt-free core: datasets, checks, tokens, estimates and providers."""
