"""Command-line suggestions: compute, list, accept and reject them; tag every occurrence of a
string. Part of the one `cli` group (`annotator.cli` adds them to it)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from annotator.cli_common import Context, pass_context, progress_bar
from annotator.core import wording
from annotator.core.model import StoredSuggestion
from annotator.core.output import check_target
from annotator.core.store import Store
from annotator.core.suggest import NAMES

# The recommenders, the formula guard and the occurrence search are imported by the commands that
# use them: every other command, and the window, starts without them.

COLUMNS = (
    "article_id", "start", "end", "label", "text", "source", "score", "speaker_start", "speaker_end",
    "speaker_text",
)  # fmt: skip


def _names(value: str | None, recommenders_only: bool = True) -> list[str] | None:
    """The --source list; for settling suggestions any stored source counts (an import's
    "label-studio" too), for computing them only the recommenders."""
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not recommenders_only:
        return names
    from annotator.core.suggest.runner import check_names

    try:
        return check_names(names)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--source") from None


source_option = click.option(
    "--source",
    help=f"Recommenders, comma-separated ({','.join(NAMES)}); default: all.",
)
article_option = click.option(
    "--article", "articles", type=int, multiple=True, help="Only this article (repeatable)."
)


def _articles(store: Store, articles: Iterable[int]) -> list[int]:
    ids = list(articles)
    for article_id in ids:
        store.article(article_id)  # NotFound names a missing one
    return ids or store.article_ids()


@click.command()
@source_option
@article_option
@pass_context
def suggest(context: Context, source: str | None, articles: tuple[int, ...]) -> None:
    """Compute suggestions (quotes and their speakers, other mentions of tagged actors, repeats
    of tagged strings, learned claims and framing) and keep them apart from the spans until
    someone accepts them. A second run replaces the pending suggestions of the same sources;
    rejected ones are not offered again.

    Example:

        annotator suggest --source quotes,actors

        annotator suggest --article 12 --article 13
    """
    from annotator.core.suggest import learned
    from annotator.core.suggest.runner import suggest_articles

    names = _names(source) or list(NAMES)
    with context.open() as store:
        ids = _articles(store, articles)
        if "learned" in names and not learned.available():
            click.echo(f"  note: {learned.INSTALL_HINT}", err=True)
        with progress_bar(len(ids), "Suggesting") as advance:
            seen = [0]

            def progress(done: int) -> bool:
                advance(done - seen[0])
                seen[0] = done
                return True

            counts = suggest_articles(store, ids, names, progress=progress)
        pending = store.suggestion_counts()
    made = ", ".join(f"{name} {counts.get(name, 0)}" for name in names)
    waiting = sum(pending.values())
    click.echo(f"Suggested in {wording.count(len(ids), 'article')}: {made}. Pending: {waiting:,}.")


def _rows(store: Store, pending: list[StoredSuggestion]) -> Iterable[dict]:
    texts: dict[int, str] = {}
    ranges = {s.id: (s.start, s.end) for s in pending}
    for s in pending:
        text = texts.get(s.article_id)
        if text is None:
            texts.clear()
            text = texts[s.article_id] = store.article(s.article_id).text
        speaker = None
        if s.speaker_span is not None:
            span = store.span(s.speaker_span)
            speaker = (span.start, span.end)
        elif s.speaker_suggestion is not None:
            speaker = ranges.get(s.speaker_suggestion) or _range(store, s.speaker_suggestion)
        yield {
            "article_id": s.article_id,
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "text": text[s.start : s.end],
            "source": s.source,
            "score": s.score,
            "speaker_start": speaker[0] if speaker else None,
            "speaker_end": speaker[1] if speaker else None,
            "speaker_text": text[speaker[0] : speaker[1]] if speaker else None,
        }


def _range(store: Store, suggestion_id: int) -> tuple[int, int]:
    other = store.suggestion(suggestion_id)
    return other.start, other.end


@click.group(invoke_without_command=True)
@source_option
@click.option("--min-score", type=float, help="Only suggestions scored at least this (0 to 1).")
@article_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; default: standard output.",
)
@click.pass_context
def suggestions(
    ctx: click.Context,
    source: str | None,
    min_score: float | None,
    articles: tuple[int, ...],
    fmt: str,
    output: Path | None,
) -> None:
    """List pending suggestions (article id, start, end, label, text, source, score and the
    speaker's start, end and text when there is one); `accept` and `reject` settle them.

    Example:

        annotator suggestions --source quotes --format csv -o quotes.csv

        annotator suggestions accept --source actors --min-score 0.8
    """
    if ctx.invoked_subcommand is not None:
        return
    context: Context = ctx.obj
    with context.open(read_only=True) as store:  # a listing: no backup, no write lock
        pending = _pending(store, source, min_score, articles)
        if output is not None:
            try:
                check_target(store.path, output)
                handle = output.open("w", encoding="utf-8", newline="")
            except OSError as error:
                raise click.ClickException(f"Cannot write {output}: {error.strerror or error}.") from None
        else:
            handle = sys.stdout
        try:
            _write(store, pending, fmt, handle)
        finally:
            if output is not None:
                handle.close()
    if output is not None:
        click.echo(f"Wrote {wording.count(len(pending), 'suggestion')} to {output}.", err=True)


def _write(store: Store, pending: list[StoredSuggestion], fmt: str, handle) -> None:
    from annotator.core.formats.common import neutralise_formula

    if fmt == "jsonl":
        for row in _rows(store, pending):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in _rows(store, pending):
        writer.writerow(
            neutralise_formula(value) if isinstance(value, str) else ("" if value is None else value)
            for value in row.values()
        )


def _pending(
    store: Store, source: str | None, min_score: float | None, articles: tuple[int, ...]
) -> list[StoredSuggestion]:
    names = _names(source, recommenders_only=False) or []
    if not articles:
        return store.suggestions(source=names, min_score=min_score)
    for article_id in articles:
        store.article(article_id)
    return [s for a in articles for s in store.suggestions(a, names, min_score)]


@suggestions.command()
@source_option
@click.option("--min-score", type=float, help="Only suggestions scored at least this (0 to 1).")
@article_option
@pass_context
def accept(context: Context, source: str | None, min_score: float | None, articles: tuple[int, ...]) -> None:
    """Accept pending suggestions: each becomes a span by you (a quote also gets its speaker and
    the said_by relation).

    Example:

        annotator suggestions accept --source quotes --min-score 0.9
    """
    with context.open() as store:
        pending = _pending(store, source, min_score, articles)
        changes = store.accept_suggestions([s.id for s in pending])
    click.echo(
        f"Accepted {wording.count(len(changes.suggestions), 'suggestion')}: "
        f"{wording.count(len(changes.spans), 'new span')}, "
        f"{wording.count(len(changes.relations), 'relation')}."
    )


@suggestions.command()
@source_option
@click.option("--min-score", type=float, help="Only suggestions scored at least this (0 to 1).")
@article_option
@pass_context
def reject(context: Context, source: str | None, min_score: float | None, articles: tuple[int, ...]) -> None:
    """Reject pending suggestions; they are remembered and not offered again.

    Example:

        annotator suggestions reject --source repeat
    """
    with context.open() as store:
        pending = _pending(store, source, min_score, articles)
        changes = store.reject_suggestions([s.id for s in pending])
    click.echo(f"Rejected {wording.count(len(changes.suggestions), 'suggestion')}.")


@click.command(name="tag-all")
@click.argument("needle")
@click.option("--label", required=True, help="The label to give every occurrence.")
@article_option
@click.option("--case-sensitive", is_flag=True, help="Match letter case exactly.")
@click.option("--parts-of-words", is_flag=True, help="Also inside longer words (default: whole words).")
@click.option("--yes", is_flag=True, help="Do it without asking (the count is printed first).")
@pass_context
def tag_all(
    context: Context,
    needle: str,
    label: str,
    articles: tuple[int, ...],
    case_sensitive: bool,
    parts_of_words: bool,
    yes: bool,
) -> None:
    """Tag every occurrence of NEEDLE with a label, in some articles or the whole corpus, in one
    step; it says how many there are before it does it. Occurrences already tagged with the
    label are left as they are.

    Example:

        annotator tag-all "Sergey Lavrov" --label actor
    """
    if not needle.strip():
        raise click.UsageError("NEEDLE is empty: give the text to tag, e.g. tag-all Lavrov --label actor")
    from annotator.core.occurrences import untagged

    with context.open() as store:
        store.label(label)  # NotFound: no such label
        found = [
            (o.article_id, o.start, o.end, label)
            for o in untagged(store, needle, label, _articles(store, articles), not parts_of_words) or []
            if o.same_case or not case_sensitive
        ]
        click.echo(
            f"{wording.count(len(found), 'untagged occurrence')} of {needle!r} in "
            f"{wording.count(len({f[0] for f in found}), 'article')}."
        )
        if not found or not (yes or click.confirm("Tag them all?", default=False)):
            return
        changes = store.add_spans(found)
    click.echo(f"Tagged {wording.count(len(changes.spans), 'occurrence')} as {label}.")
