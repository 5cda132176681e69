"""Charts of the analysis tables, drawn with matplotlib on a `Figure` (no pyplot, no backend
chosen here): the Analysis window puts the figure on a Qt canvas, the HTML report saves it as SVG.

Bars for counts, lines for months, a heat map for pairs and for frames by outlet. Long tables are
cut to what a chart can show (the table itself keeps every row).
"""

from __future__ import annotations

import io
import math
import re
from collections import defaultdict
from collections.abc import Callable

from matplotlib.figure import Figure

from annotator.core.analysis import Table, shown

TOP_BARS = 20
TOP_LINES = 8
TOP_CELLS = 18


def figure(table: Table, width: float = 9.0, height: float = 5.0) -> Figure:
    """A new figure with the table's chart drawn on it."""
    result = Figure(figsize=(width, height), layout="constrained")
    draw(result, table)
    return result


# Which row of the table a point of the chart (in data coordinates of its first axes) shows.
RowAt = Callable[[float, float], "int | None"]


def draw(target: Figure, table: Table) -> RowAt:
    """Draw `table`'s chart on `target` (cleared first); returns where its rows are, so a click
    on a cell, bar or point can show the spans behind that row."""
    target.clear()
    axes = target.add_subplot()
    if not table.rows:
        axes.set_axis_off()
        message = "Nothing to show with these filters." if table.columns else "Computing…"
        axes.text(0.5, 0.5, message, ha="center", va="center", color="#666")
        return lambda x, y: None
    row_at = {"bars": _bars, "lines": _lines, "heatmap": _heatmap}[table.chart.kind](target, axes, table)
    axes.set_title(table.title, loc="left", fontsize=11)
    return row_at


def _legend(axes, **style) -> None:
    """A legend of what is drawn; none for an empty chart (no dated article: no line), where
    matplotlib would warn on the terminal of `annotator report`."""
    if axes.get_legend_handles_labels()[0]:
        axes.legend(**style)


def _index(position: float, count: int) -> int | None:
    """The item at a position on an axis where items stand at 0, 1, 2…"""
    index = int(math.floor(position + 0.5))
    return index if 0 <= index < count else None


def svg(table: Table, width: float = 9.0, height: float = 5.0) -> str:
    """The chart as an `<svg>` element to put inline in HTML: glyphs as paths, no metadata, no
    namespace URLs (an HTML parser needs none), so nothing in it refers to the network."""
    out = io.StringIO()
    figure(table, width, height).savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
    return re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)


def _column(table: Table, name: str) -> int:
    return table.columns.index(name)


def _bars(target: Figure, axes, table: Table) -> RowAt:
    chart = table.chart
    if chart.series:  # long: groups along x, one bar per series in each
        x, series, value = (_column(table, c) for c in (chart.x, chart.series, chart.values[0]))
        cells: dict[str, dict[str, float]] = defaultdict(dict)
        where: dict[tuple[str, str], int] = {}
        for index, row in enumerate(table.rows):
            cells[row[series]][shown(row[x], chart.x)] = row[value]
            where[row[series], shown(row[x], chart.x)] = index
        groups = sorted({label for values in cells.values() for label in values})
        names = list(cells)
        width = 0.8 / max(1, len(cells))
        for n, (name, values) in enumerate(cells.items()):
            positions = [i + n * width - 0.4 + width / 2 for i in range(len(groups))]
            axes.bar(positions, [values.get(g, 0) for g in groups], width, label=str(name))
        axes.set_xticks(range(len(groups)), groups, rotation=20, ha="right")
        axes.set_ylabel(chart.values[0])
        _legend(axes, fontsize=8, frameon=False)

        def bar_at(x: float, y: float) -> int | None:
            group = _index(x, len(groups))
            if group is None:
                return None
            n = int(math.floor((x - group + 0.4) / width))
            return where.get((names[n], groups[group])) if 0 <= n < len(names) else None

        return bar_at
    rows = table.rows[:TOP_BARS][::-1]  # wide: one horizontal bar per row, the values stacked
    names = [str(row[_column(table, chart.x)]) for row in rows]
    left = [0] * len(rows)
    for column in chart.values:
        values = [row[_column(table, column)] for row in rows]
        axes.barh(names, values, left=left, label=column)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_xlabel(" + ".join(chart.values))
    axes.tick_params(axis="y", labelsize=8)
    _legend(axes, fontsize=8, frameon=False)

    def row_at(x: float, y: float) -> int | None:
        bar = _index(y, len(rows))
        return None if bar is None else len(rows) - 1 - bar

    return row_at


def _lines(target: Figure, axes, table: Table) -> RowAt:
    chart = table.chart
    x, series, value = (_column(table, c) for c in (chart.x, chart.series, chart.values[0]))
    lines: dict[str, dict[str, float]] = defaultdict(dict)
    where: dict[tuple[str, str], int] = {}
    for index, row in enumerate(table.rows):
        if row[x]:  # articles without a date are in the table, not on a time axis
            lines[row[series]][row[x]] = row[value]
            where[row[series], row[x]] = index
    months = sorted({month for values in lines.values() for month in values})
    biggest = sorted(lines, key=lambda name: -sum(lines[name].values()))[:TOP_LINES]
    for name in biggest:
        axes.plot(months, [lines[name].get(m, 0) for m in months], marker="o", markersize=3, label=str(name))
    step = max(1, len(months) // 12)
    axes.set_xticks(range(0, len(months), step), months[::step], rotation=30, ha="right", fontsize=8)
    axes.set_ylabel(chart.values[0])
    title = f"{chart.series} (the {TOP_LINES} largest)" if len(lines) > TOP_LINES else chart.series
    _legend(
        axes,
        fontsize=7,
        frameon=False,
        title=title,
        title_fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1, 1),
    )

    def point_at(x: float, y: float) -> int | None:
        """The nearest point of the month clicked."""
        month = _index(x, len(months))
        if month is None:
            return None
        found = [(abs(lines[n].get(months[month], 0) - y), n) for n in biggest if months[month] in lines[n]]
        return where[min(found)[1], months[month]] if found else None

    return point_at


def _heatmap(target: Figure, axes, table: Table) -> RowAt:
    chart = table.chart
    x, series, value = (_column(table, c) for c in (chart.x, chart.series, chart.values[0]))
    cells: dict[tuple[str, str], float] = {}
    where: dict[tuple[str, str], int] = {}
    totals: dict[str, float] = defaultdict(float)
    symmetric = chart.x.startswith("other_")
    for index, row in enumerate(table.rows):
        a, b = shown(row[series], chart.series), shown(row[x], chart.x)
        cells[a, b] = row[value]
        where[a, b] = where[b, a] = index
        totals[a] += row[value]
        if symmetric:
            cells[b, a] = row[value]
            totals[b] += row[value]
        else:
            totals["\0" + b] += row[value]
    if symmetric:
        names = sorted(totals, key=lambda n: -totals[n])[:TOP_CELLS]
        row_names, column_names = names, names
    else:
        row_names = sorted({a for a, _ in cells}, key=lambda n: -totals[n])[:TOP_CELLS]
        column_names = sorted({b for _, b in cells})
    matrix = [[cells.get((a, b), 0) for b in column_names] for a in row_names]
    image = axes.imshow(matrix, cmap="YlOrRd", aspect="auto")
    axes.set_xticks(
        range(len(column_names)), [_short(n) for n in column_names], rotation=35, ha="right", fontsize=7
    )
    axes.set_yticks(range(len(row_names)), [_short(n) for n in row_names], fontsize=7)
    percent = chart.values[0] == "share"
    if len(row_names) * len(column_names) <= 200:
        peak = max((v for line in matrix for v in line), default=0) or 1
        for i, line in enumerate(matrix):
            for j, v in enumerate(line):
                if v:
                    text = f"{v:.0%}" if percent else str(v)
                    color = "white" if v > peak * 0.6 else "black"
                    axes.text(j, i, text, ha="center", va="center", fontsize=6, color=color)
    bar = target.colorbar(image, ax=axes, shrink=0.8)
    bar.set_label(chart.values[0], fontsize=8)

    def cell_at(x: float, y: float) -> int | None:
        i, j = _index(y, len(row_names)), _index(x, len(column_names))
        return None if i is None or j is None else where.get((row_names[i], column_names[j]))

    return cell_at


def _short(name: str) -> str:
    """A co-occurrence code without its label (`framing.frame=Economic` → `frame=Economic`): the
    axis stays readable; the table keeps the full name."""
    label, dot, rest = name.partition(".")
    return rest if dot and "=" in rest else name
