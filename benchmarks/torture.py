"""Torture run: SIGKILL an editing process hundreds of times, kill folder exports and restores of
damaged projects, import in the window with the backup timer due, then fuzz the importers.

python benchmarks/torture.py                  # 500 kills, 40+40+10 file rounds, 2,000 fuzz examples
python benchmarks/torture.py --kills 50 --export-kills 10 --restores 10 --window-imports 4 --fuzz 0

Prints kills, acknowledged edits, lost edits (must be 0) and the integrity check; exits 1 on a loss.
The same harness runs a few kills in CI (tests/core/test_kill.py); the file rounds are in
benchmarks/torture_files.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests" / "core"
sys.path.insert(0, str(TESTS))

from crash_harness import integrity, run_kills  # noqa: E402
from torture_files import export_kills, restore_kills, window_imports  # noqa: E402


def kill_run(kills: int, seed: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "torture.annotator"
        started = time.perf_counter()
        report = run_kills(path, kills, seed=seed)
        elapsed = time.perf_counter() - started
        final = integrity(path)
    print(f"kills:                    {report.kills}")
    print(f"edits acknowledged:       {report.acknowledged}")
    print(f"in-flight edits found whole after the kill: {report.in_flight_applied}")
    print(f"edits lost:               {report.lost}")
    print(f"integrity_check:          {final} (after every kill: {report.integrity})")
    print(f"time:                     {elapsed:.1f} s")
    for problem in report.problems:
        print(f"PROBLEM: {problem}")
    return report.lost == 0 and not report.problems and final == "ok" and report.kills == kills


def file_runs(exports: int, restores: int, imports: int, seed: int) -> bool:
    ok = True
    for what, run, rounds in (
        ("folder exports into the project's folder", export_kills, exports),
        ("restores of damaged projects", restore_kills, restores),
        ("window imports with the backup timer due", window_imports, imports),
    ):
        if rounds:
            started = time.perf_counter()
            report = run(rounds, seed)
            print("\n".join(report.lines(what)) + f" ({time.perf_counter() - started:.0f} s)")
            ok = ok and report.ok
    return ok


def fuzz_run(examples: int) -> bool:
    import pytest

    os.environ["ANNOTATOR_FUZZ_EXAMPLES"] = str(examples)
    started = time.perf_counter()
    code = pytest.main(["-q", "-p", "no:cacheprovider", str(TESTS / "test_fuzz_importers.py")])
    print(f"fuzzing {examples} examples per test: exit {int(code)} in {time.perf_counter() - started:.0f} s")
    return code == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--export-kills", type=int, default=40, help="killed folder exports")
    parser.add_argument("--restores", type=int, default=40, help="damaged projects restored")
    parser.add_argument("--window-imports", type=int, default=10, help="window imports, half killed")
    parser.add_argument("--fuzz", type=int, default=2000, help="examples per fuzz test (0: skip)")
    args = parser.parse_args()
    ok = kill_run(args.kills, args.seed)
    ok = file_runs(args.export_kills, args.restores, args.window_imports, args.seed) and ok
    if args.fuzz:
        ok = fuzz_run(args.fuzz) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
