"""SIGKILL an editing process at random moments: no acknowledged edit is lost, none is half-done.

CI runs a few kills (ANNOTATOR_KILLS, default 6); benchmarks/torture.py runs 500 and more.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys

import pytest
from crash_harness import apply, copy_state, integrity, new_project, read_state, run_kills, run_op, verify

from annotator.core.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def test_killed_editor_loses_no_acknowledged_edit(tmp_path):
    kills = int(os.environ.get("ANNOTATOR_KILLS", "6"))
    report = run_kills(tmp_path / "p.annotator", kills, seed=kills)
    assert report.problems == []
    assert report.kills == kills
    assert report.acknowledged > 0
    assert report.lost == 0
    assert integrity(tmp_path / "p.annotator") == "ok"
    with Store.open(tmp_path / "p.annotator") as store:  # and the app opens it afterwards
        assert store.article_count() >= 3


def log_of(*entries: tuple[dict, dict | None]) -> str:
    lines = []
    for op, ids in entries:
        lines.append("intent " + json.dumps(op))
        if ids is not None:
            lines.append("ack " + json.dumps(ids))
    return "\n".join(lines) + "\n"


def test_the_check_notices_a_lost_edit(tmp_path):
    path = tmp_path / "p.annotator"
    new_project(path)
    before = read_state(path)
    op = {"op": "add_span", "article": 1, "start": 0, "end": 4, "label": "quote"}
    with Store.open(path) as store:
        ids = run_op(store, op)
    assert verify(path, before, log_of((op, ids))) == (1, 0, 0)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM spans WHERE id = ?", [ids["span"]])
    conn.commit()
    conn.close()
    acknowledged, _, lost = verify(path, before, log_of((op, ids)))
    assert acknowledged == 1 and lost == 1


def test_the_check_accepts_the_edit_in_flight_only_whole(tmp_path):
    path = tmp_path / "p.annotator"
    new_project(path)
    before = read_state(path)
    op = {
        "op": "add_article",
        "title": "New",
        "text": "Lavrov spoke today.",
        "spans": [[0, 6, "actor"], [7, 12, "quote"]],
    }
    with Store.open(path) as store:
        ids = run_op(store, op)
    assert verify(path, before, log_of((op, None))) == (0, 1, 0)  # committed, killed before the ack
    assert read_state(path) == apply(copy_state(before), op, ids)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM spans WHERE id = ?", [ids["spans"][1]])  # as if half of it were stored
    conn.commit()
    conn.close()
    assert verify(path, before, log_of((op, None)))[2] > 0


def test_a_line_cut_by_the_kill_is_not_an_acknowledgement(tmp_path):
    path = tmp_path / "p.annotator"
    new_project(path)
    before = read_state(path)
    op = {"op": "set_status", "article": 2, "status": "done"}
    log = log_of((op, None)) + 'ack {"'
    assert verify(path, before, log) == (0, 0, 0)
