"""The analysis tables as files to share: one CSV per table, and one self-contained HTML page with
every chart inline as SVG. The page loads nothing: no scripts, fonts, images or styles from
anywhere, and its Content-Security-Policy forbids any request a browser might otherwise make."""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.analysis import Table, shown
from annotator.core.formats.common import neutralise_formula
from annotator.core.model import AnalysisFilter

HTML_ROWS = 200
CSP = "default-src 'none'; style-src 'unsafe-inline'"
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2.5em; border-bottom: 1px solid #ddd; }
p.note { color: #555; } svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border-bottom: 1px solid #eee; padding: 0.2em 0.6em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
"""


def describe_filter(f: AnalysisFilter) -> str:
    """The filter in words, for headings: "all spans" when it restricts nothing."""
    parts = []
    for name, values in (
        ("annotators", f.annotators),
        ("statuses", [str(s) for s in f.statuses]),
        ("outlets", f.outlets),
        ("labels", f.labels),
    ):
        if values:
            parts.append(f"{name}: {', '.join(values)}")
    if f.since or f.until:
        parts.append(f"published {f.since or '…'} to {f.until or '…'}")
    return "; ".join(parts) or "all spans"


def write_csv(table: Table, path: Path) -> None:
    """The whole table; text cells a spreadsheet would run as a formula get a leading `'`."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(table.columns)
        for row in table.rows:
            writer.writerow([neutralise_formula(v) if isinstance(v, str) else v for v in row])


def write_csv_dir(tables: Iterable[Table], folder: Path) -> list[Path]:
    """One `<key>.csv` per table in `folder` (created if missing); the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        path = folder / f"{table.key}.csv"
        write_csv(table, path)
        written.append(path)
    return written


def html_report(title: str, tables: list[Table], f: AnalysisFilter, charts: dict[str, str]) -> str:
    """The page: a heading, then per table its description, chart (inline SVG from `charts`, by
    table key) and first rows. Every piece of project text is escaped."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    coders = ", ".join(f.annotators) if f.annotators else "all annotators"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="note">Spans coded by {html.escape(coders)}. Filter: {html.escape(describe_filter(f))}. '
        f"Made {when} with the annotator program.</p>",
        "<ul>" + "".join(f'<li><a href="#{t.key}">{html.escape(t.title)}</a></li>' for t in tables) + "</ul>",
    ]
    for table in tables:
        parts += [
            f'<h2 id="{table.key}">{html.escape(table.title)}</h2>',
            f'<p class="note">{html.escape(table.description)}</p>',
            charts.get(table.key, ""),
            _html_table(table),
        ]
    parts.append("</body></html>")
    return "\n".join(parts)


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = []
    for row in table.rows[:HTML_ROWS]:
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            number = isinstance(value, int | float)
            cells.append(f"<td{' class=n' if number else ''}>{html.escape(shown(value, column))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = len(table.rows) - HTML_ROWS
    note = f'<p class="note">{more} more rows in {table.key}.csv (--csv-dir).</p>' if more > 0 else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{note}"
