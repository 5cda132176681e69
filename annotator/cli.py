"""The command line: everything that is not hand-tagging. One function per command."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from annotator import __version__
from annotator.core.exporters import EXPORT_FORMATS, export
from annotator.core.importers import find_files, import_paths
from annotator.core.model import Status
from annotator.core.project import default_project_path, open_project
from annotator.core.search import search as search_articles
from annotator.core.store import Store, StoreError

STATUSES = [str(s) for s in Status]


class Context:
    """What the group's options say, handed to every command."""

    def __init__(self, db: Path | None, annotator: str | None):
        self.db = db
        self.annotator = annotator

    def open(self) -> Store:
        try:
            return open_project(self.db, self.annotator)
        except StoreError as error:
            raise click.ClickException(str(error)) from None


pass_context = click.make_pass_decorator(Context)


@contextlib.contextmanager
def progress_bar(length: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; silent when output is piped or redirected."""
    if not sys.stderr.isatty() or length == 0:
        yield lambda n: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="annotator")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="ANNOTATOR_DB",
    help="Project file to open or create (default: your default project). Env: ANNOTATOR_DB.",
)
@click.option(
    "--annotator",
    envvar="ANNOTATOR_NAME",
    help="Your name, recorded on every span you make. Env: ANNOTATOR_NAME.",
)
@click.pass_context
def cli(ctx: click.Context, db: Path | None, annotator: str | None) -> None:
    """Annotate claims, quotes, actors and framing in news articles.

    With no command, opens the annotation window.

    Example:

        annotator --db study.annotator import articles/
    """
    ctx.obj = Context(db, annotator)
    if ctx.invoked_subcommand is None:
        open_window(ctx.obj)


def open_window(context: Context) -> None:
    """Start the GUI; Qt is imported only here so the CLI works without a display."""
    try:
        from annotator.gui.app import run
    except ImportError as error:
        raise click.ClickException(
            f"The window cannot start ({error}). The command line works: see `annotator --help`."
        ) from None
    sys.exit(run(context.db, context.annotator))


@cli.command(name="open")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@pass_context
def open_(context: Context, project: Path) -> None:
    """Open a project file (created if it does not exist) in the window.

    Example:

        annotator open ~/studies/elections.annotator
    """
    context.db = project
    open_window(context)


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_context
def import_(context: Context, paths: tuple[Path, ...]) -> None:
    """Import articles from .txt, .html, .csv or .jsonl files or folders (recursively).

    Each file is imported whole or not at all; files already imported are skipped.

    Example:

        annotator import news/ extra.jsonl
    """
    with context.open() as store:
        files, _ = find_files(paths)
        with progress_bar(len(files), "Importing") as advance:
            try:
                summary = import_paths(store, paths, progress=lambda path: advance(1))
            except StoreError as error:
                raise click.ClickException(str(error)) from None
    click.echo(
        f"Imported {summary.articles} articles with {summary.spans} spans; "
        f"skipped {len(summary.duplicates)} duplicates; refused {len(summary.refused)} files."
    )
    for title in summary.duplicates:
        click.echo(f"  duplicate: {title}")
    for line in summary.refused:
        click.echo(f"  refused: {line}", err=True)
    if summary.refused:
        sys.exit(1)


@cli.command(name="export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="jsonl", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write, or - for standard output.",
)
@click.option("--label", "labels", multiple=True, help="Only spans with this label (repeatable).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    help="Only articles with this status (repeatable).",
)
@click.option(
    "--no-formula-guard",
    is_flag=True,
    help="CSV: write cells starting with = + - @ as they are (unsafe in spreadsheets).",
)
@pass_context
def export_(
    context: Context,
    fmt: str,
    output: Path,
    labels: tuple[str, ...],
    statuses: tuple[str, ...],
    no_formula_guard: bool,
) -> None:
    """Export the labelled dataset as JSONL (one article per line) or CSV (one span per row).

    Every span carries its text; text[start:end] equals it (offsets are code points).

    Example:

        annotator export --format csv --label quote --status done -o quotes.csv
    """
    with context.open() as store:
        unknown = [name for name in labels if name not in {label.name for label in store.labels()}]
        if unknown:
            raise click.ClickException(f"No label named {', '.join(map(repr, unknown))} in this project.")
        status = [Status(s) for s in statuses]
        total = store.count_spans(status=status, labels=labels)
        with progress_bar(total, "Exporting") as advance, _output(output) as out:
            summary = export(
                store,
                fmt,
                out,
                status=status,
                labels=labels,
                progress=advance,
                neutralise_formulas=not no_formula_guard,
            )
    if str(output) != "-":
        click.echo(f"Wrote {summary.articles} articles and {summary.spans} spans to {output}.")


@contextlib.contextmanager
def _output(path: Path) -> Iterator:
    """Standard output, or a file that appears only once it is complete."""
    if str(path) == "-":
        yield sys.stdout
        return
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    except OSError as error:
        raise click.ClickException(f"Cannot write to {path.parent}: {error.strerror}.") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temp, path)
    except OSError as error:
        raise click.ClickException(f"Cannot write {path}: {error.strerror}.") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


@cli.command()
@click.option("--status", type=click.Choice(STATUSES), help="Only articles with this status.")
@pass_context
def articles(context: Context, status: str | None) -> None:
    """List articles: id, status, number of spans, title.

    Example:

        annotator articles --status done
    """
    with context.open() as store:
        ids = store.article_ids(Status(status) if status else None)
        for start in range(0, len(ids), 1000):
            rows = store.article_rows(ids[start : start + 1000])
            for article_id in ids[start : start + 1000]:
                row = rows[article_id]
                click.echo(f"{row.id:>6}  {row.status:<11}  {row.span_count:>5}  {row.title}")


@cli.command()
@pass_context
def stats(context: Context) -> None:
    """Count articles by status and spans by label.

    Example:

        annotator stats
    """
    with context.open() as store:
        statuses = store.status_counts()
        labels = store.label_counts()
        click.echo(f"Project: {store.path}")
        click.echo(f"Articles: {sum(statuses.values())}")
        for status, count in statuses.items():
            click.echo(f"  {status:<12} {count:>8}")
        click.echo(f"Spans: {sum(labels.values())}")
        for label, count in labels.items():
            click.echo(f"  {label:<12} {count:>8}")


@cli.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="How many results to show.")
@pass_context
def search(context: Context, query: str, limit: int) -> None:
    """Full-text search over titles and texts, best matches first, with snippets.

    Example:

        annotator search "foreign minister"
    """
    with context.open() as store:
        hits = search_articles(store, query, limit=limit)
    if not hits:
        click.echo("No results.")
    for hit in hits:
        click.echo(f"{hit.article_id:>6}  {hit.title}")
        click.echo(f"        {hit.snippet}")


@cli.command()
@pass_context
def labels(context: Context) -> None:
    """Show the label scheme: name, shortcut, colour and attributes.

    Example:

        annotator labels
    """
    with context.open() as store:
        for label in store.labels():
            click.echo(f"{label.name:<12} key {label.shortcut or '-':<2} {label.color}")
            for spec in label.attributes:
                choices = f": {', '.join(spec.choices)}" if spec.choices else ""
                click.echo(f"    {spec.name} ({spec.kind}){choices}")


@cli.command()
@pass_context
def where(context: Context) -> None:
    """Print the path of the project file in use.

    Example:

        annotator where
    """
    click.echo(context.db or default_project_path())


def main() -> None:
    """Entry point of the `annotator` script."""
    cli(prog_name="annotator")
