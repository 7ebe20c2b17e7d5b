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
import sys
from typing import Any

__all__ = ["build_app", "main"]  # noqa: F822 (build_app: lazy, see __getattr__)

OFFLINE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
}


def __getattr__(name: str) -> Any:
    """Lazy re-export, so importing app.py does not import Gradio."""
    if name == "build_app":
        from assistant.webapp import build_app

        return build_app
    raise AttributeError(f"module 'app' has no attribute {name!r}")


def main() -> int:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # never call out, whatever the shell says

    from assistant.settings import Settings
    from assistant.webapp import LisaLoader, build_app, launch_kwargs

    settings = Settings()
    try:
        kwargs = launch_kwargs(settings)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    def build() -> Any:
        from assistant.service import build_lisa

        return build_lisa(settings)

    loader = LisaLoader(build)
    demo = build_app(loader, settings)
    # Serve the page first; the model and library load straight after (requests wait).
    demo.launch(prevent_thread_lock=True, **kwargs)
    try:
        lisa = loader.load()
    except Exception as exc:
        print(f"error: cannot start LISA: {exc}", file=sys.stderr)
        demo.close()
        return 2
    if len(lisa.retriever) == 0:
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
