"""The committed PyInstaller spec: it runs, and it declares what the frozen app needs.

The spec is executed with stand-ins for PyInstaller's build classes (Analysis, PYZ, EXE,
COLLECT, BUNDLE) that record their arguments, for Linux, Windows and macOS in turn, so the
lists it passes are checked without a real (minutes-long) build; CI also builds it for real.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "finetune-studio.spec"
QT_LIB = ROOT / ".venv" / "lib" / "python3.11" / "site-packages" / "PySide6" / "Qt"


class Recorder:
    """Stands in for one PyInstaller build class: records the call, returns itself."""

    calls: dict[str, Any]

    def __init__(self, name: str, analysis_binaries: list[tuple[str, str, str]]) -> None:
        self.name = name
        self.analysis_binaries = analysis_binaries
        self.kwargs: dict[str, Any] = {}
        self.args: tuple[Any, ...] = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.args, self.kwargs = args, kwargs
        if self.name == "Analysis":
            return SimpleNamespace(
                # Analysis turns (source, folder) pairs into (destination, source, kind) entries
                binaries=list(self.analysis_binaries),
                datas=[(dest, src, "DATA") for src, dest in kwargs["datas"]]
                + [
                    ("PySide6/Qt/translations/qtbase_de.qm", "/x", "DATA"),
                    ("PySide6/Qt/plugins/imageformats/libqsvg.so", "/x", "DATA"),
                ],
                pure=[],
                scripts=[],
            )
        return self


def run_spec(
    platform: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, binaries=()
) -> dict[str, Recorder]:
    monkeypatch.setattr(sys, "platform", platform)
    recorders = {
        n: Recorder(n, list(binaries)) for n in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")
    }
    namespace: dict[str, Any] = {
        "SPECPATH": str(SPEC.parent),
        "workpath": str(tmp_path / "work"),
        "DISTPATH": str(tmp_path),
        "__file__": str(SPEC),
        **recorders,
    }
    code = compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
    exec(code, namespace)
    recorders["namespace"] = namespace  # type: ignore[assignment]
    return recorders


def test_spec_is_valid_python() -> None:
    ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


@pytest.fixture
def linux(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Recorder]:
    return run_spec("linux", tmp_path, monkeypatch)


def test_hidden_imports_cover_tiktoken_keyring_and_the_app(linux) -> None:
    hidden = linux["Analysis"].kwargs["hiddenimports"]
    for name in (
        "tiktoken_ext",
        "tiktoken_ext.openai_public",
        "keyring.backends.SecretService",
        "keyring.backends.macOS",
        "keyring.backends.Windows",
        "desktop_app.selftest",
        "desktop_app.core.practice_server.server",
        "desktop_app.app",
    ):
        assert name in hidden, name
    assert not any(".tests" in name for name in hidden)


def test_every_hidden_import_has_a_reason() -> None:
    """Each entry carries a comment, on its line or on the comment block just above its group."""
    text = SPEC.read_text(encoding="utf-8")
    start = text.index("hiddenimports = [")
    lines = text[start : text.index("]", start)].splitlines()[1:]
    for number, line in enumerate(lines):
        if not line.strip().startswith('"') or "#" in line:
            continue
        above = number - 1
        while above >= 0 and lines[above].strip().startswith('"'):
            above -= 1
        assert above >= 0 and lines[above].strip().startswith("#"), (
            f"no reason given for {line.strip()}"
        )


def test_datas_put_resources_where_paths_finds_them(linux) -> None:
    datas = linux["Analysis"].kwargs["datas"]
    assert (str(ROOT / "resources"), "desktop_app/resources") in datas
    destinations = {dest for _src, dest in datas}
    assert any(dest.startswith("keyring") for dest in destinations), "keyring metadata (P9)"
    # paths.py looks for <package>/resources, with package = bundle/desktop_app
    assert "desktop_app/resources" in destinations


def test_excludes_other_bindings_tk_and_unused_qt(linux) -> None:
    excludes = set(linux["Analysis"].kwargs["excludes"])
    assert {"PyQt5", "PyQt6", "PySide2", "tkinter", "keyrings.alt"} <= excludes
    assert {
        "PySide6.QtQml",
        "PySide6.QtQuick",
        "PySide6.QtWebEngineCore",
        "PySide6.QtMultimedia",
        "PySide6.Qt3DCore",
        "PySide6.QtPdf",
    } <= excludes
    used = set(linux["namespace"]["QT_MODULES_USED"])
    assert not {f"PySide6.{m}" for m in used} & excludes


def test_the_app_imports_only_qt_modules_the_spec_keeps(linux) -> None:
    kept = set(linux["namespace"]["QT_MODULES_USED"])
    imported = set()
    for path in (ROOT / "desktop_app").rglob("*.py"):
        imported |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert imported <= kept, f"add to QT_MODULES_USED in the spec: {sorted(imported - kept)}"


def test_translations_and_unused_plugins_are_dropped(linux) -> None:
    kept = {dest for dest, _src, _kind in linux["COLLECT"].args[2]}
    assert "PySide6/Qt/plugins/imageformats/libqsvg.so" in kept
    assert not any("translations" in dest for dest in kept)


@pytest.mark.skipif(not QT_LIB.is_dir(), reason="needs the venv's PySide6 libraries")
def test_linux_prunes_libraries_only_dropped_plugins_used(tmp_path, monkeypatch) -> None:
    gtk = QT_LIB / "plugins" / "platformthemes" / "libqgtk3.so"
    gui = QT_LIB / "lib" / "libQt6Gui.so.6"
    libs = [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", str(gtk), "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", str(gui), "BINARY"),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", "/x", "BINARY"),
        ("PySide6/Qt/lib/libQt6Quick.so.6", "/x", "BINARY"),
        ("libcairo.so.2", "/usr/lib/libcairo.so.2", "BINARY"),  # only libqgtk3 needs it
        ("libpython3.11.so.1.0", "/x", "BINARY"),  # opened by the bootloader, linked by no one
    ]
    recorders = run_spec("linux", tmp_path, monkeypatch, libs)
    kept = {dest for dest, _src, _kind in recorders["COLLECT"].args[1]}
    assert kept == {"PySide6/Qt/lib/libQt6Gui.so.6", "libpython3.11.so.1.0"}


def test_windows_build_gets_icon_and_version_resource(tmp_path, monkeypatch) -> None:
    recorders = run_spec("win32", tmp_path, monkeypatch)
    exe = recorders["EXE"].kwargs
    assert exe["icon"].endswith("finetune-studio.ico") and Path(exe["icon"]).is_file()
    assert exe["console"] is False  # windowed: the launcher guards sys.stdout = None (P12)
    version_text = Path(exe["version"]).read_text(encoding="utf-8")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert f"StringStruct('ProductVersion', '{version}')" in version_text


def test_macos_bundle_has_identifier_and_plist(tmp_path, monkeypatch) -> None:
    recorders = run_spec("darwin", tmp_path, monkeypatch)
    bundle = recorders["BUNDLE"].kwargs
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert bundle["bundle_identifier"] == "org.finetunestudio.FinetuneStudio"
    assert bundle["icon"].endswith(".icns") and Path(bundle["icon"]).is_file()
    plist = bundle["info_plist"]
    assert plist["NSHighResolutionCapable"] is True
    assert plist["NSRequiresAquaSystemAppearance"] is False
    assert plist["CFBundleShortVersionString"] == version
    assert recorders["EXE"].kwargs["console"] is False


def test_linux_build_keeps_a_console_and_strips(linux) -> None:
    exe = linux["EXE"].kwargs
    assert exe["console"] is True and exe["strip"] is True and exe["upx"] is False
    assert exe["name"] == "finetune-studio"
    assert linux["COLLECT"].kwargs["name"] == "finetune-studio"


def test_spelling_dictionaries_of_the_offered_languages_are_collected(linux) -> None:
    from desktop_app.core.dataset.spelling import LANGUAGES

    assert linux["namespace"]["SPELLING_LANGUAGES"] == list(LANGUAGES)
    datas = linux["Analysis"].kwargs["datas"]
    shipped = {Path(src).name for src, dest in datas if dest == "spellchecker/resources"}
    assert shipped == {f"{code}.json.gz" for code in LANGUAGES}
    assert all(Path(src).is_file() for src, dest in datas if dest == "spellchecker/resources")
    size = sum(Path(src).stat().st_size for src, dest in datas if dest == "spellchecker/resources")
    assert size < 5 * 1024 * 1024  # a small share of the bundle's size target
    keep = linux["namespace"]["_keep"]
    assert keep(("spellchecker/resources/de.json.gz", "/x", "DATA"))
    assert not keep(("spellchecker/resources/ru.json.gz", "/x", "DATA"))


def test_help_pages_are_bundled_where_docs_file_finds_them(linux) -> None:
    datas = linux["Analysis"].kwargs["datas"]
    assert (str(ROOT / "docs"), "desktop_app/docs") in datas
    assert (ROOT / "docs" / "glossary.md").is_file() and (ROOT / "docs" / "user-guide.md").is_file()


def test_numpy_and_readline_are_left_out_and_the_app_never_imports_numpy(linux) -> None:
    excludes = set(linux["Analysis"].kwargs["excludes"])
    assert {"numpy", "readline"} <= excludes
    for path in (ROOT / "desktop_app").rglob("*.py"):
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+numpy\b", code, re.MULTILINE), path


def test_pygments_lexers_and_styles_are_not_collected(linux) -> None:
    """superqt imports pygments' core; our hook replaces PyInstaller's collect-everything one."""
    hooks = [Path(folder) for folder in linux["Analysis"].kwargs["hookspath"]]
    assert hooks == [ROOT / "packaging" / "hooks"]
    namespace: dict[str, Any] = {}
    exec((hooks[0] / "hook-pygments.py").read_text(encoding="utf-8"), namespace)
    assert namespace["hiddenimports"] == []


def test_qt_pdf_and_eglfs_libraries_are_dropped(linux) -> None:
    keep = linux["namespace"]["_keep"]
    for dest in (
        "PySide6/Qt/lib/libQt6Pdf.so.6",
        "libQt6Pdf.so.6",  # PyInstaller's link to it at the top of the bundle
        "PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6",
        "PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6",
        "PySide6/Qt6Pdf.dll",
    ):
        assert not keep((dest, "/x", "BINARY")), dest
    for dest in ("PySide6/Qt/lib/libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Charts.so.6"):
        assert keep((dest, "/x", "BINARY")), dest


def test_linux_leaves_the_required_system_libraries_to_the_system(tmp_path, monkeypatch) -> None:
    system = ["libglib-2.0.so.0", "libdbus-1.so.3", "libfontconfig.so.1", "libX11.so.6"]
    system += ["libxcb-cursor.so.0", "libxkbcommon-x11.so.0", "libsystemd.so.0"]
    ours = ["libpython3.11.so.1.0", "libstdc++.so.6", "libcrypto.so.3", "libsqlite3.so.0"]
    ours += ["liblzma.so.5", "libz.so.1", "libffi.so.8"]
    from_system = run_spec("linux", tmp_path, monkeypatch)["namespace"]["_from_the_system"]
    for name in system:
        assert from_system((name, f"/lib/{name}", "BINARY")), name
    for name in ours:
        assert not from_system((name, f"/lib/{name}", "BINARY")), name
    assert not from_system(("PySide6/Qt/lib/libxcb-special.so", "/x", "BINARY"))
    # and the documented list of system packages covers them
    documented = (ROOT / "docs" / "packaging.md").read_text(encoding="utf-8")
    for package in ("libglib2.0-0", "libdbus-1-3", "libfontconfig1", "libx11-xcb1"):
        assert package in documented, package
