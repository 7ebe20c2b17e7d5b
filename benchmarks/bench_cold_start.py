"""Cold start of the web app: from `python app.py` to the page serving HTTP 200.

    python benchmarks/bench_cold_start.py [--runs 3] [--out benchmarks/results/cold_start.json]

Needs the ready venv and an ingested index (`make index`). First, one question from
a cold `python -m assistant ask` (wall time and peak memory). Then each run starts
`python app.py` as a subprocess on a free port with the repository's settings
and measures:

- page: seconds until GET / answers HTTP 200 (target: under 10 s);
- ready: seconds until the app prints that the model and library are loaded;
- first answer: seconds until one question is answered through the API;
- peak RSS: the process's high-water resident memory (VmHWM), after that answer.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TARGET_S = 10.0
TIMEOUT_S = 180.0
QUESTION = "How should we involve local people in developing our strategy?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    """High-water resident set size of a live process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status (Linux only)")


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def one_run() -> dict[str, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {
        **os.environ,
        "LISA_HOST": "127.0.0.1",
        "LISA_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    ready = threading.Event()
    lines: list[str] = []
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=REPO,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )

    def watch() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip())
            if line.startswith("LISA is ready"):
                ready.set()

    threading.Thread(target=watch, daemon=True).start()
    figures: dict[str, float] = {}
    try:
        while not http_ok(url):
            if proc.poll() is not None:
                raise RuntimeError("app.py exited:\n" + "\n".join(lines[-20:]))
            if time.perf_counter() - started > TIMEOUT_S:
                raise RuntimeError("no HTTP 200 within the timeout")
            time.sleep(0.05)
        figures["page_s"] = time.perf_counter() - started
        if not ready.wait(TIMEOUT_S):
            raise RuntimeError("app.py never said it was ready:\n" + "\n".join(lines[-20:]))
        figures["ready_s"] = time.perf_counter() - started
        figures["rss_ready_mb"] = peak_rss_mb(proc.pid)
        from gradio_client import Client

        asked = time.perf_counter()
        chat, _ = Client(url, verbose=False, analytics_enabled=False).predict(
            QUESTION, api_name="/ask"
        )
        assert chat, "no answer"
        figures["first_answer_s"] = time.perf_counter() - asked
        figures["peak_rss_mb"] = peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return figures


def cli_ask() -> dict[str, float]:
    """One question from a cold process: `python -m assistant ask …`, wall time and the
    process's peak resident memory (from the kernel's accounting of the finished child)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", QUESTION],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"ask failed: {done.stderr[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB, max over children
    if peak <= before:
        raise RuntimeError("run the CLI measurement before any larger child process")
    return {"cli_ask_s": wall, "cli_ask_peak_rss_mb": peak / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "benchmarks" / "results" / "cold_start.json",
        help="JSON file for the figures ('-' for none)",
    )
    args = parser.parse_args(argv)
    cli = cli_ask()  # first: the children's peak memory only ever grows
    print(
        f"cold CLI ask: {cli['cli_ask_s']:.2f} s, peak RSS {cli['cli_ask_peak_rss_mb']:.0f} MB",
        flush=True,
    )
    runs = []
    for number in range(1, args.runs + 1):
        figures = one_run()
        runs.append(figures)
        print(
            f"run {number}: page {figures['page_s']:.2f} s, ready {figures['ready_s']:.2f} s, "
            f"first answer {figures['first_answer_s']:.2f} s, "
            f"peak RSS {figures['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    summary: dict[str, Any] = {
        key: {
            "median": round(statistics.median(r[key] for r in runs), 2),
            "max": round(max(r[key] for r in runs), 2),
        }
        for key in runs[0]
    }
    summary.update({key: round(value, 2) for key, value in cli.items()})
    summary["runs"] = args.runs
    summary["target_page_s"] = TARGET_S
    summary["cpus"] = os.cpu_count()
    page = summary["page_s"]["max"]
    print(
        f"\ncold start to HTTP 200: median {summary['page_s']['median']:.2f} s, "
        f"max {page:.2f} s (target < {TARGET_S:.0f} s: {'met' if page < TARGET_S else 'MISSED'})"
    )
    print(f"model and library ready: median {summary['ready_s']['median']:.2f} s")
    print(f"first answer after ready: median {summary['first_answer_s']['median']:.2f} s")
    print(
        f"peak RSS: median {summary['peak_rss_mb']['median']:.0f} MB, "
        f"max {summary['peak_rss_mb']['max']:.0f} MB"
    )
    if str(args.out) != "-":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.out}")
    return 0 if page < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
