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

# Said on first use wherever the level is shown (web page and every report format).
IAP2_EXPLAINED = (
    "IAP2 is the International Association for Public Participation. Its spectrum, which "
    "the guidance uses, has five levels of public involvement: Inform, Consult, Involve, "
    "Collaborate and Empower (where the public make the final decision)."
)
