"""The ingest manifest: which version of each source file the collection holds.

Ingest reads it to skip unchanged files and writes it (atomically) after each file; its
sha256 identifies the library's state, so anything saved from the library (the keyword
index, the snapshot) records the manifest it was made under.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import LisaError

MANIFEST_VERSION = 1


class ManifestError(LisaError, RuntimeError):
    """The manifest cannot be read."""


@dataclass
class Manifest:
    """Which version of each source file the collection holds."""

    embedding_model: str = ""
    embedding_backend: str = ""  # "" in manifests written before backends were recorded
    pipeline: str = ""
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ManifestError(
                f"the ingest manifest {path} is unreadable ({exc}); run ingest with --rebuild"
            ) from exc
        if raw.get("version") != MANIFEST_VERSION:
            return cls()
        return cls(
            embedding_model=raw.get("embedding_model", ""),
            embedding_backend=raw.get("embedding_backend", ""),
            pipeline=raw.get("pipeline", ""),
            files=raw.get("files", {}),
        )

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves the old manifest or the new, never half."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        payload = {
            "version": MANIFEST_VERSION,
            "embedding_model": self.embedding_model,
            "embedding_backend": self.embedding_backend,
            "pipeline": self.pipeline,
            "files": self.files,
        }
        tmp.write_text(json.dumps(payload, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
