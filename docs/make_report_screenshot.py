"""Re-make docs/report.png: `annotator report --html` on a generated project of a few hundred
coded articles, opened in headless Chromium (Debian's `chromium`), which also records its network
log. Prints the hosts the page made Chromium contact beyond those Chromium contacts for an empty
page (its own update and account checks): the report must add none.

    python docs/make_report_screenshot.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from newsroom import build  # noqa: E402

OUT = Path(__file__).resolve().parent / "report.png"
QUIET = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium(url: str, folder: Path, screenshot: Path | None = None) -> set[str]:
    """Load `url` in headless Chromium; the scheme://host of every request in its net log."""
    log = folder / "netlog.json"
    shot = ["--window-size=1400,1500", f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *QUIET]
        + [f"--log-net-log={log}", *shot, url],
        check=True,
        capture_output=True,
        timeout=120,
    )
    hosts = set()
    for event in json.loads(log.read_text(encoding="utf-8")).get("events", []):
        for key in ("url", "original_url"):
            if key in event.get("params", {}):
                parts = urllib.parse.urlsplit(event["params"][key])
                hosts.add(f"{parts.scheme}://{parts.netloc}")
    return hosts


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="annotator-report-shot-"))
    build(folder / "newsroom.annotator", 400).close()
    page = folder / "report.html"
    subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(folder / "newsroom.annotator"), "report"]
        + ["--html", str(page), "--status", "done", "--status", "in_progress"],
        check=True,
    )
    own = chromium("about:blank", folder)
    added = chromium(page.as_uri(), folder, OUT) - own
    print(f"wrote {OUT}; hosts the report made Chromium contact: {sorted(added) or 'none'}")


if __name__ == "__main__":
    main()
