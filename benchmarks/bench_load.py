"""Ten officers at once on loopback: questions, critiques and one zip bomb.

    python benchmarks/bench_load.py [--sessions 10] [--questions 6]

Starts ``python app.py`` (real model and library, extractive backend) on a free loopback
port and runs ``--sessions`` concurrent browser-like sessions through ``gradio_client``:

- most sessions ask ``--questions`` questions each, every question naming a different
  topic, and check that each answer is about their own question (no answer leaks from
  another session);
- two sessions each critique a real draft and check the report names their draft;
- one session uploads a Word file that inflates to 400 MB (a zip bomb) and checks it is
  refused, naming the limit.

It reports question latency (p50 / p95) alone and under that load, the critiques' and the
bomb's times, any leak, and the uploads left on disk once the app is stopped by SIGTERM
(none should be). Writes benchmarks/results/bench_load.json
and .md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS = REPO / "benchmarks" / "results"
DRAFTS = [
    REPO / "evals" / "drafts" / "millbrook_youth_led_strategy.md",
    REPO / "evals" / "drafts" / "wyndle_market_towns_plan.docx",
]
TOPICS = [
    ("How should we involve young people in our strategy?", "young"),
    ("What does rural proofing mean?", "rural"),
    ("How can anchor institutions support the strategy?", "anchor"),
    ("How should digital skills feature in our strategy?", "digital"),
    ("What is the IAP2 spectrum of public participation?", "participation"),
    ("How can the strategy support social enterprises?", "social"),
]


def bomb(folder: Path) -> Path:
    """A small Word file with one part that inflates to 400 MB."""
    from docx import Document

    path = folder / "bomb.docx"
    document = Document()
    document.add_paragraph("Harbourside Local Industrial Strategy")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as package,
        package.open("customXml/padding.xml", "w") as part,
    ):
        for _ in range(400):
            part.write(b"0" * (1 << 20))
    return path


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def text_of(message: Any) -> str:
    content = message.get("content") if isinstance(message, dict) else message
    if isinstance(content, list):
        return " ".join(str(c.get("text", c)) if isinstance(c, dict) else str(c) for c in content)
    return str(content)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_app(port: int) -> subprocess.Popen[str]:
    """``python app.py`` on loopback, as an officer would run it; returns once ready."""
    env = {**os.environ, "LISA_HOST": "127.0.0.1", "LISA_PORT": str(port), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=REPO,
        env={**env, "PYTHONUNBUFFERED": "1"},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("LISA is ready"):
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep draining
            return proc
    raise RuntimeError(f"app.py stopped before it was ready (exit {proc.wait()})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--questions", type=int, default=6, help="per asking session")
    args = parser.parse_args(argv)

    from gradio_client import Client, handle_file

    from assistant.settings import Settings

    uploads = Settings(_env_file=None).data_dir.resolve() / "web-uploads"
    work = Path(tempfile.mkdtemp(prefix="lisa-bench-load-"))
    bomb_file = bomb(work)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = start_app(port)
    results: dict[str, Any] = {"alone_s": [], "loaded_s": [], "leaks": [], "errors": []}
    lock = threading.Lock()

    def client() -> Any:
        return Client(url, verbose=False, analytics_enabled=False, download_files=False)

    def ask(session: Any, question: str, marker: str, bucket: str) -> None:
        started = time.perf_counter()
        chat, _ = session.predict(question, api_name="/ask")
        took = time.perf_counter() - started
        asked, reply = text_of(chat[-2]).lower(), text_of(chat[-1]).lower()
        with lock:
            results[bucket].append(took)
            if len(chat) % 2 or question.lower()[:30] not in asked or marker not in reply:
                results["leaks"].append({"question": question, "reply": reply[:160]})

    def asker(number: int) -> None:
        session = client()
        for i in range(args.questions):
            question, marker = TOPICS[(number + i) % len(TOPICS)]
            ask(session, question, marker, "loaded_s")

    def critic(draft: Path) -> None:
        session = client()
        started = time.perf_counter()
        out = session.predict(handle_file(str(draft)), api_name="/critique")
        took = time.perf_counter() - started
        with lock:
            results.setdefault("critique_s", []).append(took)
            if "complete" not in str(out[0]) or draft.name not in str(out[2]):
                results["errors"].append(f"critique of {draft.name}: {str(out[0])[:200]}")

    def bomber() -> None:
        session = client()
        started = time.perf_counter()
        status = str(session.predict(handle_file(str(bomb_file)), api_name="/critique")[0])
        with lock:
            results["bomb_s"] = time.perf_counter() - started
            results["bomb_message"] = status
            if "LISA_MAX_UNPACKED_MB" not in status:
                results["errors"].append(f"the bomb was not refused by its limit: {status}")

    try:
        alone = client()
        for question, marker in TOPICS * 2:  # the first round warms up
            ask(alone, question, marker, "alone_s")
        results["alone_s"] = results["alone_s"][len(TOPICS) :]
        workers = [threading.Thread(target=bomber)]
        workers += [threading.Thread(target=critic, args=(d,)) for d in DRAFTS]
        workers += [
            threading.Thread(target=asker, args=(n,))
            for n in range(max(args.sessions - len(workers), 1))
        ]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        results["load_wall_s"] = time.perf_counter() - started
        running = sorted(str(p.relative_to(uploads)) for p in uploads.rglob("*") if p.is_file())
    finally:
        proc.send_signal(signal.SIGTERM)  # as a service manager stops it
        proc.wait(timeout=60)
    left = sorted(str(p) for p in uploads.rglob("*") if p.is_file()) if uploads.exists() else []
    figures = {
        "date": time.strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "sessions": len(workers),
        "questions_under_load": len(results["loaded_s"]),
        "question_alone_p50_s": round(statistics.median(results["alone_s"]), 3),
        "question_alone_p95_s": round(pct(results["alone_s"], 0.95), 3),
        "question_loaded_p50_s": round(statistics.median(results["loaded_s"]), 3),
        "question_loaded_p95_s": round(pct(results["loaded_s"], 0.95), 3),
        "critique_s": [round(x, 1) for x in results.get("critique_s", [])],
        "bomb_refused_s": round(results.get("bomb_s", float("nan")), 2),
        "bomb_message": results.get("bomb_message", ""),
        "load_wall_s": round(results["load_wall_s"], 1),
        "leaks": results["leaks"],
        "errors": results["errors"],
        "uploads_while_running": len(running),
        "uploads_left_after_stop": left,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_load.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print(json.dumps(figures, indent=1))
    return 1 if figures["leaks"] or figures["errors"] or left else 0


if __name__ == "__main__":
    sys.exit(main())
