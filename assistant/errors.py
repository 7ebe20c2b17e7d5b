"""The one base class every LISA error shares.

Front ends catch ``LisaError`` to show an officer a one-line reason instead of a
traceback; each wing subclasses it for its own failures.
"""

from __future__ import annotations


class LisaError(Exception):
    """Something LISA cannot do, with a reason an officer can act on."""


class SourceError(LisaError):
    """A named file or draft that cannot be used, with a one-line reason for the officer."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
