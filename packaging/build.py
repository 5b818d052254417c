"""Build the one-folder bundle: `python packaging/build.py` -> dist/finetune-studio/finetune-studio.

Removes the previous bundle and PyInstaller's work folder first (only those: build/pyinstaller
and dist/finetune-studio, plus dist/Finetune Studio.app on macOS), runs PyInstaller on
packaging/finetune-studio.spec with the Python running this script, and prints the bundle's size.

Options: --debug builds the debug variant (console, bootloader debug messages) used to rerun a
failing frozen self-test; --keep-work keeps build/pyinstaller for a faster rebuild.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "finetune-studio.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
APP_NAME = "finetune-studio"
BUNDLE = DIST / APP_NAME
MAC_APP = DIST / "Finetune Studio.app"
MIB = 1024 * 1024


def executable_path(bundle: Path = BUNDLE) -> Path:
    return bundle / (f"{APP_NAME}.exe" if sys.platform == "win32" else APP_NAME)


def tree_size(path: Path) -> int:
    """Bytes of all regular files under path (symlinks not followed, each file once)."""
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            file = Path(folder, name)
            if not file.is_symlink():
                total += file.stat().st_size
    return total


def largest_parts(bundle: Path, count: int = 8) -> list[tuple[int, str]]:
    """The biggest entries one level inside the bundle's library folder."""
    inner = bundle / "_internal" if (bundle / "_internal").is_dir() else bundle
    sizes = []
    for entry in inner.iterdir():
        if entry.is_symlink():  # PyInstaller links some libraries to the top level
            continue
        size = tree_size(entry) if entry.is_dir() else entry.stat().st_size
        sizes.append((size, entry.name))
    return sorted(sizes, reverse=True)[:count]


def clean() -> None:
    for path in (WORK, BUNDLE, MAC_APP):
        if path.exists():
            shutil.rmtree(path)


def run_pyinstaller(debug: bool) -> int:
    env = dict(os.environ)
    if debug:
        env["FTSTUDIO_DEBUG_BUILD"] = "1"
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        str(SPEC),
    ]
    print("$", " ".join(command), flush=True)
    return subprocess.call(command, cwd=ROOT, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="build the debug variant")
    parser.add_argument("--keep-work", action="store_true", help="keep build/pyinstaller")
    args = parser.parse_args(argv)

    if args.keep_work:
        for path in (BUNDLE, MAC_APP):
            if path.exists():
                shutil.rmtree(path)
    else:
        clean()
    started = time.monotonic()
    status = run_pyinstaller(args.debug)
    elapsed = time.monotonic() - started
    exe = executable_path()
    if status != 0 or not exe.is_file():
        print(f"build FAILED (PyInstaller exit status {status}; {exe} missing)", file=sys.stderr)
        return status or 1
    size = tree_size(BUNDLE)
    print(f"built {exe.relative_to(ROOT)} in {elapsed:.0f} s")
    print(f"bundle size: {size / MIB:.1f} MiB ({BUNDLE.relative_to(ROOT)})")
    for part_size, name in largest_parts(BUNDLE):
        print(f"  {part_size / MIB:7.1f} MiB  {name}")
    if MAC_APP.exists():
        print(f"macOS app: {MAC_APP.relative_to(ROOT)} ({tree_size(MAC_APP) / MIB:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
