"""The scheme as a codebook, the document a content-analysis study publishes: every label with its
key, colour and description, its attributes and their values with descriptions, the relations it
may start (which labels they point to), and real examples from the coded data. Markdown or a
self-contained HTML page; project text is always escaped."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.model import SpanHit
from annotator.core.scheme import Label, RelationRule, relation_line, rules_from

if TYPE_CHECKING:
    from annotator.core.store import Store

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|~&])")


def write_codebook(store: Store, path: Path, fmt: str | None = None, examples: int = 3) -> int:
    """Write the codebook of `store` to `path`: HTML for fmt "html" (or a .html path when fmt is
    None), else Markdown. Returns the number of labels."""
    fmt = fmt or ("html" if path.suffix.lower() in (".html", ".htm") else "md")
    labels = store.labels()
    found = {label.name: store.label_examples(label.name, examples) for label in labels} if examples else {}
    title = f"Codebook: {store.path.stem}"
    rules = store.relation_rules()
    write = html_page if fmt == "html" else markdown
    text = write(title, labels, found, rules)
    path.write_text(text, encoding="utf-8")
    return len(labels)


def label_tooltip(label: Label) -> str:
    """What the palette shows on hover (plain text; the caller escapes it)."""
    lines = [label.description] if label.description else []
    for spec in label.attributes:
        line = f"{spec.name}" + (f": {spec.description}" if spec.description else "")
        lines.append(line)
        lines += [
            f"  {value}: {spec.value_description(value)}"
            for value in spec.choices
            if spec.value_description(value)
        ]
    return "\n".join(lines)


def markdown(
    title: str, labels: list[Label], examples: dict[str, list[SpanHit]], rules: tuple[RelationRule, ...] = ()
) -> str:
    out = [f"# {_md(title)}", ""]
    for label in labels:
        key = f" — key {_md(label.shortcut.upper())}" if label.shortcut else ""
        out += [f"## {_md(label.name)}", "", f"Colour `{label.color}`{key}", ""]
        if label.description:
            out += [_md(label.description), ""]
        for spec in label.attributes:
            kind = {"choice": "one of", "text": "free text", "bool": "yes or no"}[spec.kind]
            out.append(
                f"- **{_md(spec.name)}** ({kind})"
                + (f": {_md(spec.description)}" if spec.description else "")
            )
            for value in spec.choices:
                text = spec.value_description(value)
                out.append(f"  - *{_md(value)}*" + (f": {_md(text)}" if text else ""))
        if label.attributes:
            out.append("")
        relations = [_md(relation_line(rule)) for rule in rules_from(label.name, rules)]
        if relations:
            out += ["Relations:", "", *(f"- {line}" for line in relations), ""]
        hits = examples.get(label.name, [])
        if hits:
            out += ["Examples:", ""]
            for hit in hits:
                before, span, after = _parts(hit)
                out.append(f"> …{_md(before)}**{_md(span)}**{_md(after)}… ({_md(hit.title)})")
                out.append("")
    return "\n".join(out).rstrip() + "\n"


def html_page(
    title: str, labels: list[Label], examples: dict[str, list[SpanHit]], rules: tuple[RelationRule, ...] = ()
) -> str:
    from annotator.core.report import CSP  # with the analysis tables: not loaded for a tooltip

    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>{e(title)}</title><style>body {{ font-family: system-ui, sans-serif; max-width: 50em; "
        "margin: 2em auto; color: #222; } .swatch { display: inline-block; width: 1em; height: 1em; "
        "vertical-align: middle; border-radius: 2px; } "
        "blockquote { color: #444; border-left: 3px solid #ccc; margin-left: 0; padding-left: 1em; } "
        "mark { padding: 0 2px; }</style></head><body>",
        f"<h1>{e(title)}</h1>",
    ]
    for label in labels:
        color = label.color if re.fullmatch(r"#[0-9a-fA-F]{6}", label.color) else "#888888"
        key = f" — key <kbd>{e(label.shortcut.upper())}</kbd>" if label.shortcut else ""
        out.append(f'<h2><span class="swatch" style="background: {color}"></span> {e(label.name)}</h2>')
        out.append(f"<p>Colour <code>{color}</code>{key}</p>")
        if label.description:
            out.append(f"<p>{e(label.description)}</p>")
        if label.attributes:
            out.append("<ul>")
            for spec in label.attributes:
                kind = {"choice": "one of", "text": "free text", "bool": "yes or no"}[spec.kind]
                text = f": {e(spec.description)}" if spec.description else ""
                values = "".join(
                    f"<li><i>{e(value)}</i>{_colon(e(spec.value_description(value)))}</li>"
                    for value in spec.choices
                )
                values = f"<ul>{values}</ul>" if values else ""
                out.append(f"<li><b>{e(spec.name)}</b> ({kind}){text}{values}</li>")
            out.append("</ul>")
        relations = [f"<li>{e(relation_line(rule))}</li>" for rule in rules_from(label.name, rules)]
        if relations:
            out.append(f"<p>Relations:</p><ul>{''.join(relations)}</ul>")
        hits = examples.get(label.name, [])
        if hits:
            out.append("<p>Examples:</p>")
            for hit in hits:
                before, span, after = _parts(hit)
                out.append(
                    f"<blockquote>…{e(before)}"
                    f'<mark style="background: {color}40">{e(span)}</mark>{e(after)}… '
                    f"<small>({e(hit.title)})</small></blockquote>"
                )
    out.append("</body></html>")
    return "\n".join(out)


def _parts(hit: SpanHit) -> tuple[str, str, str]:
    """The context before the span, the span and the context after, each on one line."""
    pieces = (hit.context[: hit.context_start], hit.context[hit.context_start : hit.context_end])
    return (
        *(re.sub(r"\s+", " ", piece) for piece in pieces),
        re.sub(r"\s+", " ", hit.context[hit.context_end :]),
    )


def _colon(text: str) -> str:
    return f": {text}" if text else ""


def _md(text: str) -> str:
    """Text as Markdown shows it: every character Markdown (or HTML inside it) would read escaped."""
    return _MARKDOWN.sub(r"\\\1", re.sub(r"\s+", " ", text))
