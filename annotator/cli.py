"""The command line: everything that is not hand-tagging. One function per command."""

from __future__ import annotations

import gc
import io
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click

from annotator import __version__
from annotator.cli_common import Context, pass_context, progress_bar
from annotator.cli_suggest import suggest, suggestions, tag_all
from annotator.core import wording
from annotator.core.controls import printable
from annotator.core.errors import AnnotatorError, NameRefused
from annotator.core.formats import EXPORT_FORMATS, FORMATS, IMPORT_FORMATS
from annotator.core.identity import checked_name
from annotator.core.model import AnalysisFilter, Status
from annotator.core.output import OutputRefused, check_target
from annotator.core.project import default_project_path
from annotator.core.scheme import relation_line, rules_from
from annotator.core.store import Store
from annotator.core.store.backup import (
    backup_folder,
    check_backup,
    list_backups,
    newest_good_backup,
    restore_backup,
)
from annotator.core.store.sqlite_errors import header_problem
from annotator.display import display_problem

# What only some commands need (importing, exporting, searching, merging, agreement) is imported
# by those commands: the window, which starts through this module, and every other command start
# without it.

STATUSES = [str(s) for s in Status]


def echo(message: object = "", **kwargs: object) -> None:
    """`click.echo` for every line that may quote a title, name or file name: an escape sequence
    stored in a title is shown as text, never run by the terminal."""
    click.echo(printable(str(message)), **kwargs)


class Group(click.Group):
    """The one place a refusal (`AnnotatorError`: a damaged or busy file, a bad backup, …) becomes
    one clear line and exit code 1 instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AnnotatorError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=Group, invoke_without_command=True)
@click.version_option(__version__, prog_name="annotator")
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    envvar="ANNOTATOR_DB",
    callback=lambda ctx, param, path: None if path is None else project_path(path),
    help="Project file to open or create (default: your default project). Env: ANNOTATOR_DB.",
)
@click.option(
    "--annotator",
    envvar="ANNOTATOR_NAME",
    callback=lambda ctx, param, name: None if name is None else annotator_name(name),
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


def project_path(path: str) -> Path:
    """The --db path; an empty one is refused (as a Path it would be ".", the current folder)."""
    if not path.strip():
        raise click.BadParameter("The project path is empty; give a file name, such as study.annotator.")
    return Path(path)


def annotator_name(name: str) -> str:
    """The --annotator name as it is recorded; refused before any project is opened."""
    try:
        return checked_name(name)
    except NameRefused as error:
        raise click.BadParameter(str(error)) from None


def open_window(context: Context) -> None:
    """Start the GUI; Qt is imported only here so the CLI works without a display."""
    problem = display_problem()
    if problem:
        raise click.ClickException(problem)
    # Starting the window makes many objects and frees few: the collector's passes over them
    # took about a tenth of the start. Paused until the window is painted (`run` resumes it).
    gc.disable()
    try:
        from annotator.gui.app import run
    except ImportError as error:
        gc.enable()
        raise click.ClickException(
            f"The window cannot start ({error}). The command line works: see `annotator --help`."
        ) from None
    try:
        code = run(context.db, context.annotator)
    finally:
        gc.enable()  # also when no window was painted (a project refused before it showed)
    sys.exit(code)


@cli.command(name="open")
@click.argument("project", required=False, type=click.Path(dir_okay=False, path_type=Path))
@pass_context
def open_(context: Context, project: Path | None) -> None:
    """Open a project file (created if it does not exist) in the window.

    Without a file it opens the default project, so the desktop launcher's `open %f` works
    both for a double-clicked project and from the application menu.

    Example:

        annotator open ~/studies/elections.annotator
    """
    if project is not None:
        context.db = project
    open_window(context)


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(IMPORT_FORMATS),
    help="Read PATHS as this format (folders are searched for its files); default: by suffix.",
)
@click.option(
    "--realign",
    is_flag=True,
    help="Move spans whose quoted text sits elsewhere onto it (reported) instead of refusing the file.",
)
@click.option(
    "--skip-bad",
    is_flag=True,
    help="JSONL/doccano: import a file's good records and list the bad lines (default: refuse the file).",
)
@click.option(
    "--text-field", default="text", show_default=True, help="JSONL/doccano: the key holding the text."
)
@click.option(
    "--label-field",
    default="label",
    show_default=True,
    help="JSONL/doccano: the key holding [start, end, label] spans.",
)
@pass_context
def import_(
    context: Context,
    paths: tuple[Path, ...],
    fmt: str | None,
    realign: bool,
    skip_bad: bool,
    text_field: str,
    label_field: str,
) -> None:
    """Import articles from .txt, .html, .csv or .jsonl files or folders (recursively), or from
    a peer tool's export with --format (label-studio, brat, webanno, conll, spacy, qdpx, …).

    Each file is imported whole or not at all; files already imported are skipped.

    Example:

        annotator import news/ extra.jsonl

        annotator import --format brat brat_corpus/
    """
    record_options = skip_bad or text_field != "text" or label_field != "label"
    if record_options and fmt not in ("jsonl", "doccano", "doccano-relations"):
        raise click.UsageError("--skip-bad, --text-field and --label-field need --format jsonl or doccano.")
    from annotator.core.formats import import_files, import_paths

    with context.open() as store:
        with progress_bar(len(import_files(paths, fmt)), "Importing") as advance:
            summary = import_paths(
                store, paths, fmt, realign=realign, skip_bad=skip_bad, text_field=text_field,
                label_field=label_field, progress=lambda path: advance(1),
            )  # fmt: skip
        for line in summary.notes:
            echo(f"  note: {line}", err=True)
    n = wording.count
    added = f"{n(summary.spans_added, 'span')} added to {n(summary.added_to, 'article')} already stored; "
    echo(
        f"Imported {n(summary.articles, 'article')} with {n(summary.spans, 'span')}; "
        + (added if summary.added_to else "")
        + f"skipped {n(len(summary.duplicates), 'duplicate')}; refused {n(len(summary.refused), 'file')}."
    )
    for title in summary.duplicates:
        echo(f"  duplicate: {title}")
    for line in summary.refused:
        echo(f"  refused: {line}", err=True)
    if summary.refused:
        sys.exit(1)


@cli.command(name="export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    help="Format to write; default: the one the output's suffix names (.csv, .json, …), else jsonl.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="File (a folder for brat) to write, or - for standard output (text formats).",
)
@click.option(
    "--qdpx-newlines",
    type=click.Choice(["lf", "crlf"]),
    default="lf",
    show_default=True,
    help="qdpx: line breaks of the sources; crlf for MAXQDA, lf for ATLAS.ti and NVivo.",
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
    "--annotator",
    "only_annotator",
    help="Only the spans (and relations) of this annotator, e.g. gold after adjudication.",
)
@click.option(
    "--no-formula-guard",
    is_flag=True,
    help="CSV: write cells starting with = + - @ as they are (unsafe in spreadsheets).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Folder formats: replace an earlier export in the folder (its files of the same names, and "
    "those it wrote that this export does not); without it such a folder is refused. Other files "
    "there are never touched.",
)
@pass_context
def export_(
    context: Context,
    fmt: str | None,
    output: Path,
    labels: tuple[str, ...],
    statuses: tuple[str, ...],
    only_annotator: str | None,
    no_formula_guard: bool,
    qdpx_newlines: str,
    replace: bool,
) -> None:
    """Export the labelled dataset as JSONL (one article per line), CSV (one span per row) or a
    peer tool's format; what a format cannot carry is listed after the export.

    Every span carries its text; text[start:end] equals it (offsets are code points). A folder
    format writes into a new or empty folder, or adds its files beside those already in a folder;
    with --replace it replaces an earlier export there, removing the files that export wrote and
    this one does not (unless changed since); it deletes nothing else. The project, its side
    files and its backups are never overwritten.

    Example:

        annotator export --format csv --label quote --status done -o quotes.csv

        annotator export --format brat -o brat_corpus
    """
    from annotator.core.formats import export, output_format

    try:
        fmt = output_format(fmt, output)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    with context.open(read_only=True) as store:
        unknown = [name for name in labels if name not in {label.name for label in store.labels()}]
        if unknown:
            raise click.ClickException(f"No label named {', '.join(map(repr, unknown))} in this project.")
        if only_annotator is not None and only_annotator not in store.annotators():
            raise click.ClickException(f"No annotator named {only_annotator!r} in this project.")
        status = [Status(s) for s in statuses]
        total = store.count_spans(status=status, labels=labels, annotator=only_annotator)
        if str(output) == "-" and FORMATS[fmt].output != "text":
            raise click.ClickException(f"{fmt} writes a {FORMATS[fmt].output}: give a path with -o.")
        with progress_bar(total, "Exporting") as advance:
            options = dict(
                status=status,
                labels=labels,
                progress=advance,
                neutralise_formulas=not no_formula_guard,
                annotator=only_annotator,
            )
            if str(output) == "-":
                summary = export(store, fmt, sys.stdout, **options)
            else:
                try:
                    summary = export(store, fmt, output, newlines=qdpx_newlines, replace=replace, **options)
                except OutputRefused as error:
                    hint = " (--replace)" if error.collisions else ""
                    raise click.ClickException(f"{error}{hint}") from None
                except OSError as error:
                    raise click.ClickException(f"Cannot write {output}: {error.strerror or error}.") from None
    if str(output) != "-":
        n = wording.count
        echo(f"Wrote {n(summary.articles, 'article')} and {n(summary.spans, 'span')} to {output}.")
    for line in summary.notes:
        echo(line)
    for line in summary.left_out:
        echo(f"  left out: {line}", err=True)


@cli.command()
@click.option("--status", type=click.Choice(STATUSES), help="Only articles with this status.")
@pass_context
def articles(context: Context, status: str | None) -> None:
    """List articles: id, status, number of spans, title.

    Example:

        annotator articles --status done
    """
    with context.open(read_only=True) as store:
        ids = store.article_ids(Status(status) if status else None)
        for start in range(0, len(ids), 1000):
            rows = store.article_rows(ids[start : start + 1000])
            for article_id in ids[start : start + 1000]:
                row = rows[article_id]
                status = str(row.status) if row.status else "damaged"
                echo(f"{row.id:>6}  {status:<11}  {row.span_count:>5}  {row.title}")
                if row.problem:
                    echo(f"  article {row.id}: {row.problem}", err=True)


@cli.command()
@pass_context
def stats(context: Context) -> None:
    """Count articles by status and spans by label.

    Example:

        annotator stats
    """
    with context.open(read_only=True) as store:
        statuses = store.status_counts()
        labels = store.label_counts()
        echo(f"Project: {store.path}")
        echo(f"Articles: {sum(statuses.values())}")
        for status, count in statuses.items():
            echo(f"  {status:<12} {count:>8}")
        echo(f"Spans: {sum(labels.values())}")
        for label, count in labels.items():
            echo(f"  {label:<12} {count:>8}")


@cli.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="How many results to show.")
@pass_context
def search(context: Context, query: str, limit: int) -> None:
    """Full-text search over titles and texts, best matches first, with snippets.

    Example:

        annotator search "foreign minister"
    """
    from annotator.core.search import left_out_note
    from annotator.core.search import search as search_articles

    with context.open(read_only=True) as store:
        hits = search_articles(store, query, limit=limit)
    if not hits:
        echo("No results.")
    note = left_out_note(query)
    if note:
        echo(f"Note: {note}", err=True)
    for hit in hits:
        echo(f"{hit.article_id:>6}  {hit.title}")
        echo(f"        {hit.snippet}")


@cli.command()
@pass_context
def labels(context: Context) -> None:
    """Show the label scheme: name, shortcut, colour, attributes and the relations a label's
    spans may start (which labels they point to).

    Example:

        annotator labels
    """
    with context.open(read_only=True) as store:
        rules = store.relation_rules()
        for label in store.labels():
            echo(f"{label.name:<12} key {label.shortcut or '-':<2} {label.color}")
            for spec in label.attributes:
                choices = f": {', '.join(spec.choices)}" if spec.choices else ""
                echo(f"    {spec.name} ({spec.kind}){choices}")
            for rule in rules_from(label.name, rules):
                echo(f"    relation {relation_line(rule)}")


@cli.command()
@pass_context
def where(context: Context) -> None:
    """Print the path of the project file in use.

    Example:

        annotator where
    """
    echo(context.db or default_project_path())


@cli.command()
@click.option("--list", "list_only", is_flag=True, help="List the project's backups, newest first.")
@pass_context
def backup(context: Context, list_only: bool) -> None:
    """Back up the project now, into a `backups` folder next to it (the newest 5 are kept).

    A backup is also made when a project is opened, at most every 10 minutes.

    Example:

        annotator backup
        annotator backup --list
    """
    path = context.db or default_project_path()
    if list_only:
        for found in list_backups(path):
            stat = found.stat()
            when = datetime.fromtimestamp(stat.st_mtime).strftime("%Y-%m-%d %H:%M:%S")
            echo(f"{when}  {stat.st_size / 2**20:>8.1f} MB  {found}")
        return
    if not path.is_file():
        raise click.ClickException(f"No project at {path}.")
    with Store.open(path, context.annotator) as store:
        target = store.backup()
    echo(f"Backed up {path} to {target}.")


@cli.command()
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite OUTPUT if it exists.")
@pass_context
def copy(context: Context, output: Path, replace: bool) -> None:
    """Write a complete copy of the project to OUTPUT, to mail or archive.

    Every edit is in the copy, even while the window has the project open; a plain file copy
    can miss the newest ones (they wait in the project's -wal file until the window is idle).

    Example:

        annotator --db study.annotator copy study-for-lead.annotator
    """
    with context.open(read_only=True) as store:
        store.save_copy(output, replace=replace)
    echo(f"Copied {store.path} to {output}.")


@cli.command()
@click.argument("backup_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_context
def restore(context: Context, backup_file: Path | None, yes: bool) -> None:
    """Replace the project's content with a backup (the newest good one if none is given).

    The content it replaces is first kept as a backup itself, so a restore can be undone. A
    damaged project is not opened at all: it is set aside as <name>.damaged-<time> and the backup
    takes its place. A sound project is refused while it is open in the window or another command.

    Example:

        annotator restore
        annotator restore --yes backups/study.annotator-20250101-120000-000000.annotator
    """
    path = context.db or default_project_path()
    if backup_file is None:
        backup_file = newest_good_backup(path)
        if backup_file is None:
            raise click.ClickException(f"{path} has no usable backups in {backup_folder(path)}.")
    check_backup(backup_file)
    if path.exists() and not list_backups(path) and (problem := header_problem(path)):
        raise click.ClickException(
            f"{problem} A restore replaces only a project (or a damaged one that has backups)."
        )
    if not yes:
        click.confirm(f"Replace the content of {path} with {backup_file}?", abort=True)
    saved = restore_backup(path, backup_file)
    kept = f"What it held before is kept in {saved}." if saved else "There was no project file to keep."
    echo(f"Restored {path} from {backup_file}. {kept}")


@cli.command(name="install-desktop")
@click.option("--uninstall", is_flag=True, help="Remove what an earlier install-desktop added.")
def install_desktop(uninstall: bool) -> None:
    """Add annotator to your Linux desktop: a launcher in the application menu, its icon, and
    project files (.annotator) that open in it on a double click. Only for you; no root needed.

    Files go under XDG_DATA_HOME (~/.local/share): applications/, icons/hicolor/, mime/packages/.

    Example:

        annotator install-desktop
    """
    from annotator import desktop

    if sys.platform in ("win32", "darwin"):
        raise click.ClickException("install-desktop is for Linux; on Windows and macOS see README.md.")
    if uninstall:
        files = desktop.uninstall_desktop()
        echo(f"Removed {wording.count(len(files), 'file')} from {desktop.data_home()}.")
    else:
        files = desktop.install_desktop()
        echo(f"Installed the launcher, {len(desktop.ICON_SIZES) + 1} icons and the project file type:")
        echo(f"  {files[0]} starts: {' '.join(desktop.launcher_command())} open FILE")
    for tool in desktop.refresh_caches():
        echo(f"Ran {tool}.")


@cli.command()
@click.argument("others", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--add-articles", is_flag=True, help="Also add articles this project does not have.")
@pass_context
def merge(context: Context, others: tuple[Path, ...], add_articles: bool) -> None:
    """Bring other analysts' spans, relations and statuses into this project.

    Articles are matched by their text, not by id; merging the same file twice changes nothing.
    Each file is merged whole or not at all.

    Example:

        annotator --db lead.annotator merge ana.annotator bob.annotator
    """
    from annotator.core.merge import MergeError, merge_project

    failed = False
    with context.open() as store:
        for other in others:
            try:
                report = merge_project(store, other, add_articles=add_articles)
            except MergeError as error:
                echo(f"refused: {error}", err=True)
                failed = True
                continue
            for line in report.lines(add_articles):
                echo(line)
    if failed:
        raise click.ClickException("Some files were not merged (see above).")


@cli.command()
@pass_context
def annotators(context: Context) -> None:
    """List annotators: spans made and articles marked done by each.

    Example:

        annotator annotators
    """
    with context.open(read_only=True) as store:
        for name, (spans, done) in store.annotators().items():
            shown = name if name.isprintable() else repr(name)  # one stored by an older version
            echo(f"{shown:<20} {spans:>8} spans {done:>6} done")


@cli.command()
@click.option("--annotators", "names", help="Comma-separated names (default: all who marked articles done).")
@click.option("--label", "labels", multiple=True, help="Only this label (repeatable); ALL is then their sum.")
@click.option("--json", "as_json", is_flag=True, help="Print every figure as JSON.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write every figure to this CSV file (- for standard output).",
)
@pass_context
def agreement(
    context: Context, names: str | None, labels: tuple[str, ...], as_json: bool, csv_path: Path | None
) -> None:
    """Inter-annotator agreement per label and overall, on the articles both annotators of a pair
    marked done: span precision/recall/F1 (exact and overlap), token-level Cohen's kappa,
    Krippendorff's alpha (nominal, over tokens) and unitizing alpha (over spans); Fleiss' kappa
    for three or more annotators. Tokens are words; see annotator/core/agreement.py for the
    exact definitions.

    Example:

        annotator agreement --annotators ana,bob --label quote --csv agreement.csv
    """
    from annotator.core.agreement import ALL, compute_agreement, write_csv

    chosen = [name.strip() for name in names.split(",") if name.strip()] if names else None
    with context.open(read_only=True) as store:
        report = compute_agreement(store, chosen, list(labels) or None)
    if csv_path is not None:
        table = io.StringIO()
        write_csv(report, table)
        if str(csv_path) == "-":
            click.echo(table.getvalue(), nl=False)  # CSV: its CRLF line ends stay
        else:
            try:
                csv_path.write_text(table.getvalue(), encoding="utf-8", newline="")
            except OSError as error:
                raise click.ClickException(f"Cannot write {csv_path}: {error.strerror}.") from None
    if as_json:
        echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    if csv_path is not None and str(csv_path) == "-":
        return
    for label in [*report.labels, ALL]:
        echo(f"{label}")
        echo(
            f"  {'pair':<24}{'articles':>9}{'spans':>10}  {'exact P/R/F1':<18}{'overlap P/R/F1':<18}"
            f"{'kappa':>7}{'alpha':>7}{'alpha_u':>8}"
        )
        for row in (pair for pair in report.pairs if pair.label == label):
            exact = "/".join(_figure(x) for x in (row.exact_precision, row.exact_recall, row.exact_f1))
            overlap = "/".join(
                _figure(x) for x in (row.overlap_precision, row.overlap_recall, row.overlap_f1)
            )
            echo(
                f"  {row.a + ' / ' + row.b:<24}{row.articles:>9}{f'{row.spans_a}/{row.spans_b}':>10}  "
                f"{exact:<18}{overlap:<18}{_figure(row.cohen_kappa):>7}{_figure(row.alpha_nominal):>7}"
                f"{_figure(row.alpha_unitized):>8}"
            )
        for row in (group for group in report.groups if group.label == label):
            echo(
                f"  {'all ' + str(len(row.annotators)):<24}{row.articles:>9}{'':>10}  {'Fleiss kappa':<36}"
                f"{_figure(row.fleiss_kappa):>7}{_figure(row.alpha_nominal):>7}{_figure(row.alpha_unitized):>8}"
            )


def analysis_filter_options(command: Callable) -> Callable:
    """The filters every analysis table takes (report, and the same in the Analysis window)."""
    options = [
        click.option(
            "--annotator", "annotators", multiple=True, help="Only this annotator's spans (repeatable)."
        ),
        click.option(
            "--status",
            "statuses",
            multiple=True,
            type=click.Choice(STATUSES),
            help="Only articles with this status (repeatable).",
        ),
        click.option("--outlet", "outlets", multiple=True, help="Only articles of this outlet (repeatable)."),
        click.option(
            "--since", default="", help="Only articles published on or after: 2024, 2024-03 or 2024-03-15."
        ),
        click.option(
            "--until", default="", help="Only articles published on or before (same forms, inclusive)."
        ),
        click.option("--label", "labels", multiple=True, help="Only spans with this label (repeatable)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _analysis_filter(store: Store, **given) -> AnalysisFilter:
    f = AnalysisFilter(
        annotators=tuple(given["annotators"]),
        statuses=tuple(Status(s) for s in given["statuses"]),
        outlets=tuple(given["outlets"]),
        since=given["since"],
        until=given["until"],
        labels=tuple(given["labels"]),
    )
    from annotator.core.analysis import check_filter  # numpy: only for the analysis commands

    try:
        check_filter(f)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    unknown = [name for name in f.labels if name not in {label.name for label in store.labels()}]
    if unknown:
        raise click.ClickException(f"No label named {', '.join(map(repr, unknown))} in this project.")
    return f


def _checked_target(store: Store, target: Path) -> None:
    try:
        check_target(store.path, target)
    except OutputRefused as error:
        raise click.ClickException(str(error)) from None


@cli.command()
@click.option(
    "--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the HTML report here."
)
@click.option(
    "--csv-dir", type=click.Path(file_okay=False, path_type=Path), help="Write one CSV per table here."
)
@analysis_filter_options
@pass_context
def report(context: Context, html_path: Path | None, csv_dir: Path | None, **filters) -> None:
    """The analysis tables: spans per label and frames per outlet and month, the most-quoted
    actors, code co-occurrence and actors quoted together. Without --html or --csv-dir it prints
    the size of each table; --html writes one self-contained page with the charts (it needs no
    network to view), --csv-dir one CSV file per table.

    Example:

        annotator report --html report.html --csv-dir tables --status done --since 2024-01
    """
    from annotator.core import analysis, charts  # numpy and matplotlib: only when a report is made
    from annotator.core.report import html_report, write_csv_dir

    with context.open(read_only=True) as store:
        f = _analysis_filter(store, **filters)
        for target in (html_path, csv_dir):
            if target is not None:
                _checked_target(store, target)
        tables = analysis.tables(store, f)
        try:
            if csv_dir is not None:
                written = write_csv_dir(tables, csv_dir)
                echo(f"Wrote {wording.count(len(written), 'table')} to {csv_dir}.")
            if html_path is not None:
                page = html_report(
                    f"Analysis of {store.path.stem}", tables, f, {t.key: charts.svg(t) for t in tables}
                )
                html_path.write_text(page, encoding="utf-8")
                echo(f"Wrote {html_path}.")
        except OSError as error:
            raise click.ClickException(f"Cannot write {error.filename}: {error.strerror}.") from None
    if html_path is None and csv_dir is None:
        for table in tables:
            echo(f"{table.title}: {len(table.rows)} rows")
        echo("Give --html FILE and/or --csv-dir FOLDER to write them.")


@cli.command()
@click.option("--html", "fmt", flag_value="html", help="An HTML page (the default for a .html output).")
@click.option("--md", "fmt", flag_value="md", help="Markdown (the default otherwise).")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write."
)
@click.option(
    "--examples", default=3, show_default=True, type=click.IntRange(0, 50), help="Examples per label."
)
@pass_context
def codebook(context: Context, fmt: str | None, output: Path, examples: int) -> None:
    """The label scheme as a codebook: each label with its key, colour and description, its
    attributes and their values with descriptions, and real examples from the coded data (the
    span in a little of its context). Descriptions are edited in the window: Edit labels.

    Example:

        annotator codebook --html -o codebook.html --examples 5
    """
    from annotator.core.codebook import write_codebook  # numpy, via the report: only when asked

    with context.open(read_only=True) as store:
        _checked_target(store, output)
        try:
            count = write_codebook(store, output, fmt, examples)
        except OSError as error:
            raise click.ClickException(f"Cannot write {output}: {error.strerror}.") from None
    echo(f"Wrote the codebook of {wording.count(count, 'label')} to {output}.")


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main() -> None:
    """Entry point of the `annotator` script."""
    cli(prog_name="annotator")


for _command in (suggest, suggestions, tag_all):  # the suggestion commands (cli_suggest.py)
    cli.add_command(_command)
