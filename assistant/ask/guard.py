"""Spotting requests LISA should not answer from the guidance.

``check_request`` looks at the kind of request before any retrieval:
instruction-override and prompt-extraction attempts (refused and logged),
chit-chat, and requests to write poems, stories or code. Whether the guidance
covers an ordinary question is decided later, by the retriever's relevance.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from assistant.documents.injection import find_injections
from assistant.redact import redact

log = logging.getLogger("lisa.guard")

RequestKind = Literal["question", "injection", "chitchat", "creative", "empty"]

_EXTRACTION = re.compile(
    r"\b(system|hidden|initial|original|developer)\s+(prompt|instructions?|message)s?\b"
    r"|\brepeat\s+(the\s+)?(text|words|everything)\s+(above|before)"
    r"|\b(print|show|reveal|output|translate|dump)\b.{0,30}\b(your|the)\s+"
    r"(instructions|prompt|rules|configuration)\b"
    r"|\byou\s+are\s+now\b|\bDAN\b|\bjailbreak|\bdeveloper\s+mode\b"
    r"|\b(ignore|disregard|forget)\b.{0,40}\b(instructions|rules|guidance|prompt)\b",
    re.IGNORECASE,
)
# Greetings and acknowledgements (which may open a question of their own), and small talk.
_GREETINGS = (
    r"hi|hello|hey|hiya|good\s+(?:morning|afternoon|evening)|thanks?|thank\s+you|cheers|"
    r"ok(?:ay)?"
)
_SMALL_TALK = r"how\s+are\s+you|who\s+are\s+you|what'?s\s+up"
_CHITCHAT = re.compile(
    rf"^\s*(?:{_GREETINGS}|{_SMALL_TALK}|bye|goodbye)\b[\s\w,!?.']{{0,40}}$",
    re.IGNORECASE,
)
# "ok and what counts as rural?", "thanks - is rural proofing required?": a greeting or an
# acknowledgement, then a question of its own.
_ASKS_AFTER_GREETING = re.compile(
    rf"^\s*(?:{_GREETINGS})\b[\s,!.\-–—]*+"
    r"(?:and\s+|so\s+|but\s+)?(?=.*\b(?:what|which|who|whom|whose|when|where|why|how|is|are|does|"
    rf"do|can|should|must)\b)(?!{_SMALL_TALK})\S+(?:\s+\S+){{2,}}",
    re.IGNORECASE,
)
_CREATIVE = re.compile(
    r"\b(write|compose|draft|give\s+me|make\s+up|generate)\b.{0,40}\b(poem|haiku|limerick|"
    r"song|lyrics|story|joke|rap|sonnet|code|script|function|program|sql|regex|python|"
    r"javascript)\b|\b(tell\s+me\s+a\s+joke)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RequestCheck:
    kind: RequestKind
    reason: str | None = None

    @property
    def allowed(self) -> bool:
        return self.kind == "question"


def check_request(text: str) -> RequestCheck:
    """Classify a request; anything but ``question`` is refused with the reason."""
    if not text.strip():
        return RequestCheck("empty", "the question is empty")
    if _EXTRACTION.search(text) or find_injections(text):
        log.warning(
            "refused an instruction-override or prompt-extraction attempt: %.200r", redact(text)
        )
        return RequestCheck(
            "injection", "requests to change LISA's instructions or reveal them are refused"
        )
    if _CHITCHAT.match(text) and not _ASKS_AFTER_GREETING.match(text):
        return RequestCheck("chitchat", "that is not a question about the guidance")
    if _CREATIVE.search(text):
        return RequestCheck(
            "creative", "LISA answers guidance questions; it does not write poems, stories or code"
        )
    return RequestCheck("question")
