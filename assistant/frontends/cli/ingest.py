"""Terminal front end for ingest: progress bar, one line per problem, exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.library.embeddings import EmbeddingModelError
from assistant.library.ingest import IngestReport, ingest_paths
from assistant.library.manifest import ManifestError
from assistant.library.models import make_lazy_embeddings
from assistant.library.store import StoreError, open_store
from assistant.library.writer import StoreBusyError
from assistant.settings import Settings


def tqdm_progress(total: int) -> Callable[[int], None]:
    from tqdm import tqdm

    bar = tqdm(total=total, unit="chunk", desc="embedding", file=sys.stderr, leave=False)

    def tick(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return tick


def run_ingest(
    paths: Sequence[Path], settings: Settings, rebuild: bool, dry_run: bool, quiet: bool
) -> tuple[IngestReport | None, int]:
    embeddings = make_lazy_embeddings(settings)
    try:
        report = ingest_paths(
            paths,
            settings,
            lambda: open_store(settings, embeddings),
            embeddings,
            rebuild=rebuild,
            dry_run=dry_run,
            progress=tqdm_progress,
        )
    except (StoreBusyError, StoreError, ManifestError, EmbeddingModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None, 2
    for result in report.files:
        if result.status == "failed":
            print(f"error: {result.source}: {result.reason}", file=sys.stderr)
    if not quiet:
        verb = "would be " if dry_run else ""
        counts = ", ".join(
            f"{report.count(s)} {verb}{s}"
            for s in ("added", "updated", "unchanged", "removed", "failed")
            if report.count(s)
        )
        print(
            f"{counts or 'nothing to do'}; {report.chunks_embedded} chunks embedded, "
            f"{report.total_chunks} in the library ({report.seconds:.1f} s)",
            file=sys.stderr,
        )
        collapsed = sum(f.collapsed for f in report.files)
        if collapsed:
            print(f"{collapsed} near-duplicate passages kept once", file=sys.stderr)
    health = report.health
    if health is not None and health.missed:
        print(
            f"warning: {len(health.missed)} of {health.checked} passages checked were not "
            f"found by a search with their own vector ({health.path} search); answers may "
            "miss them: run ingest again with --rebuild",
            file=sys.stderr,
        )
    elif health is not None and not quiet:
        print(
            f"self-retrieval check: {health.checked} of {health.checked} passages checked "
            f"found by their own vector ({health.path} search, {health.library} in all)",
            file=sys.stderr,
        )
    return report, 0 if report.ok else 1
