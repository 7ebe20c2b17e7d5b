"""The Answer contract every front end shows and every eval reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.ask.retrieval import Hit


def short_section(title: str, section: str) -> str:
    """The section path without leading headings the title already says."""
    parts = [p for p in section.split(" > ") if p]
    while len(parts) > 1 and parts[0].strip().lower() in title.lower():
        parts.pop(0)
    return " > ".join(parts)


def source_label(title: str, section: str, page: int | None) -> str:
    """One reference style everywhere: the title once, then the section path, then the page."""
    parts = [title] if title else []
    inner = short_section(title, section)
    if inner and inner.strip().lower() not in title.lower():
        parts.append(inner)
    label = " — ".join(parts)
    return f"{label}, page {page}" if page else label


@dataclass(frozen=True)
class Citation:
    id: int  # the marker number, [1] -> 1
    source: str
    title: str
    section: str
    page: int | None
    quote: str  # verbatim text of the cited passage
    score: float
    chunk_id: str
    passage: str = ""  # the whole cited passage, so a reader can check the quote in context

    @property
    def label(self) -> str:
        return source_label(self.title, self.section, self.page)

    @classmethod
    def from_hit(cls, marker: int, hit: Hit, quote: str) -> Citation:
        """Cite the chunk of a (possibly merged) passage that holds the quote."""
        chunk = next((c for c in hit.chunks if quote in c.text), hit.chunk)
        return cls(
            id=marker,
            source=chunk.source,
            title=chunk.title,
            section=chunk.section,
            page=chunk.page,
            quote=quote,
            score=round(hit.score, 4),
            chunk_id=chunk.id,
            passage=chunk.text,
        )


@dataclass
class Answer:
    answer: str
    citations: list[Citation]
    refused: bool
    reason: str | None
    backend: str
    timing_ms: dict[str, float] = field(default_factory=dict)
    question: str = ""
    standalone_question: str = ""
    relevance: float | None = None
    warnings: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["timing_ms"] = {k: round(v, 2) for k, v in self.timing_ms.items()}
        return data
