"""Ingest guidance documents into LISA's store.

    python ingest_docs.py [PATH ...] [--rebuild] [--dry-run] [--json]

With no PATH, ingests the corpus folder (LISA_CORPUS_DIR, default corpus/).
Exit status 0 when every file ingested, 1 when any file failed, 2 when the
store is busy or unusable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ingest guidance documents into LISA's store.")
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus)")
    parser.add_argument("--rebuild", action="store_true", help="re-embed every file")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change; write nothing"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    args = parser.parse_args(argv)

    from assistant.frontends.cli.ingest import run_ingest
    from assistant.settings import Settings

    settings = Settings()
    report, code = run_ingest(
        args.paths or [settings.corpus_dir], settings, args.rebuild, args.dry_run, args.json
    )
    if args.json and report is not None:
        print(json.dumps(report.to_dict(), indent=2))
    return code


if __name__ == "__main__":
    sys.exit(main())
