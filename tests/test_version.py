"""The package's version is the one pyproject.toml declares."""

import tomllib
from pathlib import Path

import desktop_app


def test_version_matches_pyproject() -> None:
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    assert desktop_app.__version__ == declared
