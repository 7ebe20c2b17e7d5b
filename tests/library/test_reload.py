"""The web app notices a library changed by another process and reloads (issue 13).

A CLI ingest in a separate process adds a document while a ``Lisa`` is serving; the next
search finds it, and the stats stop reporting the old library."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import REPO, make_settings
from fakes import HashEmbedder

from assistant.service import build_lisa

INGEST_ELSEWHERE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    sys.path[:0] = [{repo!r}, {tests!r}]
    from conftest import make_settings
    from fakes import HashEmbedder
    from assistant.library.ingest import ingest_paths
    from assistant.library.store import open_store
    settings = make_settings(Path({tmp!r}), corpus_dir=Path({corpus!r}))
    embedder = HashEmbedder()
    store = lambda: open_store(settings, embedder)  # noqa: E731
    report = ingest_paths([settings.corpus_dir], settings, store, embedder)
    sys.exit(0 if report.ok else 1)
    """
)


def test_a_library_changed_by_another_process_is_reloaded(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ports.md").write_text("# Ports\n\n## Harbours\n\nCoastal ports employ 900 people.\n")
    settings = make_settings(tmp_path, corpus_dir=corpus)
    script = INGEST_ELSEWHERE.format(
        repo=str(REPO), tests=str(REPO / "tests"), tmp=str(tmp_path), corpus=str(corpus)
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    lisa = build_lisa(settings, HashEmbedder())
    before = lisa.stats()["chunks"]
    assert not lisa.refresh()  # nothing changed yet

    (corpus / "orchards.md").write_text(
        "# Orchards\n\n## Cider\n\nThe cider orchards of the vale employ 140 pickers.\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)  # the CLI, say

    hits = lisa.search("cider orchards pickers").hits
    assert hits and hits[0].chunk.source == "orchards.md"
    assert lisa.stats()["chunks"] > before
    assert not lisa.refresh()  # reloaded once, not on every call
