"""The file-level half of the torture run (issue 11): SIGKILLs during folder exports into the
project's own folder, restores of damaged projects (some killed half-way), and window imports with
the backup timer due (some killed). Each run returns a report whose `lost` must be 0.

Used by benchmarks/torture.py; `python torture_files.py window-import DB FOLDER` is the child
that runs the real window offscreen.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests" / "core"
sys.path.insert(0, str(TESTS))

from crash_harness import integrity, read_state  # noqa: E402

ANNOTATOR = [sys.executable, "-m", "annotator"]
DAMAGE = ("truncated", "overwritten", "corrupted", "emptied", "stale wal")


@dataclass
class Report:
    rounds: int = 0
    kills: int = 0
    lost: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self, what: str) -> list[str]:
        lines = [f"{what}: {self.rounds} rounds, {self.kills} kills, lost {self.lost}"]
        return lines + [f"PROBLEM: {problem}" for problem in self.problems[:10]]

    @property
    def ok(self) -> bool:
        return self.lost == 0 and not self.problems


# ----------------------------------------------------------------------------- helpers
def make_project(path: Path, articles: int) -> None:
    from annotator.core.model import NewArticle, NewSpan
    from annotator.core.store import Store

    path.parent.mkdir(parents=True, exist_ok=True)
    with Store.open(path, annotator="torture") as store:
        store.add_articles(
            NewArticle(f"Article {n}", f"Lavrov said the talks failed, article {n}.\n" * 20,
                       spans=(NewSpan(0, 6, "actor"), NewSpan(7, 11, "claim")))
            for n in range(articles)
        )  # fmt: skip
        store.backup()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill_at_random(process: subprocess.Popen, rng: random.Random, longest: float) -> bool:
    """Kill the process at a random moment of its expected run; True if it was still running."""
    time.sleep(rng.uniform(0, longest))
    if process.poll() is not None:
        process.communicate()
        return False
    process.send_signal(signal.SIGKILL)
    process.communicate()
    return True


# ----------------------------------------------------------------------------- folder exports
def export_kills(rounds: int, seed: int) -> Report:
    """Export brat or webanno (--replace) into the folder holding the project, its backups and
    the analyst's documents, killed at random moments: nothing but export files may change."""
    rng, report = random.Random(seed), Report()
    with tempfile.TemporaryDirectory() as root:
        study = Path(root) / "study #1 100% ünï"
        project = study / "e.annotator"
        make_project(project, 300)
        (study / "sub").mkdir()
        for name in ("notes.docx", "report 100%.pdf", "sub/keep.txt", "000001.odt"):
            (study / name).write_bytes(os.urandom(2048))
        kept = {p: digest(p) for p in study.rglob("*") if p.is_file() and p.name[-4:] not in ("-wal", "-shm")}
        state = read_state(project)
        started = time.perf_counter()
        done = subprocess.run([*ANNOTATOR, "--db", str(project), "export", "--format", "brat", "-o",
                               str(study), "--replace"], capture_output=True, text=True)  # fmt: skip
        longest = (time.perf_counter() - started) * 1.2
        if done.returncode != 0:
            report.problems.append(f"the first export failed: {done.stderr.strip()[-300:]}")
        for _ in range(rounds):
            fmt = rng.choice(("brat", "webanno"))
            process = start([*ANNOTATOR, "--db", str(project), "export", "--format", fmt, "-o", str(study),
                             "--replace"])  # fmt: skip
            report.kills += kill_at_random(process, rng, longest)
            report.rounds += 1
            report.lost += _export_damage(study, project, kept, state, report)
        final = subprocess.run([*ANNOTATOR, "--db", str(project), "export", "--format", "webanno", "-o",
                                str(study), "--replace"], capture_output=True, text=True)  # fmt: skip
        if final.returncode != 0 or not (study / "000001.tsv").is_file():
            report.problems.append(f"the last export failed: {final.stderr.strip()[-300:]}")
        report.lost += _export_damage(study, project, kept, state, report)
    return report


def _export_damage(study: Path, project: Path, kept: dict, state: dict, report: Report) -> int:
    """How many files the export round harmed: documents, backups or the project."""
    lost = 0
    for path, value in kept.items():
        if path != project and (not path.is_file() or digest(path) != value):
            lost += 1
            report.problems.append(f"{path.name} was changed or deleted")
    check = integrity(project)
    if check != "ok" or read_state(project) != state:
        lost += 1
        report.problems.append(f"the project changed during an export ({check})")
    return lost


# ----------------------------------------------------------------------------- restores
def damage(path: Path, how: str, rng: random.Random) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: rng.randrange(100, max(101, len(data) // 2))])
    elif how == "overwritten":
        path.write_bytes(b"Dear colleague, attached is the project. " * 300)
    elif how == "corrupted":
        pages = bytearray(data)
        for page in range(4096, len(pages), 4096):
            pages[page : page + 8] = os.urandom(8)
        path.write_bytes(bytes(pages))
    elif how == "emptied":
        path.write_bytes(b"")
    else:  # "stale wal": a -wal of other content beside a damaged file
        other = path.with_name("other.annotator")
        conn = sqlite3.connect(other)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.commit()
        wal = Path(f"{other}-wal").read_bytes()
        conn.close()
        other.unlink()
        path.write_bytes(data[:4096])
        Path(f"{path}-wal").write_bytes(wal)


def restore_kills(rounds: int, seed: int) -> Report:
    """Damage the project in one of five ways, restore it (half the time killed first, then
    again), and compare with its last backup: every round must get that content back."""
    from annotator.core.model import NewArticle
    from annotator.core.store import Store

    rng, report = random.Random(seed), Report()
    with tempfile.TemporaryDirectory() as root:
        project = Path(root) / "a#b ?%20 c" / "study.annotator"
        make_project(project, 40)
        (project.parent / "study").write_bytes(b"")  # a twin whose backups must never be taken
        for number in range(rounds):
            with Store.open(project, annotator="torture") as store:
                store.add_articles([NewArticle(f"Round {number}", f"Added in round {number}.")])
                store.backup()
            expected = read_state(project)
            how = rng.choice(DAMAGE)
            damage(project, how, rng)
            report.rounds += 1
            if rng.random() < 0.5:
                process = start([*ANNOTATOR, "--db", str(project), "restore", "--yes"])
                report.kills += kill_at_random(process, rng, 1.0)
            done = subprocess.run([*ANNOTATOR, "--db", str(project), "restore", "--yes"],
                                  capture_output=True, text=True)  # fmt: skip
            if done.returncode != 0:
                why = done.stderr.strip()[-300:]
                report.problems.append(f"round {number} ({how}): restore failed: {why}")
                report.lost += 1
                break
            check = integrity(project)
            if check != "ok" or read_state(project) != expected:
                report.lost += 1
                report.problems.append(f"round {number} ({how}): restored content differs ({check})")
                break
    return report


# ----------------------------------------------------------------------------- window imports
def window_imports(rounds: int, seed: int, files: int = 4, rows: int = 1500) -> Report:
    """The real window imports a folder of CSV files just after another program committed, with
    the timed backup due and the change timer firing on every event loop pass; some runs are
    killed. Each file must be there whole or not at all, the project intact, the write lock free,
    and an unkilled run must finish (the timed backup inside the import froze it for good)."""
    rng, report = random.Random(seed), Report()
    with tempfile.TemporaryDirectory() as root:
        project = Path(root) / "window.annotator"
        make_project(project, 5)
        for number in range(rounds):
            folder = Path(root) / f"in{number}"
            folder.mkdir()
            for part in range(files):
                lines = [f"R{number}F{part} {n},Round {number} file {part} row {n}.\n" for n in range(rows)]
                (folder / f"part{part}.csv").write_text("title,text\n" + "".join(lines), encoding="utf-8")
            other = sqlite3.connect(project)
            other.execute("UPDATE articles SET title = title || '' WHERE id = 1")  # another program
            other.commit()
            other.close()
            process = start([sys.executable, __file__, "window-import", str(project), str(folder)])
            report.rounds += 1
            if rng.random() < 0.5:
                report.kills += kill_at_random(process, rng, 6.0)
            else:
                try:
                    out, err = process.communicate(timeout=120)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.communicate()
                    report.problems.append(f"round {number}: the window froze during the import")
                    report.lost += 1
                    break
                if "inside a transaction: 0" not in out or process.returncode != 0:
                    report.problems.append(f"round {number}: {out.strip()[-200:]} {err.strip()[-300:]}")
            report.lost += _import_damage(project, number, files, rows, report)
    return report


def _import_damage(project: Path, number: int, files: int, rows: int, report: Report) -> int:
    check = integrity(project)
    if check != "ok":
        report.problems.append(f"round {number}: integrity {check}")
        return 1
    conn = sqlite3.connect(project, timeout=5)
    try:
        conn.execute("BEGIN IMMEDIATE")  # the write lock is free again
        conn.execute("ROLLBACK")
        lost = 0
        for part in range(files):
            pattern = f"R{number}F{part} %"
            count = conn.execute("SELECT count(*) FROM articles WHERE title LIKE ?", [pattern]).fetchone()[0]
            if count not in (0, rows):
                lost += 1
                report.problems.append(f"round {number}: file {part} half imported ({count} of {rows})")
        return lost
    except sqlite3.OperationalError as error:
        report.problems.append(f"round {number}: {error}")
        return 1
    finally:
        conn.close()


def window_import_child(project: Path, folder: Path) -> None:
    """The window over `project`, importing `folder` with a backup due and the change timer running."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox

    from annotator.core.store import Store
    from annotator.gui import dialogs
    from annotator.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    inside = []
    real = Store.backup_if_due

    def counted(self, interval=0):
        inside.append(self.writing)
        return real(self, interval)

    Store.backup_if_due = counted
    QMessageBox.information = QMessageBox.warning = staticmethod(lambda *a, **k: None)
    dialogs.show_import_summary = lambda parent, summary: None
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Store.open(project, annotator="window"), settings)
    window.edit_backups.interval = 0
    window.events.watch.setInterval(0)
    window.show()
    app.processEvents()
    window.intake.import_paths([folder])
    print(f"backups tried: {len(inside)}; inside a transaction: {sum(inside)}", flush=True)
    window.store.close()


if __name__ == "__main__" and sys.argv[1:2] == ["window-import"]:
    window_import_child(Path(sys.argv[2]), Path(sys.argv[3]))
