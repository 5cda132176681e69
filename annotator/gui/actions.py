"""Every action of the window and its default shortcuts, declared once. Menus, the shortcut
help and tests are built from this table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

Key = QKeySequence.StandardKey


class ActionId(StrEnum):
    NEW_PROJECT = "annotator:file:new"
    OPEN_PROJECT = "annotator:file:open"
    IMPORT = "annotator:file:import"
    IMPORT_FOLDER = "annotator:file:import_folder"
    EXPORT = "annotator:file:export"
    SAVE_COPY = "annotator:file:save_copy"
    BACKUP_NOW = "annotator:file:backup"
    RESTORE_BACKUP = "annotator:file:restore"
    QUIT = "annotator:file:quit"
    UNDO = "annotator:edit:undo"
    REDO = "annotator:edit:redo"
    DELETE_SPAN = "annotator:span:delete"
    RELATE = "annotator:span:relate"
    DELETE_RELATION = "annotator:span:delete_relation"
    NEXT_SPAN = "annotator:span:next"
    PREVIOUS_SPAN = "annotator:span:previous"
    EDIT_SCHEME = "annotator:edit:scheme"
    PREFERENCES = "annotator:edit:preferences"
    TOGGLE_SNAP = "annotator:edit:snap_to_words"
    SELECT_SENTENCE = "annotator:edit:select_sentence"
    SELECT_QUOTATION = "annotator:edit:select_quotation"
    FIND = "annotator:edit:find"
    FIND_NEXT = "annotator:edit:find_next"
    FIND_PREVIOUS = "annotator:edit:find_previous"
    SEARCH_CORPUS = "annotator:edit:search_corpus"
    DONE_AND_NEXT = "annotator:article:done_next"
    SKIP_AND_NEXT = "annotator:article:skip_next"
    NEXT_ARTICLE = "annotator:article:next"
    PREVIOUS_ARTICLE = "annotator:article:previous"
    ZOOM_IN = "annotator:view:zoom_in"
    ZOOM_OUT = "annotator:view:zoom_out"
    TOGGLE_TAGS = "annotator:view:label_tags"
    FOCUS_ARTICLES = "annotator:view:focus_articles"
    FOCUS_TEXT = "annotator:view:focus_text"
    FOCUS_DETAILS = "annotator:view:focus_details"
    FOCUS_SPANS = "annotator:view:focus_spans"
    NEXT_SUGGESTION = "annotator:suggest:next"
    PREVIOUS_SUGGESTION = "annotator:suggest:previous"
    ACCEPT_SUGGESTION = "annotator:suggest:accept"
    REJECT_SUGGESTION = "annotator:suggest:reject"
    ACCEPT_SOURCE = "annotator:suggest:accept_source"
    SUGGEST_CORPUS = "annotator:suggest:corpus"
    TAG_ALL = "annotator:suggest:tag_all"
    ANALYSIS = "annotator:analysis:window"
    CODEBOOK = "annotator:analysis:codebook"
    MERGE = "annotator:team:merge"
    ADJUDICATE = "annotator:team:adjudicate"
    AGREEMENT = "annotator:team:agreement"
    SHORTCUTS = "annotator:help:shortcuts"
    ABOUT = "annotator:help:about"
    CURATION_ACCEPT = "annotator:curation:accept"
    CURATION_REJECT = "annotator:curation:reject"
    CURATION_ACCEPT_AGREED = "annotator:curation:accept_agreed"
    CURATION_NEXT = "annotator:curation:next"
    CURATION_PREVIOUS = "annotator:curation:previous"
    CURATION_UNDO = "annotator:curation:undo"
    CURATION_REDO = "annotator:curation:redo"


@dataclass(frozen=True)
class ActionSpec:
    id: ActionId
    title: str
    shortcuts: tuple[QKeySequence | str | Key, ...] = ()
    tip: str = ""
    checkable: bool = False
    context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut


ACTIONS = (
    ActionSpec(ActionId.NEW_PROJECT, "&New Project…", (Key.New,), "Create a project file anywhere"),
    ActionSpec(ActionId.OPEN_PROJECT, "&Open Project…", (Key.Open,), "Open a project file"),
    ActionSpec(ActionId.IMPORT, "&Import Files…", ("Ctrl+I",), "Import articles or annotations"),
    ActionSpec(ActionId.IMPORT_FOLDER, "Import &Folder…", ("Ctrl+Shift+I",), "Import every file in a folder"),
    ActionSpec(ActionId.EXPORT, "&Export…", ("Ctrl+E",), "Write the labelled dataset"),
    ActionSpec(
        ActionId.SAVE_COPY, "Save a &Copy…", (Key.SaveAs,), "The whole project in one file, to mail on"
    ),
    ActionSpec(ActionId.BACKUP_NOW, "&Back Up Now", (), "Copy the project into its backups folder"),
    ActionSpec(ActionId.RESTORE_BACKUP, "&Restore From Backup…", (), "Replace the project with a backup"),
    ActionSpec(ActionId.QUIT, "&Quit", (Key.Quit, "Ctrl+Q")),
    ActionSpec(ActionId.UNDO, "&Undo", (Key.Undo,)),
    ActionSpec(ActionId.REDO, "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y")),
    ActionSpec(ActionId.DELETE_SPAN, "&Delete Span", ("Del", "Backspace"), "Delete the selected span"),
    ActionSpec(
        ActionId.RELATE,
        "&Attribute Quote to Actor",
        ("R",),
        "With a quote selected, press R, then click or Tab to the actor and press Enter",
    ),
    ActionSpec(
        ActionId.DELETE_RELATION, "Remove Attribution", ("Shift+R",), "Remove the selected span's relations"
    ),
    ActionSpec(ActionId.NEXT_SPAN, "Next Span", ("Tab",)),
    ActionSpec(ActionId.PREVIOUS_SPAN, "Previous Span", ("Shift+Tab",)),
    ActionSpec(ActionId.EDIT_SCHEME, "Edit &Labels…", ("Ctrl+L",), "Add, rename, recolour labels"),
    ActionSpec(ActionId.TOGGLE_SNAP, "&Snap Selection to Words", ("Ctrl+Shift+W",), checkable=True),
    ActionSpec(
        ActionId.PREFERENCES,
        "Pr&eferences…",
        (Key.Preferences, "Ctrl+,"),
        "Your name, new projects folder, text size, snapping, backups",
    ),
    ActionSpec(
        ActionId.SELECT_SENTENCE,
        "Select &Sentence",
        ("Alt+S",),
        "Grow the selection (or the caret) to the whole sentence",
    ),
    ActionSpec(
        ActionId.SELECT_QUOTATION,
        "Select &Quotation",
        ("Alt+Q",),
        "Grow the selection to the quotation marks around it (“ ” „ « » ‹ › 「 」 \" '); again: further out",
    ),
    ActionSpec(ActionId.FIND, "&Find in Article…", (Key.Find,)),
    ActionSpec(ActionId.FIND_NEXT, "Find &Next", (Key.FindNext, "F3")),
    ActionSpec(ActionId.FIND_PREVIOUS, "Find &Previous", (Key.FindPrevious, "Shift+F3")),
    ActionSpec(ActionId.SEARCH_CORPUS, "&Search All Articles…", ("Ctrl+Shift+F",)),
    ActionSpec(
        ActionId.DONE_AND_NEXT,
        "Mark &Done and Next",
        ("Ctrl+Return", "Ctrl+Enter"),
        "Mark this article done and open the next one not done",
    ),
    ActionSpec(ActionId.SKIP_AND_NEXT, "S&kip and Next", ("Ctrl+Shift+Return",)),
    ActionSpec(ActionId.NEXT_ARTICLE, "N&ext Article", ("Alt+Down", "Ctrl+PgDown")),
    ActionSpec(ActionId.PREVIOUS_ARTICLE, "P&revious Article", ("Alt+Up", "Ctrl+PgUp")),
    ActionSpec(ActionId.ZOOM_IN, "Zoom &In", (Key.ZoomIn, "Ctrl+=")),
    ActionSpec(ActionId.ZOOM_OUT, "Zoom &Out", (Key.ZoomOut,)),
    ActionSpec(
        ActionId.TOGGLE_TAGS, "Label &Tags", ("Ctrl+T",), "Show label names where spans start", checkable=True
    ),
    ActionSpec(ActionId.FOCUS_ARTICLES, "Go to &Article List", ("Ctrl+1",)),
    ActionSpec(ActionId.FOCUS_TEXT, "Go to &Text", ("Ctrl+2",)),
    ActionSpec(ActionId.FOCUS_DETAILS, "Go to Span &Details", ("Ctrl+3",)),
    ActionSpec(ActionId.FOCUS_SPANS, "Go to Span &List", ("Ctrl+4",)),
    ActionSpec(
        ActionId.ANALYSIS,
        "&Analysis Tables…",
        ("Ctrl+Alt+A",),
        "Frames by outlet and month, who is quoted, which codes occur together; live as you code",
    ),
    ActionSpec(
        ActionId.CODEBOOK,
        "Export &Codebook…",
        tip="The label scheme with descriptions and real examples, as HTML or Markdown",
    ),
    ActionSpec(
        ActionId.MERGE,
        "&Merge Colleagues' Projects…",
        tip="Bring other analysts' spans into this project (articles matched by their text)",
    ),
    ActionSpec(
        ActionId.ADJUDICATE,
        "&Adjudicate…",
        tip="Compare two annotators and accept or reject their spans into gold",
    ),
    ActionSpec(
        ActionId.NEXT_SUGGESTION, "&Next Suggestion", ("Ctrl+J",), "Go to the next suggestion in the article"
    ),
    ActionSpec(ActionId.PREVIOUS_SUGGESTION, "&Previous Suggestion", ("Ctrl+Shift+J",)),
    ActionSpec(
        ActionId.ACCEPT_SUGGESTION,
        "&Accept Suggestion",
        ("Return", "Enter"),
        "Make the current suggestion a span (its label key does too)",
    ),
    ActionSpec(
        ActionId.REJECT_SUGGESTION,
        "&Reject Suggestion",
        ("Ctrl+Backspace",),
        "Drop the current suggestion (Backspace too); it is not offered again",
    ),
    ActionSpec(
        ActionId.ACCEPT_SOURCE,
        "Accept All From This &Source",
        ("Ctrl+Shift+A",),
        "Accept every suggestion in the article from the current suggestion's recommender",
    ),
    ActionSpec(
        ActionId.SUGGEST_CORPUS,
        "Suggest for &All Articles",
        (),
        "Run the recommenders over the whole corpus in the background",
    ),
    ActionSpec(
        ActionId.TAG_ALL,
        "&Tag All Occurrences…",
        ("Ctrl+Shift+O",),
        "Give the selected span's label to every other occurrence of its text (counted first)",
    ),
    ActionSpec(ActionId.AGREEMENT, "Agreement &Report…", tip="Inter-annotator agreement per label"),
    ActionSpec(ActionId.SHORTCUTS, "&Keyboard Shortcuts", (Key.HelpContents, "F1")),
    ActionSpec(ActionId.ABOUT, "&About annotator"),
)

# The Adjudicate window's single keys: they act while it has the focus.
_IN_DIALOG = Qt.ShortcutContext.WidgetWithChildrenShortcut
CURATION_ACTIONS = (
    ActionSpec(ActionId.CURATION_ACCEPT, "Adjudicate: Accept into Gold", ("A",), context=_IN_DIALOG),
    ActionSpec(ActionId.CURATION_REJECT, "Adjudicate: Reject", ("R", "X"), context=_IN_DIALOG),
    ActionSpec(ActionId.CURATION_ACCEPT_AGREED, "Adjudicate: All Agreed", ("Shift+A",), context=_IN_DIALOG),
    ActionSpec(ActionId.CURATION_NEXT, "Adjudicate: Next Disagreement", ("N", "J"), context=_IN_DIALOG),
    ActionSpec(ActionId.CURATION_PREVIOUS, "Adjudicate: Previous One", ("P", "K"), context=_IN_DIALOG),
    ActionSpec(ActionId.CURATION_UNDO, "Adjudicate: Undo", ("Ctrl+Z",), context=_IN_DIALOG),
    ActionSpec(ActionId.CURATION_REDO, "Adjudicate: Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), context=_IN_DIALOG),
)

MENUS = (
    (
        "&File",
        (
            ActionId.NEW_PROJECT,
            ActionId.OPEN_PROJECT,
            "recent",
            "-",
            ActionId.IMPORT,
            ActionId.IMPORT_FOLDER,
            ActionId.EXPORT,
            "-",
            ActionId.SAVE_COPY,
            ActionId.BACKUP_NOW,
            ActionId.RESTORE_BACKUP,
            "-",
            ActionId.QUIT,
        ),
    ),
    (
        "&Edit",
        (
            ActionId.UNDO,
            ActionId.REDO,
            "-",
            ActionId.DELETE_SPAN,
            ActionId.RELATE,
            ActionId.DELETE_RELATION,
            ActionId.NEXT_SPAN,
            ActionId.PREVIOUS_SPAN,
            "-",
            ActionId.SELECT_SENTENCE,
            ActionId.SELECT_QUOTATION,
            "-",
            ActionId.FIND,
            ActionId.FIND_NEXT,
            ActionId.FIND_PREVIOUS,
            ActionId.SEARCH_CORPUS,
            "-",
            ActionId.TOGGLE_SNAP,
            ActionId.EDIT_SCHEME,
            ActionId.PREFERENCES,
        ),
    ),
    (
        "&Article",
        (
            ActionId.DONE_AND_NEXT,
            ActionId.SKIP_AND_NEXT,
            "-",
            ActionId.NEXT_ARTICLE,
            ActionId.PREVIOUS_ARTICLE,
        ),
    ),
    (
        "&View",
        (
            ActionId.ZOOM_IN,
            ActionId.ZOOM_OUT,
            ActionId.TOGGLE_TAGS,
            "-",
            ActionId.FOCUS_ARTICLES,
            ActionId.FOCUS_TEXT,
            ActionId.FOCUS_DETAILS,
            ActionId.FOCUS_SPANS,
            "-",
            "docks",
        ),
    ),
    (
        "S&uggestions",
        (
            ActionId.NEXT_SUGGESTION,
            ActionId.PREVIOUS_SUGGESTION,
            ActionId.ACCEPT_SUGGESTION,
            ActionId.REJECT_SUGGESTION,
            ActionId.ACCEPT_SOURCE,
            "-",
            ActionId.SUGGEST_CORPUS,
            ActionId.TAG_ALL,
        ),
    ),
    ("&Analysis", (ActionId.ANALYSIS, ActionId.CODEBOOK)),
    ("&Team", (ActionId.MERGE, "-", ActionId.ADJUDICATE, ActionId.AGREEMENT)),
    ("&Help", (ActionId.SHORTCUTS, ActionId.CODEBOOK, "-", ActionId.ABOUT)),  # the codebook: what codes mean
)


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    """The spec's shortcuts as key sequences, standard keys expanded for this platform."""
    sequences: list[QKeySequence] = []
    for shortcut in spec.shortcuts:
        if isinstance(shortcut, Key):
            found = QKeySequence.keyBindings(shortcut)
        else:
            found = [QKeySequence(shortcut)]
        sequences += [s for s in found if not s.isEmpty() and s not in sequences]
    return sequences


def create_actions(parent: QWidget, specs: tuple[ActionSpec, ...] = ACTIONS) -> dict[ActionId, QAction]:
    """One QAction per spec, added to `parent` so its shortcuts work wherever focus is."""
    actions: dict[ActionId, QAction] = {}
    for spec in specs:
        action = QAction(spec.title, parent)
        action.setObjectName(spec.id)
        action.setShortcuts(key_sequences(spec))
        action.setShortcutContext(spec.context)
        action.setCheckable(spec.checkable)
        if spec.tip:
            action.setStatusTip(spec.tip)
            action.setToolTip(spec.tip)
        parent.addAction(action)
        actions[spec.id] = action
    return actions


def label_action(parent: QWidget, name: str, shortcut: str) -> QAction:
    """The action that applies a label: created from the scheme, registered like the others."""
    action = QAction(f"Label as {name}", parent)
    action.setObjectName(f"annotator:label:{name}")
    if shortcut:
        action.setShortcut(QKeySequence(shortcut.upper()))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    parent.addAction(action)
    return action
