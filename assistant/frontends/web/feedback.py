"""Thumbs up / down on answers, appended to a JSON Lines file.

Each line holds the question, the answer, the rating and a UTC timestamp and
nothing else: no user name, no address, no session id. Writes from several
sessions at once are serialised by a lock and each line is written with one
``write`` call to a file opened for appending.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.redact import redact

Rating = Literal["up", "down"]
RATINGS: tuple[Rating, ...] = ("up", "down")
MAX_FIELD_CHARS = 20_000  # a pasted essay does not make a feedback line unbounded

_write_lock = threading.Lock()


def feedback_record(
    question: str, answer: str, rating: str, now: datetime | None = None
) -> dict[str, Any]:
    """The one line saved for a rating; raises ValueError for an unknown rating."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}, not {rating!r}")
    stamp = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    return {
        "question": redact(question)[:MAX_FIELD_CHARS],
        "answer": redact(answer)[:MAX_FIELD_CHARS],
        "rating": rating,
        "timestamp": stamp,
    }


def record_feedback(
    path: Path, question: str, answer: str, rating: str, now: datetime | None = None
) -> dict[str, Any]:
    """Append one rating to ``path`` (created with its folder when missing)."""
    record = feedback_record(question, answer, rating, now)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _write_lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)
    return record


def read_feedback(path: Path) -> list[dict[str, Any]]:
    """Every saved rating, oldest first ([] when nothing has been saved)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
