"""All SQL is parameterised: user values travel as `?` parameters, never inside the SQL text.

The audit reads the source: wherever an f-string builds SQL, each interpolated piece must be a
run of `?` placeholders, an int(), a module constant, or a fragment named below that is itself
built only from whitelisted columns and placeholders. A new interpolation fails this test until
someone has checked it and added it here with the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "annotator"
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA|WHERE|JOIN|VALUES|ORDER BY|CREATE)\b")

# Interpolated names that were checked by hand: what each one can hold.
CHECKED = {
    "where": "'' or 'WHERE <column> = ?' / 'WHERE status IN (?, ?…)' built from placeholders",
    "span_where": "'WHERE' + conditions of whitelisted columns with placeholders",
    "relation_where": "'WHERE a.status IN (?…)' or ''",
    "order": "a value of Store.ARTICLE_ORDER (a fixed dict) + ASC/DESC",
    "condition": "a fixed status condition or ''",
    "who": "' AND s.annotator = ?' or ''",
    "span_filter": "'AND l.name IN (?…)' and/or 'AND s.annotator = ?', or ''",
    "marks": "a run of ?, placeholders",
    "ARTICLE_COLUMNS": "a module constant listing column names",
    "APPLICATION_ID": "an int constant",
    # core/store/analysis.py
    "dim": "a value of DIMENSIONS (a fixed dict of column expressions)",
    "article_terms": "'1' AND conditions over fixed article columns with ? placeholders",
    "span_terms": "'1' AND conditions over fixed span columns with ? placeholders (alias checked)",
    "facets": "the fa CTE: DIMENSIONS value + article_terms",
    "quotes": "the q CTE: facets + span_terms + fixed SQL",
    "span_bits": "_code_bits: CASE over an isidentifier() alias, ? placeholders and int() bits",
    "article_bits": "_code_bits per article: max()/sum(DISTINCT) of the same",
    "lists": "group_concat(<a value of GROUP_COLUMNS, a fixed dict of span columns>), …",
    "lowered": "a run of lower(?) placeholders",
    "BUSY_TIMEOUT_MS": "an int constant",
}


def interpolations(tree: ast.AST, source: str):
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        if not SQL.search(text):
            continue
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                yield node.lineno, part.value, ast.get_source_segment(source, part.value)


def acceptable(expression: ast.expr, text: str) -> bool:
    if "'?'" in text or '"?"' in text:  # ','.join('?' * n): placeholders only
        return True
    if (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Name)
        and expression.func.id == "int"
    ):
        return True
    if isinstance(expression, ast.Name):
        return expression.id in CHECKED
    if isinstance(expression, ast.Attribute):  # rows.ARTICLE_COLUMNS
        return expression.attr in CHECKED
    return isinstance(expression, ast.Subscript) and "ARTICLE_ORDER" in text


def test_sql_is_built_only_from_placeholders_and_checked_fragments():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "gui" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        for line, expression, text in interpolations(ast.parse(source), source):
            if not acceptable(expression, text):
                problems.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {{{text}}}")
    assert problems == []


# The modules that may hold SQL and a connection: the store package only. It holds the schema's
# migrations and the backup copier (which works on files the store is not holding open, e.g. during
# a restore) too. core/__init__.py only imports sqlite-utils first, without pandas and numpy
# (start-up time); no SQL.
STORE_MODULES = ("annotator/core/store/", "annotator/core/__init__.py")
SQL_TEXT = re.compile(
    r"\b(SELECT .* FROM|INSERT (OR \w+ )?INTO|UPDATE \w+ SET|DELETE FROM|PRAGMA \w+|CREATE (TABLE|INDEX)"
    r"|BEGIN IMMEDIATE|COMMIT|ROLLBACK)\b"
)


def outside_the_store():
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE.parent).as_posix()
        if not name.startswith(STORE_MODULES):
            yield name, path.read_text(encoding="utf-8")


def test_no_sql_and_no_connection_outside_the_store():
    """Reads and writes alike go through the store: no SQL text, no `sqlite3`, no `.conn`, no
    `.execute(` anywhere else (merge, search, backups, GUI and CLI included)."""
    problems = []
    for name, source in outside_the_store():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.search(node.value):
                problems.append(f"{name}:{node.lineno}: SQL text {node.value[:40]!r}")
            elif isinstance(node, ast.Attribute) and node.attr in ("conn", "execute", "executemany"):
                problems.append(f"{name}:{node.lineno}: .{node.attr}")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [alias.name for alias in node.names]
                modules = names if isinstance(node, ast.Import) else [node.module or ""]
                if any(module.split(".")[0] in ("sqlite3", "sqlite_utils") for module in modules):
                    problems.append(f"{name}:{node.lineno}: imports {modules}")
    assert problems == []


def test_the_audit_sees_what_it_forbids():
    source = 'import sqlite3\nstore.conn.execute("UPDATE spans SET note = ? WHERE id = ?")\n'
    found = [type(node).__name__ for node in ast.walk(ast.parse(source))]
    assert "Import" in found and SQL_TEXT.search("UPDATE spans SET note = ?")
    assert SQL_TEXT.search("INSERT OR IGNORE INTO relations") and not SQL_TEXT.search("Select a label")


def test_the_gui_has_no_sql():
    for path in sorted((PACKAGE / "gui").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert ".execute(" not in source, path
        assert "sqlite3" not in source, path
