"""Can the window start here? Asked before Qt is loaded, because Qt aborts the process (exit 134)
when no platform plugin starts, with advice that is often wrong. Qt-free: plain ctypes, imported
only when an X display is checked."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

CLI_HINT = "The command line works: see `annotator --help`."
_MISSING = re.compile(r"(lib[\w.+-]+\.so[\d.]*): cannot open shared object file")


def display_problem(env: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str | None:
    """One sentence saying why the window cannot start on this display, or None if it can."""
    if not platform.startswith("linux"):
        return None
    qpa = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0]
    if qpa not in ("", "xcb", "wayland", "wayland-egl"):
        return None  # offscreen, vnc, eglfs…: chosen on purpose
    x11, wayland = bool(env.get("DISPLAY")), bool(env.get("WAYLAND_DISPLAY"))
    if not (x11 or wayland) or (qpa == "xcb" and not x11) or (qpa.startswith("wayland") and not wayland):
        return (
            "No display found: the annotator window needs a desktop session "
            f"(neither DISPLAY nor WAYLAND_DISPLAY is set). {CLI_HINT}"
        )
    if qpa == "xcb" or (not qpa and x11 and not wayland):
        missing = missing_library("libqxcb.so")
        if missing:
            return missing_message(missing)
        if not x11_reachable(env["DISPLAY"]):
            return f"No display found: cannot connect to the X display {env['DISPLAY']!r}. {CLI_HINT}"
    return None


def missing_message(soname: str) -> str:
    return (
        f"The window cannot start: the system library {soname} is missing "
        f"(Debian/Ubuntu: sudo apt install {debian_package(soname)}). {CLI_HINT}"
    )


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that ships a library, by the naming policy: libxcb-cursor.so.0 is
    in libxcb-cursor0, libxkbcommon-x11.so.0 in libxkbcommon-x11-0."""
    name, _, version = soname.partition(".so")
    version = version.strip(".").split(".")[0]
    joiner = "-" if name[-1:].isdigit() and version else ""
    return f"{name}{joiner}{version}".lower().replace("_", "-")


def missing_library(plugin: str) -> str | None:
    """The first shared library Qt's platform `plugin` needs that the system lacks (None: all
    there, or the plugin is not where a pip install puts it, e.g. in a bundle)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms" / plugin
    if not path.exists():
        return None
    import ctypes

    try:
        ctypes.CDLL(str(path), mode=os.RTLD_LAZY)
    except OSError as error:
        match = _MISSING.search(str(error))
        return match.group(1) if match else None
    return None


def x11_reachable(display: str) -> bool:
    """Does an X server answer at `display`? (libxcb, which Qt's xcb plugin loads anyway.)"""
    import ctypes

    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True  # missing_library has named what is missing, if anything
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)
