"""A completely full disk reads "disk full", not "disk I/O error" or "read-only" (issue 11, item 15)."""

from __future__ import annotations

import shutil
import sqlite3
from collections import namedtuple

import pytest

from annotator.core.errors import DiskFull
from annotator.core.store import sqlite_errors

Usage = namedtuple("Usage", "total used free")


@pytest.mark.parametrize("message", ["disk I/O error", "unable to open database file"])
def test_an_io_error_on_a_full_disk_says_disk_full(tmp_path, monkeypatch, message):
    path = tmp_path / "p.annotator"
    monkeypatch.setattr(shutil, "disk_usage", lambda where: Usage(10**9, 10**9, 4096))
    error = sqlite_errors.store_error(sqlite3.OperationalError(message), path)
    assert isinstance(error, DiskFull)
    assert str(error) == f"The disk holding {path} is full; nothing was changed."


def test_an_io_error_with_room_left_stays_what_it_is(tmp_path):
    error = sqlite_errors.store_error(sqlite3.OperationalError("disk I/O error"), tmp_path / "p.annotator")
    assert not isinstance(error, DiskFull) and "disk I/O error" in str(error)
