from __future__ import annotations

import contextlib
import os
import subprocess

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Keep every test away from the real user data directory and name the analyst."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("ANNOTATOR_NAME", "tester")
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)


@contextlib.contextmanager
def _read_only(path):
    """Make a file or folder unwritable. Permission bits do not bind root, so as root the
    immutable attribute is used (the test is skipped where the file system has none)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a file read-only for root here (no chattr +i)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.fixture
def read_only():
    """`with read_only(path):` the file or folder cannot be written."""
    return _read_only


@pytest.fixture
def coded_project(tmp_path):
    """(store, span ids) of `build_coded_project`; the store is closed afterwards."""
    from coded_project import build_coded_project

    store, ids = build_coded_project(tmp_path / "coded.annotator")
    yield store, ids
    store.close()
