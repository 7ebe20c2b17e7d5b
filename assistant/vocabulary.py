"""The words every wing shares, defined once: critique statuses and IAP2 levels."""

from __future__ import annotations

from typing import Literal

Status = Literal["met", "partial", "missing"]
STATUSES: tuple[Status, ...] = ("missing", "partial", "met")  # worst to best
STATUS_RANK: dict[str, int] = {s: i for i, s in enumerate(STATUSES)}

Iap2Level = Literal["none", "inform", "consult", "involve", "collaborate", "empower"]
# The IAP2 public participation spectrum, least to most ambitious; "none" = no engagement.
IAP2_LEVELS: tuple[Iap2Level, ...] = (
    "none",
    "inform",
    "consult",
    "involve",
    "collaborate",
    "empower",
)
