"""Install Storybank's desktop entry, AppStream metainfo and icons under a prefix.

Run from a clone, after an install that puts ``storybank`` on the PATH::

    uv run python packaging/linux/install.py                     # into ~/.local
    uv run python packaging/linux/install.py --prefix /usr --destdir build/stage

The SVG icon goes to ``hicolor/scalable`` and is also rendered with QtSvg to
PNGs at the usual hicolor sizes, for desktops and menus that do not read SVG. The
sizes up to 32 px come from ``storybank-small.svg``, the same icon redrawn on a
16-unit pixel grid, which stays sharp where the large drawing would blur.
Without ``--destdir`` the icon cache and the desktop database are refreshed when
their tools are installed; with it nothing outside the staging folder is touched.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from storybank.app import APP_ID

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "packaging" / "linux" / f"{APP_ID}.desktop"
METAINFO = ROOT / "packaging" / "linux" / f"{APP_ID}.metainfo.xml"
ICON = ROOT / "resources" / "icons" / "storybank.svg"
SMALL_ICON = ROOT / "resources" / "icons" / "storybank-small.svg"

PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
# The largest PNG drawn from SMALL_ICON; bigger ones are drawn from ICON.
SMALL_ICON_MAX = 32


def target_root(prefix: Path, destdir: Path | None) -> Path:
    """Where ``prefix`` lands: itself, or re-rooted under the staging folder."""
    prefix = prefix.expanduser().absolute()
    if destdir is None:
        return prefix
    return destdir.expanduser().absolute() / prefix.relative_to(prefix.anchor)


def icon_for(size: int) -> Path:
    """The SVG to render at ``size`` pixels: the pixel-grid drawing for small sizes."""
    return SMALL_ICON if size <= SMALL_ICON_MAX else ICON


def render_png(svg: Path, size: int) -> bytes:
    """Render ``svg`` as a square PNG of ``size`` pixels on a transparent background."""
    # Rendering needs a QGuiApplication, and an offscreen one works with no display.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        # Kept on the module so the application outlives this call.
        globals()["_app"] = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG file")
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ValueError(f"cannot encode a {size}px PNG of {svg}")
    buffer.close()
    return bytes(data.data())


def write_file(data: bytes, dest: Path) -> None:
    """Write ``data`` to ``dest`` (mode 0644) through a temp file swapped into place."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    temp = dest.with_name(f".{dest.name}.tmp")
    temp.write_bytes(data)
    temp.chmod(0o644)
    os.replace(temp, dest)


def install(prefix: Path, destdir: Path | None = None) -> list[Path]:
    """Install every file under ``prefix`` (staged in ``destdir``); return their paths."""
    share = target_root(prefix, destdir) / "share"
    hicolor = share / "icons" / "hicolor"
    plan: list[tuple[bytes, Path]] = [
        (DESKTOP.read_bytes(), share / "applications" / DESKTOP.name),
        (METAINFO.read_bytes(), share / "metainfo" / METAINFO.name),
        (ICON.read_bytes(), hicolor / "scalable" / "apps" / f"{APP_ID}.svg"),
    ]
    plan += [
        (render_png(icon_for(size), size), hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png")
        for size in PNG_SIZES
    ]
    for data, dest in plan:
        write_file(data, dest)
    return [dest for _, dest in plan]


def refresh_caches(prefix: Path) -> None:
    """Refresh the icon cache and the desktop database; a missing tool or a failure is fine."""
    share = prefix.expanduser().absolute() / "share"
    # Without --ignore-theme-index the icon cache is refreshed only where hicolor has its
    # index.theme (as in /usr), so no cache that nothing else maintains appears in ~/.local.
    commands = (
        ["gtk-update-icon-cache", "--force", "--quiet", str(share / "icons/hicolor")],
        ["update-desktop-database", "--quiet", str(share / "applications")],
    )
    for command in commands:
        if shutil.which(command[0]) is None:
            continue
        # The caches are a speed-up; the desktop finds the files without them.
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(command, check=False, capture_output=True, timeout=60)


def build_parser() -> argparse.ArgumentParser:
    """The command line: ``--prefix`` and ``--destdir``, as in ``make install``."""
    parser = argparse.ArgumentParser(
        description="Install Storybank's desktop entry, metainfo and icons.",
    )
    parser.add_argument(
        "--prefix",
        type=Path,
        default=Path("~/.local"),
        help="installation prefix (default: ~/.local)",
    )
    parser.add_argument(
        "--destdir",
        type=Path,
        default=None,
        help="stage the files under this folder instead of the live system (for packagers)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Install, report each file, and refresh the caches for a live install."""
    args = build_parser().parse_args(argv)
    try:
        installed = install(args.prefix, args.destdir)
    except (OSError, ValueError) as exc:
        print(f"install.py: {exc}", file=sys.stderr)
        return 1
    for path in installed:
        print(path)
    if args.destdir is None:
        refresh_caches(args.prefix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
