"""Render resources/annotator.svg into the PNG sizes the Linux launcher uses, plus the .ico
(Windows) and .icns (macOS) files the PyInstaller spec gives the bundle.

Run after changing the SVG: `QT_QPA_PLATFORM=offscreen python packaging/render_icons.py`.
The results are committed, so building or installing never needs to render them.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS entry types holding PNG data, by pixel size (ic10 is 512 pt at 2x).
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO whose entries are PNG images (read by Windows Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, payload = b"", b""
    for size, png in pngs.items():
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(payload))
        payload += png
    return header + entries + payload


def icns(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png for size, png in pngs.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(RESOURCES / "annotator.svg"))
    if not renderer.isValid():
        print(f"cannot read {RESOURCES / 'annotator.svg'}", file=sys.stderr)
        return 1
    sizes = sorted(set(PNG_SIZES) | set(ICNS_TYPES))
    pngs = {size: render_png(renderer, size) for size in sizes}
    for size in PNG_SIZES:
        (RESOURCES / "icons" / f"annotator-{size}.png").write_bytes(pngs[size])
    (RESOURCES / "annotator.ico").write_bytes(ico({size: pngs[size] for size in ICO_SIZES}))
    (RESOURCES / "annotator.icns").write_bytes(icns({size: pngs[size] for size in ICNS_TYPES}))
    print(f"wrote {len(PNG_SIZES)} PNG sizes, annotator.ico and annotator.icns to {RESOURCES}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
