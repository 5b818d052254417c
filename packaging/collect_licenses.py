"""Collect the licences of everything Finetune Studio ships into resources/licenses/.

Walks the runtime dependencies in pyproject.toml (and theirs) as installed in this venv, copies
each distribution's licence files to resources/licenses/<name>.txt, and writes components.json
(name, version, licence, file), which the About box shows. The Qt for Python wheels carry no
licence file, so their LGPLv3 text (with the GPLv3 it builds on) comes from Debian's
/usr/share/common-licenses. Python's own licence comes from the interpreter.

Run it after changing dependencies: `.venv/bin/python packaging/collect_licenses.py`.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import sysconfig
import tomllib
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "licenses"
COMMON = Path("/usr/share/common-licenses")
LICENSE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE)[^/]*$", re.IGNORECASE)
QT_DISTRIBUTIONS = {"pyside6-essentials", "pyside6-addons", "shiboken6"}
QT_LICENSE = "LGPL-3.0-only"
# Platform-specific dependencies that are not installed on the machine that runs this script.
ELSEWHERE = {
    "pywin32-ctypes": ("BSD-3-Clause", "Windows only (keyring's Windows backend)"),
}


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_roots() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [re.match(r"[A-Za-z0-9_.\-]+", spec).group(0) for spec in project["dependencies"]]


def dependency_closure(roots: list[str]) -> dict[str, Distribution | None]:
    """Every distribution the roots need (extras excluded); None for ones not installed here."""
    found: dict[str, Distribution | None] = {}
    stack = list(roots)
    while stack:
        name = stack.pop()
        key = _key(name)
        if key in found:
            continue
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            found[key] = None
            continue
        found[key] = dist
        for requirement in dist.requires or []:
            if "extra ==" in requirement or not _applies_somewhere(requirement):
                continue
            stack.append(re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0))
    return found


def _applies_somewhere(requirement: str) -> bool:
    """True if the requirement's marker holds on Linux, Windows or macOS with this Python."""
    if ";" not in requirement:
        return True
    from packaging.markers import Marker

    marker = Marker(requirement.split(";", 1)[1])
    platforms = (
        ("linux", "Linux", "posix"),
        ("win32", "Windows", "nt"),
        ("darwin", "Darwin", "posix"),
    )
    return any(
        marker.evaluate({"sys_platform": p, "platform_system": s, "os_name": o, "extra": ""})
        for p, s, o in platforms
    )


def licence_name(dist: Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    short = (meta.get("License") or "").strip()
    first_line = short.splitlines()[0].strip() if short else ""
    if first_line.endswith(" License") and len(first_line) < 30:
        return first_line.removesuffix(
            " License"
        )  # "MIT License" (tiktoken puts the whole text here)
    if short and len(short) < 60 and "\n" not in short:
        return short.removesuffix(" License")
    for classifier in meta.get_all("Classifier") or []:
        if classifier.startswith("License :: OSI Approved :: "):
            return classifier.rsplit(" :: ", 1)[1].removesuffix(" License")
    return "see licence text"


def licence_text(key: str, dist: Distribution) -> str:
    if key in QT_DISTRIBUTIONS:
        return (COMMON / "LGPL-3").read_text() + "\n\n" + (COMMON / "GPL-3").read_text()
    parts = []
    for file in dist.files or []:
        if LICENSE_FILE.search(str(file)) and ".dist-info/" in str(file):
            parts.append(
                f"==> {Path(str(file)).name} <==\n"
                + file.locate().read_text(encoding="utf-8", errors="replace")
            )
    if not parts:
        raise SystemExit(f"no licence file found for {key}; add one by hand")
    return "\n\n".join(parts)


def main() -> int:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    components = [
        {
            "name": "Finetune Studio",
            "version": "",
            "license": "MIT",
            "file": "finetune-studio.txt",
            "note": "this app",
        },
        {
            "name": "Python",
            "version": sys.version.split()[0],
            "license": "PSF-2.0",
            "file": "python.txt",
            "note": "the interpreter inside the installer",
        },
    ]
    (OUT / "finetune-studio.txt").write_text(
        "MIT License\n\nCopyright (c) Finetune Studio team\n\n"
        "Permission is hereby granted, free of charge, to any person obtaining a copy of this software "
        'and associated documentation files (the "Software"), to deal in the Software without '
        "restriction, including without limitation the rights to use, copy, modify, merge, publish, "
        "distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the "
        "Software is furnished to do so, subject to the following conditions:\n\n"
        "The above copyright notice and this permission notice shall be included in all copies or "
        "substantial portions of the Software.\n\n"
        'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, '
        "INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR "
        "PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR "
        "ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, "
        "ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE "
        "SOFTWARE.\n",
        encoding="utf-8",
    )
    python_licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    shutil.copyfile(python_licence, OUT / "python.txt")

    for key, dist in sorted(dependency_closure(runtime_roots()).items()):
        if dist is None:
            licence, note = ELSEWHERE.get(key, ("unknown", "not installed here"))
            components.append(
                {"name": key, "version": "", "license": licence, "file": "", "note": note}
            )
            continue
        name = dist.metadata["Name"]
        file = f"{_key(name)}.txt"
        (OUT / file).write_text(licence_text(key, dist), encoding="utf-8")
        licence = QT_LICENSE if key in QT_DISTRIBUTIONS else licence_name(dist)
        note = "Qt 6 and its Python bindings" if key in QT_DISTRIBUTIONS else ""
        components.append(
            {"name": name, "version": dist.version, "license": licence, "file": file, "note": note}
        )
    (OUT / "components.json").write_text(json.dumps(components, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(components)} components to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
