"""A stand-in for torchaudio, used only by scripts/check-exports.sh when the real one cannot load.

PyPI has no CPU build of torchaudio for Linux (its builds need CUDA libraries), and LLaMA-Factory
imports torchaudio when it starts, to read audio data. The check trains on text only, so this
empty module lets LLaMA-Factory start; any use of it says why it is here.
"""


def __getattr__(name: str) -> object:
    raise ImportError(
        f"torchaudio.{name}: this is check-exports.sh's stand-in (no CPU torchaudio on PyPI); "
        "the check trains on text only"
    )
