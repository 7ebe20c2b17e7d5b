"""Build ``Lisa`` once in the background, and adapt ingest progress to Gradio's."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import gradio as gr

if TYPE_CHECKING:
    from assistant.frontends.protocol import LisaService as Lisa

__all__ = ["LisaLoader", "ingest_progress"]


class LisaLoader:
    """Builds ``Lisa`` once, so the page can be served while the model loads."""

    def __init__(self, build: Callable[[], Lisa], timeout_s: float = 300.0) -> None:
        self._build = build
        self._timeout_s = timeout_s
        self._ready = threading.Event()
        self._lisa: Any = None
        self._error: BaseException | None = None

    def load(self) -> Lisa:
        try:
            self._lisa = self._build()
        except BaseException as exc:
            self._error = exc
            raise
        finally:
            self._ready.set()
        return self._lisa

    def __call__(self) -> Lisa:
        if not self._ready.wait(self._timeout_s):
            raise gr.Error("LISA is still starting; try again in a minute.")
        if self._error is not None:
            raise gr.Error(f"LISA could not start: {self._error}")
        return self._lisa


def ingest_progress(progress: Any) -> Callable[[int], Callable[[int], None]]:
    """Adapt ingest's progress factory (total, then ticks) to ``gr.Progress``."""

    def factory(total: int) -> Callable[[int], None]:
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            progress(
                done / max(total, 1), desc=f"Reading the document ({done} of {total} extracts)"
            )

        return tick

    return factory
