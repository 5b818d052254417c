"""An installed wheel carries its resources and counts tokens with no network."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("finetune_studio-*.whl")
    return built


def test_wheel_holds_the_resources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "desktop_app/resources/models.json",
        "desktop_app/resources/tiktoken/o200k_base.tiktoken.gz",
        "desktop_app/resources/tiktoken/cl100k_base.tiktoken.gz",
        "desktop_app/core/dataset/records.py",
        "desktop_app/docs/glossary.md",
        "desktop_app/docs/user-guide.md",
    ):
        assert required in names


def test_installed_wheel_counts_tokens_without_network(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "import desktop_app, desktop_app.core.files.resources as paths\n"
        f"assert desktop_app.__file__.startswith({str(target)!r}), desktop_app.__file__\n"
        "from desktop_app.core.tokens.counts import TokenCounter\n"
        "print(TokenCounter('gpt-4o-mini').count_text('hello world'), paths.resources_dir())\n"
    )
    env = {
        "PYTHONPATH": str(target),
        "PATH": "/usr/bin:/bin",
        "TIKTOKEN_CACHE_DIR": str(tmp_path / "none"),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            code.replace(
                "import socket",
                "import sys; sys.path.insert(0, " + repr(str(target)) + ")\nimport socket",
            ),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    count, where = result.stdout.split()
    assert count == "2"
    assert where == str(target / "desktop_app" / "resources")
