"""The label scheme: labels with colour, shortcut and attributes; data, not code."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from annotator.core.errors import SchemeError

FRAME_DIMENSIONS = (
    "Economic",
    "Capacity and resources",
    "Morality",
    "Fairness and equality",
    "Legality, constitutionality and jurisprudence",
    "Policy prescription and evaluation",
    "Crime and punishment",
    "Security and defense",
    "Health and safety",
    "Quality of life",
    "Cultural identity",
    "Public opinion",
    "Political",
    "External regulation and reputation",
    "Other",
)

ATTRIBUTE_KINDS = ("choice", "text", "bool")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_NAME = re.compile(r"^[^\s\t\r\n][^\t\r\n]*$")


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute a label's spans can carry; `choices` only for kind "choice". The codebook
    texts: `description` of the attribute and `value_descriptions`, (choice, text) pairs."""

    name: str
    kind: str = "choice"
    choices: tuple[str, ...] = ()
    description: str = ""
    value_descriptions: tuple[tuple[str, str], ...] = ()

    def value_description(self, choice: str) -> str:
        return dict(self.value_descriptions).get(choice, "")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "kind": self.kind, "choices": list(self.choices)}
        if self.description:
            data["description"] = self.description
        described = {choice: text for choice, text in self.value_descriptions if text}
        if described:
            data["value_descriptions"] = described
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AttributeSpec:
        described = data.get("value_descriptions") or {}
        return cls(
            data["name"],
            data.get("kind", "choice"),
            tuple(data.get("choices", ())),
            str(data.get("description") or ""),
            tuple((str(choice), str(text)) for choice, text in described.items())
            if isinstance(described, dict)
            else (),
        )


@dataclass(frozen=True)
class Label:
    """A label of the scheme. `shortcut` is one key (e.g. "c"), empty for none."""

    id: int
    name: str
    color: str
    shortcut: str = ""
    attributes: tuple[AttributeSpec, ...] = field(default=())
    position: int = 0
    description: str = ""  # what the label marks, for the codebook and the palette's tooltip

    def attribute(self, name: str) -> AttributeSpec | None:
        return next((a for a in self.attributes if a.name == name), None)


DEFAULT_SCHEME = (
    Label(
        0,
        "claim",
        "#e6194b",
        "c",
        (
            AttributeSpec("check_worthy", "choice", ("yes", "no")),
            AttributeSpec("stance", "choice", ("supports", "opposes", "neutral")),
        ),
    ),
    Label(0, "quote", "#3c8dde", "q", (AttributeSpec("kind", "choice", ("direct", "indirect")),)),
    Label(
        0,
        "actor",
        "#2ca25f",
        "a",
        (
            AttributeSpec("type", "choice", ("person", "organisation", "state", "group")),
            AttributeSpec("normalised_name", "text"),
        ),
    ),
    Label(0, "framing", "#f0a30a", "f", (AttributeSpec("frame", "choice", FRAME_DIMENSIONS),)),
)

QUOTE_RELATION = "said_by"


# Single keys the annotation window keeps for itself (R attributes a quote); a label may not take
# one. The GUI checks this list against its action table.
WINDOW_KEYS = frozenset({"r"})
MAX_NAME_LENGTH = 60  # a name is shown in the palette, menus and every export's header


def name_key(name: str) -> str:
    """What two label names that look the same share: NFKC-normalised, case-folded, one space
    between words ("Quote", "QUOTE" and the full-width "ｑｕｏｔｅ" are one name)."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a label name, or None."""
    if not name.strip():
        return "A label name cannot be empty."
    if len(name) > MAX_NAME_LENGTH:
        return f"A label name has at most {MAX_NAME_LENGTH} characters, not {len(name):,}."
    if not _NAME.match(name) or name != name.strip():
        return f"A label name is one line of text without tabs or spaces around it: {name!r}"
    hidden = next((char for char in name if unicodedata.category(char) in _INVISIBLE), None)
    if hidden is not None:
        return f"A label name cannot hold invisible characters (U+{ord(hidden):04X} in {name!r})."
    return None


_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def free_shortcut(name: str, taken: set[str]) -> str:
    """A key for a label called `name`: its first free letter or digit, else any free one, else
    none. `taken` holds the lower-case keys in use (the window's own keys are added here)."""
    taken = {key.lower() for key in taken} | WINDOW_KEYS
    letters = [c for c in name.lower() if c.isascii() and c.isalnum()]
    candidates = letters + list(string.ascii_lowercase + string.digits)
    return next((key for key in candidates if key not in taken), "")


@dataclass(frozen=True)
class RelationRule:
    """A relation of `type` goes from a span of label `source` to a span of one of `targets`;
    `single`: a source span has at most one relation of this type (a new one replaces it)."""

    type: str
    source: str
    targets: tuple[str, ...]
    single: bool = True


DEFAULT_RELATION_RULES = (RelationRule(QUOTE_RELATION, "quote", ("actor",)),)
"""The rules a new project starts with: a quote is said by one actor."""


def rules_from(label: str, rules: Iterable[RelationRule]) -> list[RelationRule]:
    """The rules a span of `label` can start a relation by."""
    return [rule for rule in rules if rule.source == label]


def rule_to(label: str, rules: Iterable[RelationRule]) -> RelationRule | None:
    """The first of `rules` whose targets include `label`."""
    return next((rule for rule in rules if label in rule.targets), None)


def relation_line(rule: RelationRule) -> str:
    """A rule in words, for the codebook and `annotator labels`: `said_by → actor (at most one)`."""
    number = " (at most one)" if rule.single else " (any number)"
    return f"{rule.type} → {' or '.join(rule.targets)}{number}"


def validate_rules(rules: Iterable[RelationRule], labels: Iterable[Label]) -> None:
    """Raise SchemeError unless every rule names a relation type and labels of the scheme, with
    at most one rule per relation type and source label."""
    names = {label.name for label in labels}
    seen = set()
    for rule in rules:
        if not rule.type.strip() or not _NAME.match(rule.type) or rule.type != rule.type.strip():
            raise SchemeError(f"A relation type is one line of text without tabs: {rule.type!r}")
        if len(rule.type) > MAX_NAME_LENGTH:
            raise SchemeError(f"A relation type has at most {MAX_NAME_LENGTH} characters.")
        if not rule.targets:
            raise SchemeError(f"The relation {rule.type!r} of {rule.source!r} needs a label to point to.")
        unknown = [name for name in (rule.source, *rule.targets) if name not in names]
        if unknown:
            raise SchemeError(f"The relation {rule.type!r} names a label the scheme lacks: {unknown[0]!r}")
        if (rule.type, rule.source) in seen:
            raise SchemeError(f"The relation {rule.type!r} of {rule.source!r} is listed twice.")
        seen.add((rule.type, rule.source))


def validate_label(label: Label, others: list[Label]) -> None:
    """Raise SchemeError unless `label` can join `others` (unique name and shortcut)."""
    problem = name_problem(label.name)
    if problem:
        raise SchemeError(problem)
    if not _COLOR.match(label.color):
        raise SchemeError(f"A colour must look like #rrggbb, not {label.color!r}")
    if len(label.shortcut) > 1 or label.shortcut.isspace():
        raise SchemeError(f"A shortcut is a single key, not {label.shortcut!r}")
    if label.shortcut.lower() in WINDOW_KEYS:
        raise SchemeError(f"Key {label.shortcut.upper()!r} is used by the window itself; choose another.")
    key = name_key(label.name)
    for other in others:
        if other.id == label.id:
            continue
        if other.name == label.name:
            raise SchemeError(f"There is already a label named {label.name!r}")
        if name_key(other.name) == key:
            raise SchemeError(
                f"{label.name!r} looks the same as the label {other.name!r} (names are compared "
                "ignoring case and character width); choose another name or use that label."
            )
        if label.shortcut and other.shortcut.lower() == label.shortcut.lower():
            raise SchemeError(f"Shortcut {label.shortcut!r} is already used by {other.name!r}")
    names = [a.name for a in label.attributes]
    if len(set(names)) != len(names):
        raise SchemeError(f"Attribute names of {label.name!r} must be unique")
    for spec in label.attributes:
        if spec.kind not in ATTRIBUTE_KINDS:
            raise SchemeError(f"Attribute kind must be one of {ATTRIBUTE_KINDS}, not {spec.kind!r}")
        if spec.kind == "choice" and not spec.choices:
            raise SchemeError(f"Attribute {spec.name!r} needs at least one choice")
