"""Start LISA's web app: ``python app.py`` (or ``make run``).

Reads Settings once (``LISA_*`` environment variables or ``.env``), serves the
page at once and loads the embedding model and guidance library straight
after, then serves on ``LISA_HOST``:``LISA_PORT`` (default 127.0.0.1:7860).
Importing this module does nothing; ``from app import build_app`` gives the
app factory from ``assistant.webapp``.

The Makefile also exports ``GRADIO_ANALYTICS_ENABLED=False`` and
``HF_HUB_OFFLINE=1``; ``main`` sets them too, before Gradio is imported, so
running ``python app.py`` directly stays offline.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import Any

__all__ = ["build_app", "main"]  # noqa: F822 (build_app: lazy, see __getattr__)


def __getattr__(name: str) -> Any:
    """Lazy re-export, so importing app.py does not import Gradio."""
    if name == "build_app":
        from assistant.frontends.web.app import build_app

        return build_app
    raise AttributeError(f"module 'app' has no attribute {name!r}")


def main() -> int:
    from assistant.offline import apply_offline_environment
    from assistant.settings import Settings

    settings = Settings()
    apply_offline_environment(settings.allow_network)  # before Gradio is imported
    from assistant.frontends.web.session import private_upload_dir

    private_upload_dir(settings.data_dir, os.environ)  # uploads never outlive this run
    # SIGTERM exits like Ctrl-C, so the exit handlers delete uploads and reports too
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))

    from assistant.frontends.web.app import build_app, exposure_warning, launch_kwargs
    from assistant.frontends.web.loader import LisaLoader
    from assistant.frontends.web.owners import FileOwners

    owners = FileOwners()  # who owns which upload and download: one registry per app
    try:
        kwargs = launch_kwargs(settings, owners)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    warning = exposure_warning(settings)
    if warning:
        print(warning, file=sys.stderr)

    def build() -> Any:
        from assistant.service import build_lisa

        return build_lisa(settings)

    loader = LisaLoader(build)
    demo = build_app(loader, settings, owners)
    # Serve the page first; the model and library load straight after (requests wait).
    demo.launch(prevent_thread_lock=True, **kwargs)
    try:
        lisa = loader.load()
    except Exception as exc:
        print(f"error: cannot start LISA: {exc}", file=sys.stderr)
        demo.close()
        return 2
    if lisa.stats()["chunks"] == 0:
        print(
            "warning: the guidance library is empty: run `python ingest_docs.py` or add "
            "documents in the Library tab",
            file=sys.stderr,
        )
    print(
        f"LISA is ready on http://{settings.host}:{settings.port} ({lisa.backend_label})",
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        demo.block_thread()
    return 0


if __name__ == "__main__":
    sys.exit(main())
