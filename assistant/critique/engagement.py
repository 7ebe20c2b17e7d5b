"""The draft's public engagement on the IAP2 spectrum the guidance uses.

``EngagementClassifier(rubric.engagement, vague).classify(units)`` returns the
highest level — inform, consult, involve, collaborate, empower, or none — that
the draft *evidences*: a sentence that names a tool of that level (from the
guidance's table and common synonyms, held in the rubric), is about the public
(the sentence, its paragraph or its section speaks of residents, citizens,
young people...), and is firm: it carries specifics (a figure, a date, a named
body) or a concrete action ("held", "will be published"), and is neither a
vague promise nor a bare list of tools. A list of buzzwords ("citizens'
juries, participatory decision-making") therefore evidences nothing, and a
business survey quoted as a data source is not public engagement.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.critique.evidence import DraftUnit
from assistant.critique.rubric import IAP2_LEVELS, Engagement, Iap2Level
from assistant.critique.substance import VagueMatcher, compile_terms, measure

_PARENTHESES = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class EngagementFinding:
    """One sentence that evidences a level, and the tool it names."""

    level: Iap2Level
    tool: str
    unit: DraftUnit


@dataclass(frozen=True)
class EngagementResult:
    level: Iap2Level
    finding: EngagementFinding | None
    findings: tuple[EngagementFinding, ...] = ()

    @property
    def quote(self) -> str | None:
        return self.finding.unit.text if self.finding else None

    @property
    def rank(self) -> int:
        return IAP2_LEVELS.index(self.level)


def level_rank(level: str) -> int:
    return IAP2_LEVELS.index(level)


class EngagementClassifier:
    """The rubric's engagement vocabulary, compiled once."""

    def __init__(self, engagement: Engagement, vague: VagueMatcher) -> None:
        self.engagement = engagement
        self.vague = vague
        self.public = compile_terms(engagement.public_terms)
        self.tools: list[tuple[Iap2Level, str, re.Pattern[str]]] = []
        for level in engagement.levels:
            for tool, pattern in zip(level.tools, compile_terms(level.tools), strict=True):
                self.tools.append((level.level, tool, pattern))
            for raw in level.patterns:
                self.tools.append((level.level, raw, re.compile(raw, re.IGNORECASE)))
        self._any_tool = re.compile(
            "|".join(f"(?:{p.pattern})" for _, _, p in self.tools), re.IGNORECASE
        )

    def _is_public(self, text: str) -> bool:
        return any(p.search(text) for p in self.public)

    def _is_firm(self, text: str) -> bool:
        sub = measure(text, self.vague)
        if sub.vague or sub.listy or sub.words < 6:
            return False
        return sub.figures > 0 or sub.dates > 0 or sub.names > 0 or sub.actions > 0

    def findings(self, units: Sequence[DraftUnit]) -> list[EngagementFinding]:
        """Every firm, public sentence naming an engagement tool, with its level."""
        blocks: dict[int, list[str]] = defaultdict(list)
        for unit in units:
            blocks[unit.block].append(unit.text)
        found: list[EngagementFinding] = []
        for unit in units:
            text = _PARENTHESES.sub(" ", unit.text)
            if not self._any_tool.search(text):
                continue
            hits = [(lvl, tool) for lvl, tool, pat in self.tools if pat.search(text)]
            if not hits:
                continue
            context = " ".join([text, *blocks[unit.block], unit.heading])
            if not self._is_public(context) or not self._is_firm(unit.text):
                continue
            level, tool = max(hits, key=lambda h: level_rank(h[0]))
            found.append(EngagementFinding(level, tool, unit))
        return found

    def classify(self, units: Sequence[DraftUnit]) -> EngagementResult:
        """The highest evidenced level, with the first sentence that shows it."""
        found = self.findings(units)
        if not found:
            return EngagementResult("none", None, ())
        best = max(level_rank(f.level) for f in found)
        top = [f for f in found if level_rank(f.level) == best]
        # Quote the clearest instance: about the public in itself, then the most specific.
        quote = max(
            top,
            key=lambda f: (
                self._is_public(f.unit.text),
                measure(f.unit.text, self.vague).points,
                -f.unit.index,
            ),
        )
        return EngagementResult(quote.level, quote, tuple(found))
