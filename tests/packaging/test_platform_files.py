"""The per-OS files in packaging/: icons, Windows version resource, Linux desktop entry and
AppStream metadata, and the licences the About box lists."""

from __future__ import annotations

import ast
import configparser
import json
import struct
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ICONS = PACKAGING / "icons"
APP_ID = "org.finetunestudio.FinetuneStudio"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
sys.path.insert(0, str(PACKAGING))

import make_icons  # noqa: E402
import version_info  # noqa: E402


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC)
    return struct.unpack(">II", data[16:24])


def test_linux_pngs_have_their_sizes(qapp) -> None:
    for size in make_icons.LINUX_SIZES:
        image = QImage(str(ICONS / f"finetune-studio-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() == 255  # the logo is drawn


def test_ico_holds_png_images_of_every_size() -> None:
    data = (ICONS / "finetune-studio.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    sizes = []
    for i in range(count):
        width, height, _c, _r, planes, bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        payload = data[offset : offset + length]
        assert png_size(payload) == ((width or 256), (height or 256))
        assert (planes, bits) == (1, 32)
        sizes.append(width or 256)
    assert sorted(sizes) == sorted(make_icons.ICO_SIZES)


def test_icns_container_is_well_formed() -> None:
    data = (ICONS / "finetune-studio.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    offset, kinds = 8, {}
    while offset < len(data):
        kind, length = (
            data[offset : offset + 4],
            struct.unpack(">I", data[offset + 4 : offset + 8])[0],
        )
        kinds[kind] = png_size(data[offset + 8 : offset + length])
        offset += length
    assert offset == len(data)
    assert kinds == {kind: (size, size) for kind, size in make_icons.ICNS_TYPES}


def test_make_icons_writers_round_trip() -> None:
    tiny = {16: PNG_MAGIC + b"\0\0\0\rIHDR" + struct.pack(">II", 16, 16) + b"rest"}
    ico = make_icons.ico_bytes(tiny)
    assert ico[:6] == struct.pack("<HHH", 0, 1, 1) and ico.endswith(tiny[16])


def test_version_info_is_generated_from_the_version(tmp_path: Path) -> None:
    assert version_info.version_tuple("1.2.3") == (1, 2, 3, 0)
    assert version_info.version_tuple("2.0rc1") == (2, 0, 0, 0)
    assert version_info.version_tuple("0.1.0+local.5") == (0, 1, 0, 0)
    path = version_info.write_version_info(project_version(), tmp_path / "v.txt")
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)  # PyInstaller evaluates this text as a Python expression
    call = tree.body[0].value  # type: ignore[attr-defined]
    assert call.func.id == "VSVersionInfo"
    numbers = version_info.version_tuple(project_version())
    assert f"filevers={numbers}" in text and f"'FileVersion', '{project_version()}'" in text
    assert text.isascii()


def test_desktop_entry() -> None:
    path = PACKAGING / "linux" / f"{APP_ID}.desktop"
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Name"] == "Finetune Studio"
    assert entry["Exec"].split()[0] == "finetune-studio"
    assert (ICONS / f"{entry['Icon']}-256.png").is_file()
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")


def test_appstream_metadata_matches_the_app() -> None:
    root = ET.parse(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.findtext("provides/binary") == "finetune-studio"
    releases = [r.get("version") for r in root.findall("releases/release")]
    assert project_version() in releases, "add a <release> for the new version"


def test_licences_for_every_component() -> None:
    folder = ROOT / "resources" / "licenses"
    components = json.loads((folder / "components.json").read_text(encoding="utf-8"))
    names = {c["name"].lower().replace("_", "-") for c in components}
    for needed in (
        "pyside6-essentials",
        "shiboken6",
        "openai",
        "tiktoken",
        "keyring",
        "platformdirs",
        "openpyxl",
        "pyspellchecker",
        "python",
        "finetune studio",
    ):
        assert needed in names, needed
    for component in components:
        if component["file"]:
            text = (folder / component["file"]).read_text(encoding="utf-8")
            assert len(text) > 200, component["name"]
    qt = next(c for c in components if c["name"].lower() == "pyside6_essentials")
    assert qt["license"] == "LGPL-3.0-only"
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (folder / qt["file"]).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name",
    [
        "build.py",
        "smoke_test.py",
        "make_icons.py",
        "version_info.py",
        "collect_licenses.py",
        "launcher.py",
    ],
)
def test_packaging_scripts_compile(name: str) -> None:
    compile((PACKAGING / name).read_text(encoding="utf-8"), name, "exec")
