"""The command line refuses an annotator name it cannot record (a tab, line break, control
character, or nothing) before a project is opened or made, and lists a name an older version
stored on one line."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.model import NewArticle
from annotator.core.store import Store

BAD = ["", "   ", "Ana\tLima", "Ana\nLima", "Ana\rLima", "\x07bell", "Ana\u2028Lima", "Ana\x85Lima", "\x00"]


@pytest.mark.parametrize("name", BAD)
def test_cli_refuses_a_bad_annotator_option_or_variable_and_creates_nothing(tmp_path, name):
    db = tmp_path / "p.annotator"
    for args, env in ((["--annotator", name], {}), ([], {"ANNOTATOR_NAME": name})):
        if env and (not name or "\x00" in name):
            continue  # an empty variable counts as unset; none can hold a NUL
        result = CliRunner().invoke(cli, ["--db", str(db), *args, "stats"], env=env)
        assert result.exit_code != 0, result.output
        assert "annotator name" in result.output and "Traceback" not in result.output
        assert not db.exists()


def test_annotators_listing_shows_a_name_stored_by_an_older_version_on_one_line(tmp_path):
    db = tmp_path / "p.annotator"
    with Store.open(db, "ana") as store:
        store.add_articles([NewArticle("T", "Some text.")])
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO annotators (name, created) VALUES ('old\tname\nhere', '2024-01-01')")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(cli, ["--db", str(db), "annotators"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 2 and "'old\\tname\\nhere'" in result.output
