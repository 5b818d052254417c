"""Where the bundled resources live, in a source checkout, an installed wheel and a frozen bundle.

The top-level `resources/` folder is installed as `desktop_app/resources` (see pyproject.toml) and
copied there by the PyInstaller spec, so one lookup order serves every layout.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent


@cache
def resources_dir() -> Path:
    """The folder holding models.json, tiktoken/, icons/ and samples/."""
    for candidate in (_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent / "resources"):
        if (candidate / "models.json").is_file() or (candidate / "tiktoken").is_dir():
            return candidate
    raise FileNotFoundError(
        "The app's resources folder is missing; please reinstall Finetune Studio."
    )


def resource(*parts: str) -> Path:
    """A file inside the resources folder."""
    return resources_dir().joinpath(*parts)


def docs_file(name: str) -> Path:
    """A file of the user documentation (docs/): installed as desktop_app/docs by the wheel and
    the bundle, the top-level docs/ folder in a source checkout."""
    for folder in (_PACKAGE_DIR / "docs", _PACKAGE_DIR.parent / "docs"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"The help file {name} is missing; please reinstall Finetune Studio.")
