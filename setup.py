"""Package layout only; all metadata lives in pyproject.toml.

The top-level resources/ folder is installed as the package `desktop_app.resources` (its
sub-folders as data packages), so an installed wheel, an editable checkout and the frozen bundle
all find it through desktop_app.core.files.resources.
"""

from pathlib import Path

from setuptools import find_packages, setup

RESOURCES = Path(__file__).parent / "resources"
resource_packages = {"desktop_app.resources": "resources"}
for folder in sorted(p for p in RESOURCES.rglob("*") if p.is_dir() and p.name != "__pycache__"):
    relative = folder.relative_to(RESOURCES)
    resource_packages["desktop_app.resources." + ".".join(relative.parts)] = str(
        Path("resources", relative).as_posix()
    )

# The user documentation (docs/) goes along as desktop_app.docs: Help ▸ User Guide and Glossary
# show it (desktop_app.core.files.resources.docs_file).
DOCS = Path(__file__).parent / "docs"
resource_packages["desktop_app.docs"] = "docs"
for folder in sorted(p for p in DOCS.rglob("*") if p.is_dir()):
    relative = folder.relative_to(DOCS)
    resource_packages["desktop_app.docs." + ".".join(relative.parts)] = str(
        Path("docs", relative).as_posix()
    )

setup(
    packages=[*find_packages(include=["desktop_app", "desktop_app.*"]), *resource_packages],
    package_dir=resource_packages,
    package_data={name: ["*"] for name in resource_packages},
)
