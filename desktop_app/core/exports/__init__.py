"""Ready-to-run export folders for local trainers (MLX-LM, TRL, Unsloth, Axolotl, LLaMA-Factory)
and for Google Vertex AI (Gemini)."""

from desktop_app.core.exports.common import MANIFEST, ExportError, FolderNotEmptyError
from desktop_app.core.exports.job import ExportResult
from desktop_app.core.exports.registry import TARGETS, ExportTarget, export_project, target

__all__ = [
    "MANIFEST",
    "TARGETS",
    "ExportError",
    "ExportResult",
    "ExportTarget",
    "FolderNotEmptyError",
    "export_project",
    "target",
]
