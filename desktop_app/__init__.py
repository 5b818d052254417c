"""Finetune Studio: curate, check and train chat fine-tuning datasets."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("finetune-studio")
except PackageNotFoundError:  # running from a source checkout that was never installed
    __version__ = "0.1.0"
