"""Finetune Studio: curate, check and train chat fine-tuning datasets."""

# Kept equal to pyproject.toml's version by tests/test_version.py (reading package metadata
# at start-up would cost ~30 ms).
__version__ = "0.1.0"
