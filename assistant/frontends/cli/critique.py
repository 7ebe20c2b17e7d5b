"""``python -m assistant critique FILE [FILE ...]``: critique drafts from the terminal.

Every draft goes through ``Lisa.critique`` (passed in as ``critique``), the one
door the web app and evals use too.
One file without ``--out-dir`` prints its report on stdout; several files with
``--format json`` print a JSON list; ``--out-dir`` writes one file per draft
(``<draft>-critique.<fmt>``). ``--compare OLD NEW`` reports, per principle,
whether the new version improved, stayed the same or regressed. A draft that
cannot be critiqued prints ``error: FILE: reason`` on stderr and makes the exit
status 1, while the other files are still critiqued. Usage errors exit with 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from assistant.critique.engine import Critique
from assistant.critique.model import CritiqueFailure, CritiqueReport
from assistant.reports.render import (
    FORMATS,
    render_comparison,
    render_report,
    write_comparison,
    write_report,
)


def _emit(data: bytes, stdout: TextIO) -> None:
    buffer = getattr(stdout, "buffer", None)
    if buffer is not None:
        stdout.flush()
        buffer.write(data)
        buffer.flush()
    else:
        stdout.write(data.decode("utf-8"))


def _usage_error(fmt: str, files: list[Path], out_dir: Path | None, compare: bool) -> str | None:
    if fmt not in FORMATS:
        return f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}"
    if not files:
        return "give at least one draft file"
    if compare and len(files) != 2:
        return f"--compare needs exactly two files (old, then new); got {len(files)}"
    if fmt == "docx" and out_dir is None:
        return "--format docx writes Word files: give --out-dir DIR"
    if fmt == "html" and out_dir is None and len(files) > 1 and not compare:
        return "several HTML reports need --out-dir DIR (one page per draft)"
    return None


def run_critique(
    files: list[Path],
    fmt: str,
    out_dir: Path | None,
    compare: bool,
    critique: Callable[[Path], Critique | CritiqueFailure],
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Critique ``files`` and print or write the reports; returns the exit status."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    problem = _usage_error(fmt, files, out_dir, compare)
    if problem:
        print(f"error: {problem}", file=err)
        return 2
    reports: list[CritiqueReport] = []
    status = 0
    for number, path in enumerate(files, start=1):
        if len(files) > 1:
            print(f"critiquing {path} ({number}/{len(files)})", file=err)
        result = critique(path)  # Lisa.critique: the one door
        if isinstance(result, CritiqueFailure):
            print(f"error: {path}: {result.reason}", file=err)
            status = 1
            continue
        reports.append(result.report)
    if compare:
        if len(reports) != 2:
            print("error: cannot compare: a draft could not be critiqued", file=err)
            return 1
        if out_dir is not None:
            print(f"wrote {write_comparison(reports[0], reports[1], fmt, out_dir)}", file=err)
        else:
            _emit(render_comparison(reports[0], reports[1], fmt), out)
        return status
    if out_dir is not None:
        for report in reports:
            print(f"wrote {write_report(report, fmt, out_dir)}", file=err)
    elif fmt == "json" and len(files) > 1:
        data = [r.to_dict() for r in reports]
        _emit((json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), out)
    else:
        separator = b"\n\n---\n\n"
        _emit(separator.join(render_report(r, fmt) for r in reports), out)
    return status
