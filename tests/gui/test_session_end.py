"""Nothing typed is lost when the program ends: by QApplication.quit() (the event loop closes
every window) or by the desktop session (it asks the program to save, then kills it), for each
kind of field that holds typed text: a span's note, a text attribute, the scheme editor, the
preferences."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.identity import saved_name
from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store

DRIVER = Path(__file__).with_name("session_end.py")
TEXT = "Minister Petrov said «we will not give up the port» on Monday."


@pytest.mark.parametrize("route", ["quit", "session"])
@pytest.mark.parametrize("field", ["note", "normalised_name", "scheme_description", "preferences_name"])
def test_typed_text_survives_the_end_of_the_program(tmp_path, field, route):
    project = tmp_path / "p.annotator"
    with Store.open(project, annotator="ana") as store:
        store.add_articles([NewArticle("One", TEXT, spans=(NewSpan(9, 15, "actor"),))])
    typed = f"typed before {route}"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, str(DRIVER), str(project), str(tmp_path / "s.ini"), field, route, typed],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with Store.open(project, read_only=True) as store:
        (span,) = store.spans(store.article_ids()[0])
        stored = {
            "note": span.note,
            "normalised_name": span.attributes.get("normalised_name"),
            "scheme_description": store.labels()[0].description,  # the label the editor opens on
            "preferences_name": saved_name(),
        }[field]
    assert stored == typed
