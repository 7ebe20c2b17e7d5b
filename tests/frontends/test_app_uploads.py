"""Uploads never outlive the app (issue 13): ``python app.py`` keeps Gradio's upload cache
in its own folder under the data folder, empties it at start-up (an earlier run's files)
and deletes it when stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO
from test_webapp_support import free_port

from assistant.frontends.web.session import UPLOADS_FOLDER, private_upload_dir


def test_the_upload_folder_is_private_and_starts_empty(tmp_path: Path) -> None:
    stale = tmp_path / UPLOADS_FOLDER / "abc123" / "old_draft.docx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"left by an earlier run")
    environ: dict[str, str] = {}
    folder = private_upload_dir(tmp_path, environ)
    assert environ["GRADIO_TEMP_DIR"] == str(folder) and folder.is_dir()
    assert not any(folder.iterdir())  # the earlier run's upload is gone
    assert folder.stat().st_mode & 0o777 == 0o700


def test_sigterm_deletes_this_runs_uploads(tmp_path: Path) -> None:
    data = tmp_path / "data"
    stale = data / UPLOADS_FOLDER / "old" / "draft.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("earlier run")
    env = {
        **os.environ,
        "LISA_DATA_DIR": str(data),
        "LISA_CORPUS_DIR": str(tmp_path / "empty_corpus"),
        "LISA_PORT": str(free_port()),
        "LISA_HOST": "127.0.0.1",
    }
    (tmp_path / "empty_corpus").mkdir()
    app = subprocess.Popen(
        [sys.executable, str(REPO / "app.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = app.stdout.readline() if app.stdout else ""
            lines.append(line)
            if "LISA is ready" in line or app.poll() is not None:
                break
        assert any("LISA is ready" in line for line in lines), "".join(lines)
        uploads = data / UPLOADS_FOLDER
        assert not stale.exists()  # emptied at start-up
        (uploads / "session" / "draft.pdf").parent.mkdir(parents=True)
        (uploads / "session" / "draft.pdf").write_bytes(b"%PDF an upload of this run")
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=60) == 0
        assert not uploads.exists()  # deleted on shutdown
    finally:
        if app.poll() is None:
            app.kill()
