"""Replaces PyInstaller's hook for pygments (packaging/finetune-studio.spec: hookspath).

PyInstaller's own hook bundles every pygments lexer, formatter and style (~1.7 MiB), because
pygments loads them by name when it highlights code. Here pygments is imported only by superqt's
package __init__ (for superqt's code highlighter, which the app never uses; it uses superqt's
QElidingLabel), so only the modules imported at start are needed, and analysis finds those.
"""

hiddenimports: list[str] = []
