"""Kill a process that is editing a project, again and again, and prove nothing was lost.

The child (`python crash_harness.py DB LOG SEED`) makes random edits through `Store`. Before each
store call it writes an intent line to LOG, and once the call has returned an acknowledgement line.
The parent (`run_kills`) SIGKILLs it at random moments, then checks that the project passes
`PRAGMA integrity_check` and holds exactly the acknowledged edits, plus at most the one edit that
was in flight, whole. Used by tests/core/test_kill.py (a few kills) and benchmarks/torture.py (≥ 500).
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("claim", "quote", "actor", "framing")
STATUSES = ("new", "in_progress", "done", "skipped")
WORDS = "Lavrov said the alliance is a threat to peace while Kyiv 😀 reports calm".split()


# ----------------------------------------------------------------------------- state
def read_state(path: Path) -> dict:
    """What a user could see, as plain values, read with plain sqlite3 (read-only)."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)  # "#", "?", "%" escaped
    try:
        return {
            "articles": {
                row[0]: tuple(row[1:])
                for row in conn.execute("SELECT id, title, status, length(text) FROM articles")
            },
            "spans": {
                row[0]: tuple(row[1:])
                for row in conn.execute(
                    'SELECT s.id, s.article_id, s.start, s."end", l.name, s.note FROM spans s '
                    "JOIN labels l ON l.id = s.label_id"
                )
            },
            "relations": {
                row[0]: tuple(row[1:])
                for row in conn.execute("SELECT id, from_span, to_span, type FROM relations")
            },
        }
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        broken_links = conn.execute("PRAGMA foreign_key_check").fetchall()
        return result if not broken_links else f"foreign keys broken: {broken_links[:3]}"
    finally:
        conn.close()


def copy_state(state: dict) -> dict:
    return {table: dict(rows) for table, rows in state.items()}


def apply(state: dict, op: dict, new_ids: dict | None = None) -> dict:
    """Make `op` on `state` in place (and return it); `new_ids` are the ids an add created."""
    new_ids = new_ids or {}
    articles, spans, relations = state["articles"], state["spans"], state["relations"]
    kind = op["op"]
    if kind == "add_span":
        spans[new_ids["span"]] = (op["article"], op["start"], op["end"], op["label"], "")
    elif kind == "update_span":
        article = spans[op["span"]][0]
        spans[op["span"]] = (article, op["start"], op["end"], op["label"], op["note"])
    elif kind == "delete_span":
        del spans[op["span"]]
        for relation_id in [k for k, v in relations.items() if op["span"] in v[:2]]:
            del relations[relation_id]
    elif kind == "add_relation":
        relations[new_ids["relation"]] = (op["from"], op["to"], "said_by")
    elif kind == "delete_relation":
        del relations[op["relation"]]
    elif kind == "set_status":
        title, _, length = articles[op["article"]]
        articles[op["article"]] = (title, op["status"], length)
    elif kind == "add_article":
        article_id = new_ids["article"]
        articles[article_id] = (op["title"], "new", len(op["text"]))
        for span_id, (start, end, label) in zip(new_ids["spans"], op["spans"], strict=True):
            spans[span_id] = (article_id, start, end, label, "")
    return state


def created_ids(before: dict, after: dict, op: dict) -> dict:
    """The ids an add created, found by comparing two states (for an unacknowledged add)."""
    new = {table: sorted(set(after[table]) - set(before[table])) for table in before}
    if op["op"] == "add_span" and len(new["spans"]) == 1:
        return {"span": new["spans"][0]}
    if op["op"] == "add_relation" and len(new["relations"]) == 1:
        return {"relation": new["relations"][0]}
    if op["op"] == "add_article" and len(new["articles"]) == 1 and len(new["spans"]) == len(op["spans"]):
        return {"article": new["articles"][0], "spans": new["spans"]}
    return {}


# ----------------------------------------------------------------------------- child
def choose(rng: random.Random, state: dict) -> dict:
    """A random edit that the store will accept in `state`."""
    articles, spans, relations = state["articles"], state["spans"], state["relations"]
    roll = rng.random()
    if roll < 0.05 or not articles:
        title = f"Article {rng.random()}"
        text = " ".join(rng.choices(WORDS, k=rng.randint(5, 30))) + f" ({title})"
        return {
            "op": "add_article",
            "title": title,
            "text": text,
            "spans": [(0, 3, "actor"), (4, 9, "quote")],
        }
    if roll < 0.15:
        return {"op": "set_status", "article": rng.choice(list(articles)), "status": rng.choice(STATUSES)}
    if roll < 0.45 or not spans:
        article = rng.choice(list(articles))
        length = articles[article][2]
        start = rng.randrange(length - 1)
        return {
            "op": "add_span",
            "article": article,
            "start": start,
            "end": rng.randint(start + 1, length),
            "label": rng.choice(LABELS),
        }
    span_id = rng.choice(list(spans))
    article, start, end, _, _ = spans[span_id]
    if roll < 0.65:
        length = articles[article][2]
        new_start = rng.randrange(length - 1)
        return {
            "op": "update_span",
            "span": span_id,
            "start": new_start,
            "end": rng.randint(new_start + 1, length),
            "label": rng.choice(LABELS),
            "note": f"note {rng.randrange(1000)}",
        }
    if roll < 0.80:
        return {"op": "delete_span", "span": span_id}
    if relations and roll < 0.85:
        return {"op": "delete_relation", "relation": rng.choice(list(relations))}
    others = [
        other
        for other, values in spans.items()
        if values[0] == article
        and other != span_id
        and (span_id, other, "said_by") not in set(relations.values())
    ]
    if not others:
        return {"op": "delete_span", "span": span_id}
    return {"op": "add_relation", "from": span_id, "to": rng.choice(others)}


def run_op(store, op: dict) -> dict:
    """Make the edit through the store; returns the ids it created."""
    from annotator.core.model import NewArticle, NewSpan, Status

    kind = op["op"]
    if kind == "add_span":
        changes = store.add_span(op["article"], op["start"], op["end"], op["label"])
        return {"span": next(iter(changes.spans))}
    if kind == "update_span":
        store.update_span(op["span"], start=op["start"], end=op["end"], label=op["label"], note=op["note"])
    elif kind == "delete_span":
        store.delete_span(op["span"])
    elif kind == "add_relation":
        changes = store.add_relation(op["from"], op["to"], "said_by")
        return {"relation": next(iter(changes.relations))}
    elif kind == "delete_relation":
        store.delete_relation(op["relation"])
    elif kind == "set_status":
        store.set_status(op["article"], Status(op["status"]))
    elif kind == "add_article":
        spans = tuple(NewSpan(start, end, label) for start, end, label in op["spans"])
        outcome = store.add_articles([NewArticle(op["title"], op["text"], spans=spans)])
        (article_id,) = outcome.article_ids
        return {"article": article_id, "spans": [s.id for s in store.spans(article_id)]}
    return {}


def child(path: Path, log_path: Path, seed: int) -> None:
    from annotator.core.store import Store

    rng = random.Random(seed)
    with Store.open(path, annotator="torture") as store, log_path.open("a", encoding="utf-8") as log:
        state = read_state(path)
        log.write("ready\n")
        log.flush()
        while True:
            op = choose(rng, state)
            log.write("intent " + json.dumps(op) + "\n")
            log.flush()
            ids = run_op(store, op)
            log.write("ack " + json.dumps(ids) + "\n")  # only once the store call has returned
            log.flush()
            apply(state, op, ids)


# ----------------------------------------------------------------------------- parent
@dataclass
class KillReport:
    kills: int = 0
    acknowledged: int = 0
    in_flight_applied: int = 0
    lost: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def integrity(self) -> str:
        return "ok" if not any(p.startswith("integrity") for p in self.problems) else "FAILED"


def new_project(path: Path) -> None:
    from annotator.core.model import NewArticle
    from annotator.core.store import Store

    with Store.open(path, annotator="torture") as store:
        store.add_articles(
            NewArticle(f"Article {n}", " ".join(WORDS[n:] + WORDS[:n]) + f" {n}.") for n in range(3)
        )


def run_kills(path: Path, kills: int, seed: int = 0, max_delay: float = 0.25) -> KillReport:
    """Start, kill and check the child `kills` times on the project at `path` (created if needed)."""
    rng = random.Random(seed)
    if not path.exists():
        new_project(path)
    report = KillReport()
    log_path = path.with_suffix(".log")
    for round_number in range(kills):
        expected = read_state(path)
        log_path.write_text("", encoding="utf-8")
        process = subprocess.Popen(
            [sys.executable, __file__, str(path), str(log_path), str(rng.randrange(2**32))],
            stderr=subprocess.PIPE,
        )
        if rng.random() < 0.2:  # sometimes while it is still opening the project
            time.sleep(rng.uniform(0, 0.15))
        else:
            deadline = time.monotonic() + 20
            while not log_path.read_text(encoding="utf-8").startswith("ready") and process.poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.002)
            time.sleep(rng.uniform(0, max_delay))
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace").strip().splitlines()[-1:]
            report.problems.append(f"round {round_number}: the child died by itself: {error}")
            break
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stderr.close()
        report.kills += 1
        check = integrity(path)
        if check != "ok":
            report.problems.append(f"integrity after kill {report.kills}: {check}")
            break
        acknowledged, in_flight, lost = verify(path, expected, log_path.read_text(encoding="utf-8"))
        report.acknowledged += acknowledged
        report.in_flight_applied += in_flight
        if lost:
            report.lost += lost
            report.problems.append(f"kill {report.kills}: the project differs from the acknowledged edits")
            break
    return report


def verify(path: Path, before: dict, log: str) -> tuple[int, int, int]:
    """Replay the log's acknowledged edits on `before` and compare with the project.

    Returns (edits acknowledged, 1 if the edit in flight was found applied whole, edits lost).
    """
    expected, pending, acknowledged = copy_state(before), None, 0
    for line in log.splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # a line cut by the kill was not acknowledged
        word, _, payload = line.rstrip("\n").partition(" ")
        if word == "intent":
            pending = json.loads(payload)
        elif word == "ack":
            apply(expected, pending, json.loads(payload))
            acknowledged += 1
            pending = None
    actual = read_state(path)
    if actual == expected:
        return acknowledged, 0, 0
    if pending is not None:
        ids = created_ids(expected, actual, pending)
        if (ids or not pending["op"].startswith("add_")) and actual == apply(expected, pending, ids):
            return acknowledged, 1, 0
    return acknowledged, 0, _count_lost(expected, actual)


def _count_lost(expected: dict, actual: dict) -> int:
    return (
        sum(
            1
            for table in expected
            for key, value in expected[table].items()
            if actual[table].get(key) != value
        )
        or 1
    )


if __name__ == "__main__":
    child(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
