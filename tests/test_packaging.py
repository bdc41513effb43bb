"""Packaging files are valid and agree with the app."""

from __future__ import annotations

import configparser
import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath
from types import ModuleType
from urllib.parse import urlsplit

import pytest

from storybank import __version__
from storybank.app import APP_ID

ROOT = Path(__file__).parent.parent
DESKTOP = ROOT / "packaging" / "linux" / f"{APP_ID}.desktop"
METAINFO = ROOT / "packaging" / "linux" / f"{APP_ID}.metainfo.xml"
INSTALL = ROOT / "packaging" / "linux" / "install.py"
SCREENSHOTS = ROOT / "packaging" / "screenshots"
ICON = ROOT / "resources" / "icons" / "storybank.svg"
SMALL_ICON = ROOT / "resources" / "icons" / "storybank-small.svg"
SCREENSHOT_URL = "https://raw.githubusercontent.com/storybank/storybank/main/packaging/screenshots/"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
# The sizes drawn whole pixels to whole pixels from the 16-unit grid of the small icon.
SHARP_SIZES = (16, 32)


def test_desktop_entry_names_the_app() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(DESKTOP, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Exec"] == "storybank"
    assert section["Icon"] == APP_ID
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["gui-scripts"]
    assert scripts["storybank"] == "storybank.app:main"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="tool not installed")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


def _metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def _text(root: ET.Element, path: str) -> str:
    element = root.find(path)
    assert element is not None, f"metainfo has no {path}"
    return (element.text or "").strip()


def test_metainfo_agrees_with_app_desktop_entry_and_pyproject() -> None:
    root = _metainfo()
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(DESKTOP, encoding="utf-8")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert root.get("type") == "desktop-application"
    assert _text(root, "id") == APP_ID
    assert _text(root, "launchable[@type='desktop-id']") == DESKTOP.name
    assert _text(root, "provides/binary") == entry["Desktop Entry"]["Exec"]
    assert _text(root, "provides/binary") in project["gui-scripts"]
    assert _text(root, "project_license") == project["license"]
    assert _text(root, "name") == entry["Desktop Entry"]["Name"]


def test_metainfo_newest_release_is_the_current_version() -> None:
    releases = _metainfo().findall("releases/release")
    assert releases, "metainfo lists no release"
    assert releases[0].get("version") == __version__
    assert releases[0].find("description") is not None


def test_metainfo_screenshots_are_in_the_repository() -> None:
    screenshots = _metainfo().findall("screenshots/screenshot")
    assert len(screenshots) >= 3
    assert [shot.get("type") for shot in screenshots].count("default") == 1
    for shot in screenshots:
        assert _text(shot, "caption")
        url = _text(shot, "image")
        assert url.startswith(SCREENSHOT_URL), url
        name = PurePosixPath(urlsplit(url).path).name
        assert (SCREENSHOTS / name).is_file(), f"{name} is not in packaging/screenshots"


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="tool not installed")
def test_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _fill_colours(svg: Path) -> set[tuple[int, int, int]]:
    """The ``#rrggbb`` fill colours of the shapes in ``svg``."""
    fills = {element.get("fill", "") for element in ET.parse(svg).getroot().iter()}
    return {
        (int(fill[1:3], 16), int(fill[3:5], 16), int(fill[5:7], 16))
        for fill in fills
        if fill.startswith("#") and len(fill) == 7
    }


def test_small_icon_is_valid_svg_in_the_same_colours(qapp: object) -> None:
    from PySide6.QtSvg import QSvgRenderer

    assert SMALL_ICON.is_file()
    renderer = QSvgRenderer(str(SMALL_ICON))
    assert renderer.isValid()
    view_box = renderer.viewBoxF()
    assert (view_box.width(), view_box.height()) == (16, 16), "not drawn on a 16-unit grid"
    assert _fill_colours(SMALL_ICON) == _fill_colours(ICON)


def test_install_draws_small_sizes_from_the_small_icon() -> None:
    install = _load_install_script()
    assert install.ICON.resolve() == ICON.resolve()
    assert install.SMALL_ICON.resolve() == SMALL_ICON.resolve()
    for size in ICON_SIZES:
        assert install.icon_for(size) == (install.SMALL_ICON if size <= 32 else install.ICON)


def _load_install_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("storybank_linux_install", INSTALL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_install_destdir_reroots_the_prefix(tmp_path: Path) -> None:
    install = _load_install_script()
    assert install.target_root(Path("/usr"), tmp_path) == tmp_path / "usr"
    assert install.target_root(Path("/opt/storybank"), None) == Path("/opt/storybank")
    home_prefix = install.target_root(Path("~/.local"), tmp_path)
    assert home_prefix == tmp_path / Path("~/.local").expanduser().relative_to("/")


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the install script once into a staging folder; return the staged /usr."""
    destdir = tmp_path_factory.mktemp("stage")
    result = subprocess.run(
        [sys.executable, str(INSTALL), "--prefix", "/usr", "--destdir", str(destdir)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return destdir / "usr"


def test_install_stages_entry_metainfo_and_icons(staged: Path) -> None:
    share = staged / "share"
    hicolor = share / "icons" / "hicolor"
    expected = {
        share / "applications" / DESKTOP.name,
        share / "metainfo" / METAINFO.name,
        hicolor / "scalable" / "apps" / f"{APP_ID}.svg",
        *(hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png" for size in ICON_SIZES),
    }
    assert {path for path in staged.rglob("*") if path.is_file()} == expected
    assert (share / "applications" / DESKTOP.name).read_bytes() == DESKTOP.read_bytes()
    assert (share / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()


@pytest.mark.parametrize("size", ICON_SIZES)
def test_install_renders_each_icon_size(staged: Path, size: int) -> None:
    from PySide6.QtGui import QImage

    path = staged / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    # RGBA8888 is byte-ordered on every platform, and 4 bytes a pixel leaves no row padding.
    # The converted image is kept in a name: constBits() points into its memory.
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    alpha = bytes(rgba.constBits())[3::4]
    assert max(alpha) == 255, "the icon is fully transparent"
    assert min(alpha) == 0, "the background is filled instead of transparent"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="tool not installed")
def test_installed_desktop_entry_validates(staged: Path) -> None:
    installed = staged / "share" / "applications" / DESKTOP.name
    result = subprocess.run(
        ["desktop-file-validate", str(installed)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="tool not installed")
def test_installed_tree_validates(staged: Path) -> None:
    result = subprocess.run(
        ["appstreamcli", "validate-tree", "--no-net", str(staged)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _exact_pixels(png: Path, colours: set[tuple[int, int, int]]) -> tuple[int, int]:
    """How many opaque pixels of ``png`` are one of ``colours``, and how many are opaque."""
    from PySide6.QtGui import QImage

    # RGBA8888 is byte-ordered, and the converted image is kept while its bits are read.
    rgba = QImage(str(png)).convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(rgba.constBits())
    opaque = [data[i : i + 3] for i in range(0, len(data), 4) if data[i + 3] == 255]
    # A few levels of slack for rounding; an edge on a half pixel makes a 50% blend.
    exact = sum(
        any(max(abs(a - b) for a, b in zip(pixel, colour, strict=True)) <= 8 for colour in colours)
        for pixel in opaque
    )
    return exact, len(opaque)


@pytest.mark.parametrize("size", SHARP_SIZES)
def test_installed_small_icons_are_sharp(staged: Path, size: int) -> None:
    """Nearly every opaque pixel is one of the icon's colours, not a blur between two."""
    path = staged / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    exact, opaque = _exact_pixels(path, _fill_colours(SMALL_ICON))
    # Only the folded corner's diagonal blends (the tile's rounded corners are translucent):
    # 174 of 176 opaque pixels at 16 px, 724 of 728 at 32. From storybank.svg: 127 and 619.
    assert exact >= 0.95 * opaque, f"only {exact} of {opaque} opaque pixels are exact colours"
