"""Render the app icon (resources/icons/finetune-studio.svg) into the per-OS icon files.

Writes into packaging/icons/ (the results are committed, so a build needs no extra tools):
- finetune-studio-<N>.png for the Linux hicolor theme (16 … 512 px),
- finetune-studio.ico for Windows (PNG payloads, which Windows Vista and later read),
- finetune-studio.icns for macOS (the icns container with PNG payloads).

Run it again after changing the SVG: `.venv/bin/python packaging/make_icons.py`.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "finetune-studio.svg"
OUT = ROOT / "packaging" / "icons"
NAME = "finetune-studio"

LINUX_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
# icns element types holding PNG data, and the pixel size of each.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"ic11", 32),  # 16 pt @2x
    (b"icp5", 32),
    (b"ic12", 64),  # 32 pt @2x
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic13", 256),  # 128 pt @2x
    (b"ic08", 256),
    (b"ic14", 512),  # 256 pt @2x
    (b"ic09", 512),
    (b"ic10", 1024),  # 512 pt @2x
)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    """The SVG drawn at size × size pixels, as PNG bytes."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An .ico file: ICONDIR, one ICONDIRENTRY per size, then the PNG payloads."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, payloads = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        payloads += data
        offset += len(data)
    return header + entries + payloads


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An .icns file: 'icns' + total length, then (type, length, PNG) elements."""
    body = b""
    for kind, size in ICNS_TYPES:
        data = pngs[size]
        body += kind + struct.pack(">I", len(data) + 8) + data
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot read {SOURCE}", file=sys.stderr)
        return 1
    wanted = set(LINUX_SIZES) | set(ICO_SIZES) | {size for _, size in ICNS_TYPES}
    pngs = {size: render_png(renderer, size) for size in sorted(wanted)}
    OUT.mkdir(parents=True, exist_ok=True)
    for size in LINUX_SIZES:
        (OUT / f"{NAME}-{size}.png").write_bytes(pngs[size])
    (OUT / f"{NAME}.ico").write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    (OUT / f"{NAME}.icns").write_bytes(icns_bytes(pngs))
    print(f"wrote {len(LINUX_SIZES)} PNGs, {NAME}.ico and {NAME}.icns to {OUT}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
