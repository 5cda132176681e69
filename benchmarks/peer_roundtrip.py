"""Do the real peer tools accept what we write? Label Studio 1.23 and doccano 1.8.4 import our
exports through their own APIs and export them back; spans (and Label Studio's relations) are
matched against ours. Not part of CI: it installs both tools into virtualenvs under a temporary
folder (PyPI must be reachable; about 1.7 GB and a few minutes) and starts them on 127.0.0.1.

    python benchmarks/peer_roundtrip.py                 # fresh venvs in a temporary folder
    python benchmarks/peer_roundtrip.py --venvs DIR     # reuse (or make) DIR/ls and DIR/dc

Prints, per format, "spans matched / total" (a span matches when the tool gives back the same
start, end and label on the same text, and the text at that range is the span's text).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.formats import export  # noqa: E402
from annotator.core.model import NewArticle, NewRelation, NewSpan, Status  # noqa: E402
from annotator.core.store import Store  # noqa: E402

# doccano 1.8.4 leaves some dependencies open, and today's releases break it: with marshmallow 4
# its command line fails at import ("module 'marshmallow' has no attribute '__version_info__'"),
# with numpy 2 its pandas 1.5 does ("numpy.dtype size changed").
PEERS = {"ls": ["label-studio==1.23.*"], "dc": ["doccano==1.8.4", "marshmallow<4", "numpy<2"]}
VENV_OF = {"doccano": "dc", "label-studio": "ls"}
HOST = "127.0.0.1"

# Texts that tripped peers before: emoji (UTF-16), combining marks, right-to-left, line breaks,
# overlapping and nested spans, two annotators, metadata on some articles only.
CORPUS = [
    ("Sergey Lavrov said the sanctions \u201cfailed completely\u201d, a claim 😀 others doubt.",
     [("Sergey Lavrov", "actor", "ana"), ("Lavrov", "actor", "ana"),
      ("\u201cfailed completely\u201d", "quote", "ana"), ("the sanctions \u201cfailed", "claim", "ana"),
      ("😀", "claim", "bob"), ("Sergey Lavrov", "actor", "bob")],
     [(2, 0, "said_by")], {"outlet": "Wire", "meta": {"section": "world"}}),
    ("Flags 🇺🇦 and 🇷🇺 side by side: 🇺🇦🇷🇺! Cafe\u0301 owners said no.",
     [("🇺🇦🇷🇺", "framing", "ana"), ("Cafe\u0301 owners", "actor", "ana")], [], {}),
    ("قال الوزير إن العقوبات فشلت. \u05d4\u05e9\u05e8 \u05d0\u05de\u05e8 shalom.",
     [("الوزير", "actor", "ana"), ("قال الوزير إن العقوبات فشلت", "quote", "ana")], [(1, 0, "said_by")],
     {"author": "Staff"}),
    ("Lavrov said:\n\u201cThe talks failed.\u201d\n\nThe end.",
     [("Lavrov", "actor", "bob"), ("said:\n\u201cThe talks failed.\u201d", "quote", "bob")],
     [(1, 0, "said_by")], {}),
]  # fmt: skip


def make_project(path: Path) -> Store:
    store = Store.open(path, annotator="lead")
    articles = []
    for number, (text, parts, relations, fields) in enumerate(CORPUS):
        spans = tuple(
            NewSpan(text.index(p), text.index(p) + len(p), label, annotator=who) for p, label, who in parts
        )
        links = tuple(NewRelation(a, b, kind) for a, b, kind in relations)
        articles.append(
            NewArticle(f"Article {number}", text, spans=spans, relations=links, status=Status.DONE, **fields)
        )
    store.add_articles(articles)
    return store


def ours(store: Store) -> tuple[Counter, Counter]:
    spans, relations = Counter(), Counter()
    for article, article_spans, article_relations in store.iter_annotated():
        by_id = {s.id: (s.start, s.end, s.label) for s in article_spans}
        spans.update((article.text, s.start, s.end, s.label) for s in article_spans)
        relations.update(
            (article.text, by_id[r.from_span], by_id[r.to_span], r.type) for r in article_relations
        )
    return spans, relations


# ----------------------------------------------------------------------------- plumbing
def install(venvs: Path) -> dict[str, Path]:
    found = {}
    for name, requirements in PEERS.items():
        venv = venvs / name
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        print(f"installing {' '.join(requirements)} into {venv} …", flush=True)
        subprocess.run([venv / "bin" / "pip", "install", "-q", *requirements], check=True)
        found[name] = venv
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def call(
    method: str, url: str, token: str = "", body=None, form: bytes | None = None, kind: str = ""
) -> bytes:
    data = form if form is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Token {token}")
    if data is not None:
        request.add_header("Content-Type", kind or "application/json")
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read()


def wait_for(url: str, process: subprocess.Popen, seconds: int = 240) -> None:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode})")
        try:
            call("GET", url)
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def matched(expected: Counter, found: Counter) -> str:
    return f"{sum((expected & found).values())} / {sum(expected.values())}"


# ----------------------------------------------------------------------------- Label Studio
def label_studio(venv: Path, work: Path, store: Store) -> None:
    tasks, config = work / "tasks.json", work / "tasks.xml"
    summary = export(store, "label-studio", tasks)
    port, token = free_port(), uuid.uuid4().hex
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(work / "ls-data"), "DJANGO_DB": "sqlite"}
    command = [
        venv / "bin" / "label-studio",
        "start",
        "--no-browser",
        "--host",
        HOST,
        "--port",
        str(port),
        "--data-dir",
        str(work / "ls-data"),
        "--username",
        "bench@example.org",
        "--password",
        "bench-pass-1",
        "--user-token",
        token,
        "--enable-legacy-api-token",
    ]
    log = (work / "ls.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    try:
        started = time.monotonic()
        wait_for(f"{base}/health", server)
        print(f"Label Studio started in {time.monotonic() - started:.0f} s", flush=True)
        project = json.loads(
            call(
                "POST",
                f"{base}/api/projects",
                token,
                {"title": "annotator round trip", "label_config": config.read_text("utf-8")},
            )
        )
        answer = json.loads(
            call(
                "POST",
                f"{base}/api/projects/{project['id']}/import",
                token,
                json.loads(tasks.read_text("utf-8")),
            )
        )
        print(
            f"Label Studio import: {answer.get('task_count')} tasks, "
            f"{answer.get('annotation_count')} annotations"
        )
        back = json.loads(call("GET", f"{base}/api/projects/{project['id']}/export?exportType=JSON", token))
    finally:
        server.terminate()
        server.wait(30)
    spans, relations = Counter(), Counter()
    for task in back:
        text = task["data"]["text"]
        for annotation in task["annotations"]:
            regions = {}
            for result in annotation["result"]:
                value = result.get("value", {})
                if result.get("type") == "labels" and text[value["start"] : value["end"]] == value.get(
                    "text"
                ):
                    for label in value["labels"]:
                        spans[(text, value["start"], value["end"], label)] += 1
                        regions[result["id"]] = (value["start"], value["end"], label)
            for result in annotation["result"]:
                if (
                    result.get("type") == "relation"
                    and {result["from_id"], result["to_id"]} <= regions.keys()
                ):
                    for kind in result.get("labels", []):
                        relations[(text, regions[result["from_id"]], regions[result["to_id"]], kind)] += 1
    expected_spans, expected_relations = ours(store)
    print(
        f"label-studio: spans matched {matched(expected_spans, spans)}; "
        f"relations matched {matched(expected_relations, relations)}; "
        f"our export left out: {'; '.join(summary.left_out) or 'nothing'}"
    )


# ----------------------------------------------------------------------------- doccano
def doccano(venv: Path, work: Path, store: Store) -> None:
    data = work / "doccano.jsonl"
    export(store, "doccano", data)
    backend = next((venv / "lib").glob("python3*/site-packages/backend"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'doccano.db'}",
        "MEDIA_ROOT": str(work / "media"),
        "DEBUG": "False",
        "ALLOWED_HOSTS": HOST,
    }
    doccano_ = venv / "bin" / "doccano"
    for step in (["init"], ["createuser", "--username", "admin", "--password", "bench-pass-1"]):
        done = subprocess.run([doccano_, *step], env=env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"doccano {step[0]} failed: {done.stderr.strip().splitlines()[-1:]}")
    port = free_port()
    log = (work / "doccano.log").open("w")
    web = subprocess.Popen(
        [
            venv / "bin" / "gunicorn",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            "1",
            "--chdir",
            str(backend),
            "config.wsgi",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [
            venv / "bin" / "celery",
            "--app=config",
            f"--workdir={backend}",
            "worker",
            "--concurrency=1",
            "--pool=solo",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://{HOST}:{port}/v1"
    try:
        wait_for(f"{base}/health/", web)
        token = json.loads(
            call("POST", f"{base}/auth/login/", body={"username": "admin", "password": "bench-pass-1"})
        )["key"]
        project = json.loads(
            call(
                "POST",
                f"{base}/projects",
                token,
                {
                    "name": "annotator round trip",
                    "description": "peer_roundtrip",
                    "project_type": "SequenceLabeling",
                    "resourcetype": "SequenceLabelingProject",
                    "allow_overlapping": True,
                    "guideline": "",
                },
            )
        )
        boundary = uuid.uuid4().hex
        form = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="filepond"; filename="doccano.jsonl"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        form += data.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        upload = call(
            "POST", f"{base}/fp/process/", token, form=form, kind=f"multipart/form-data; boundary={boundary}"
        )
        job = json.loads(
            call(
                "POST",
                f"{base}/projects/{project['id']}/upload",
                token,
                {
                    "format": "JSONL",
                    "task": "SequenceLabeling",
                    "uploadIds": [upload.decode()],
                    "column_data": "text",
                    "column_label": "label",
                    "delimiter": ",",
                    "encoding": "utf_8",
                },
            )
        )
        print(f"doccano import: {poll(base, token, job['task_id'])}")
        job = json.loads(
            call(
                "POST",
                f"{base}/projects/{project['id']}/download",
                token,
                {"format": "JSONL", "exportApproved": False},
            )
        )
        poll(base, token, job["task_id"])
        packed = call("GET", f"{base}/projects/{project['id']}/download?taskId={job['task_id']}", token)
    finally:
        for process in (web, worker):
            process.terminate()
            process.wait(30)
    spans = Counter()
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        for name in archive.namelist():
            for line in archive.read(name).decode("utf-8").splitlines():
                record = json.loads(line)
                for start, end, label in record.get("label", []):
                    spans[(record["text"], start, end, label)] += 1
    expected_spans, _ = ours(store)
    print(f"doccano: spans matched {matched(expected_spans, spans)} (relations: not in this variant)")


def poll(base: str, token: str, task_id: str, seconds: int = 300) -> dict:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        status = json.loads(call("GET", f"{base}/tasks/status/{task_id}", token))
        if status.get("ready"):
            if status.get("error"):
                raise RuntimeError(f"doccano task failed: {status['error']}")
            return status.get("result") or {}
        time.sleep(1)
    raise RuntimeError(f"doccano task {task_id} did not finish within {seconds} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--venvs", type=Path, help="folder for (or with) the peers' virtualenvs; default: temporary"
    )
    args = parser.parse_args()
    temporary = Path(tempfile.mkdtemp(prefix="peer-roundtrip-"))
    failed = False
    try:
        venvs = install(args.venvs or temporary / "venvs")
        with make_project(temporary / "project.annotator") as store:
            for name, run in (("doccano", doccano), ("label-studio", label_studio)):
                work = temporary / f"work-{name}"
                work.mkdir()
                try:
                    run(venvs[VENV_OF[name]], work, store)
                except Exception as error:  # report it and go on with the other peer
                    failed = True
                    print(f"{name}: FAILED: {type(error).__name__}: {error} (logs in {work})")
    finally:
        if not os.environ.get("KEEP_PEER_WORK"):
            shutil.rmtree(temporary, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
