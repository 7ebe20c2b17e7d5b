"""Screening a draft's units: what is addressed to an assessor is removed before scoring.

A unit is flagged by the rules of ``documents.injection`` (in English or another language,
or hidden in base64) or by the fitted injection layer's score; flagged units and text a
reader cannot see never count as evidence. ``screen`` gives the evidence pool and the
injections to report; ``subset_scores`` keeps the pool's rows of the unit scores.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import re
from collections.abc import Sequence

import numpy as np

from assistant.critique.evidence import DraftUnit
from assistant.critique.judgement import UnitScores
from assistant.documents.injection import Injection, classify, find_injections

_BASE64 = re.compile(r"\b[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])")


def decoded_base64(text: str) -> list[str]:
    """Readable text hidden in base64 runs of ``text`` (empty when there is none)."""
    found = []
    for run in _BASE64.findall(text):
        try:
            raw = base64.b64decode(run + "=" * (-len(run) % 4), validate=True)
            decoded = raw.decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            continue
        if sum(c.isalpha() or c.isspace() for c in decoded) >= 0.85 * len(decoded):
            found.append(decoded)
    return found


def _rule_hit(unit: DraftUnit) -> Injection | None:
    hit = classify(unit.text)
    if hit is not None:
        return hit
    for decoded in decoded_base64(unit.text):
        inner = find_injections(decoded)
        if inner:
            message = f"hides an instruction in base64 ({inner[0].message})"
            return Injection(unit.text, message, "base64")
    return None


def rule_hits(units: Sequence[DraftUnit]) -> list[Injection | None]:
    """Per unit, the injection the rules find in it (``None``: none)."""
    return [_rule_hit(unit) for unit in units]


def screen(
    units: Sequence[DraftUnit],
    scores: UnitScores,
    threshold: float,
    rules: Sequence[Injection | None] | None = None,
) -> tuple[list[int], list[tuple[str, Injection]]]:
    """Indexes of the evidence pool, and the injections (removed, reported).

    ``rules`` are the units' ``rule_hits`` when already known (they do not depend on
    the threshold)."""
    pool: list[int] = []
    flagged: list[tuple[str, Injection]] = []
    known = rule_hits(units) if rules is None else rules
    for i, unit in enumerate(units):
        hit = known[i]
        if hit is None and float(scores.injection[i]) >= threshold:
            message = "reads as addressed to an assessor or an automated tool"
            hit = Injection(unit.text, message, "learned")
        if hit is not None:  # where it was: the section, or how it was hidden
            where = ", ".join(part for part in (unit.hidden, unit.section) if part)
            flagged.append((where, hit))
        elif not unit.hidden:  # text a reader cannot see is reported, never evidence
            pool.append(i)
    return pool, flagged


def subset_scores(scores: UnitScores, keep: list[int]) -> UnitScores:
    idx = np.asarray(keep, dtype=int)
    return dataclasses.replace(
        scores,
        topic=scores.topic[idx],
        strength=scores.strength[idx],
        iap2=scores.iap2[idx],
        injection=scores.injection[idx],
    )
