"""Plain text and HTML pages: one file is one article. Offsets do not apply (no spans are read).

A .txt file is the article text (its first line the title). An HTML page gives its readable text
as paragraphs (scripts, navigation, headers, footers and forms dropped) and its title, author,
outlet, date and address from the markup.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from annotator.core.formats.common import ReadOptions
from annotator.core.importers import ImportRefused, read_text
from annotator.core.model import NewArticle
from annotator.core.text import title_from

CARRIES = frozenset({"metadata"})


def read_txt(path: Path, options: ReadOptions) -> list[NewArticle]:
    """A text file: the whole file is the article."""
    text = read_text(path)
    return [NewArticle(title=title_from(text), text=text, source=str(path))]


_DROP = frozenset(
    "script style nav header footer aside noscript template svg form iframe object canvas select "
    "button".split()
)
_BLOCK = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd br hr article section main blockquote tr table pre "
    "figure figcaption address details summary caption body".split()
)


class _HtmlText(HTMLParser):
    """Collects the readable text of a page as paragraphs, plus its title and metadata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.title = ""
        self.h1 = ""
        self.meta: dict[str, str] = {}
        self._chunks: list[str] = []
        self._skip: dict[str, int] = {}
        self._title: list[str] | None = None
        self._h1: list[str] | None = None
        self._pre = 0

    @property
    def _skipping(self) -> bool:
        return any(self._skip.values())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "").strip() for name, value in attrs}
        if tag in _DROP:
            self._skip[tag] = self._skip.get(tag, 0) + 1
        elif tag == "title" and not self.title and not self._skipping:
            self._title = []
        elif tag == "h1" and not self.h1:
            self._h1 = []
        elif tag == "meta":
            key = values.get("property", "").lower() or values.get("name", "").lower()
            if key and values.get("content"):
                self.meta.setdefault(key, values["content"])
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.meta.setdefault("canonical", values.get("href", ""))
        if tag in _BLOCK:
            if self._title is not None:  # an unclosed <title> ends where the body starts
                self.handle_endtag("title")
            self._flush()
        elif tag in ("td", "th"):
            self._chunks.append(" ")
        if tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            if self._skip.get(tag):
                self._skip[tag] -= 1
            return
        if tag == "title" and self._title is not None:
            self.title, self._title = " ".join("".join(self._title).split()), None
        elif tag == "h1" and self._h1 is not None:
            self.h1, self._h1 = " ".join("".join(self._h1).split()), None
        if tag in _BLOCK:
            self._flush()
        if tag == "pre" and self._pre:
            self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)
            return
        if self._h1 is not None:
            self._h1.append(data)
        if self._skipping:
            return
        if self._pre:
            lines = data.split("\n")
            for number, line in enumerate(lines):
                if number:
                    self._flush()
                self._chunks.append(line)
        else:
            self._chunks.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        paragraph = " ".join("".join(self._chunks).split())
        if paragraph:
            self.paragraphs.append(paragraph)
        self._chunks = []


def read_html(path: Path, options: ReadOptions) -> list[NewArticle]:
    """A web page: its readable text as paragraphs, its title and metadata from the markup."""
    markup = read_text(path, html=True)
    parser = _HtmlText()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError as error:  # _markupbase's reaction to some malformed declarations
        raise ImportRefused(path, f"the HTML cannot be parsed ({error})") from None
    text = "\n\n".join(parser.paragraphs)
    if not text:
        raise ImportRefused(path, "no text found in the page")
    meta = parser.meta

    def first(*keys: str) -> str:
        return next((meta[key] for key in keys if meta.get(key)), "")

    return [
        NewArticle(
            title=parser.title or parser.h1 or title_from(text),
            text=text,
            author=first("author", "article:author"),
            outlet=first("og:site_name"),
            published=first("article:published_time", "date"),
            url=first("og:url", "canonical"),
            source=str(path),
        )
    ]
