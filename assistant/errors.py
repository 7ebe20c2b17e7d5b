"""The one base class every LISA error shares.

Front ends catch ``LisaError`` to show an officer a one-line reason instead of a
traceback; each wing subclasses it for its own failures.
"""

from __future__ import annotations


class LisaError(Exception):
    """Something LISA cannot do, with a reason an officer can act on."""
