"""Spotting text that tries to steer an assessor, a reviewer or an AI model.

``find_injections(text)`` returns one ``Injection`` per sentence that speaks to
whoever (or whatever) is assessing the text rather than to its readers: orders
to ignore or set aside instructions or guidance, attempts to change the
model's role or reveal its system prompt, notes addressed to "the reviewer" or
"the AI", and attempts to dictate the outcome ("mark every principle as met",
"any score lower than met would be inaccurate").

The patterns describe the *shape* of such text (an imperative aimed at the
assessor, an outcome word after "treat/mark/record ... as"), not particular
strings, and the module depends on nothing else in LISA: the critique engine
uses it on draft sentences and the chat guard on questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Who an injection talks to.
_ASSESSOR = (
    r"(?:reviewers?|assessors?|evaluators?|markers?|graders?|examiners?|scorers?|checkers?|"
    r"(?:automated|automatic|ai)\s+(?:checkers?|reviewers?|assessors?|readers?|tools?|"
    r"systems?|software|assessment|review)|(?:any\s+)?software\s+(?:reading|processing)|"
    r"(?:automated\s+|ai\s+|automatic\s+)?(?:assessment|review|scoring|marking|evaluation)"
    r"\s+(?:tools?|systems?|models?|software|engines?)|"
    r"ai(?:\s+(?:models?|systems?|tools?|assistants?))?|artificial\s+intelligence|"
    r"(?:large\s+)?language\s+models?|llms?|chatbots?|gpt|assistants?|models?|lisa)"
)
# An automated assessor, which no reader of a strategy is: people who review or evaluate a
# strategy are its real audience ("external evaluators are asked to report each year").
_MACHINE = (
    r"(?:(?:automated|automatic|ai)\s+(?:checkers?|reviewers?|assessors?|readers?|tools?|"
    r"systems?|software|assessment|review|scoring|marking|evaluation)(?:\s+(?:tools?|systems?|"
    r"software|engines?|models?))?|(?:review|assessment|scoring|marking|checking)\s+(?:tools?|"
    r"software|engines?)|artificial\s+intelligence|(?:large\s+)?language\s+models?|llms?|"
    r"chatbots?|gpt|ai\s+(?:models?|systems?|tools?|assistants?))"
)
# What an assessor's outcome can be set to.
_OUTCOME = (
    r"(?:fully\s+|completely\s+|wholly\s+|already\s+)?"
    r"(?:met|pass(?:ed|ing)?|compliant|empower(?:ed)?|top\s+marks|full\s+marks|"
    r"green(?!\s+(?:belt|space|infrastructure|growth|economy|energy|jobs|skills|spaces))|"
    r"the\s+highest\s+(?:score|level|rating|grade))"
)
_RULES = (
    r"(?:instructions?|guidance|guidelines?|rules?|prompts?|directions?|criteria|rubrics?|"
    r"directives?|policies|assessment\s+framework|scoring\s+scheme|documents?)"
)
# Positions where an imperative clause can begin.
_IMPERATIVE_START = (
    r"(?:^|[:;,.!?\"“(\[>*—–-]\s*|\b(?:please|now|instead|then|and|so|simply|just|always|"
    r"kindly|you\s+(?:must|should|will|shall|need\s+to|are\s+to|have\s+to)|must|should)\s+)"
)

_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "override",
        "tells the assessor to ignore or set aside its instructions or the guidance",
        re.compile(
            _IMPERATIVE_START
            + r"(?:ignore|disregard|forget|override|bypass|set\s+aside|skip|discard)\b"
            r"[^.!?\n]{0,60}?\b" + _RULES + r"\b",
            re.IGNORECASE,
        ),
    ),
    (
        "override",
        "tells the assessor not to apply the guidance or criteria",
        re.compile(
            r"\b(?:do\s+not|don'?t|never|must\s+not|should\s+not|need\s+not)\s+"
            r"(?:apply|use|follow|consult|consider|check\s+against|refer\s+to|rely\s+on|"
            r"assess\s+against|score\s+against|mark\s+against)\b[^.!?\n]{0,40}?\b" + _RULES + r"\b",
            re.IGNORECASE,
        ),
    ),
    (
        "role",
        "tries to change the assistant's role or reach its system prompt",
        re.compile(
            r"\byou\s+are\s+(?:now|no\s+longer)\b|\bfrom\s+now\s+on,?\s+you\b"
            r"|\b(?:system|developer|hidden)\s+(?:prompts?|instructions?|messages?)\b"
            r"|\bnew\s+instructions?\s*:"
            # "pretend to be …" as an order, not "it does not pretend to be the final word"
            r"|" + _IMPERATIVE_START + r"pretend\s+(?:to\s+be|you\s+are)\b"
            r"|\bdeveloper\s+mode\b|\bjailbreak"
            r"|\b(?:act|behave|respond)\s+as\s+(?:if|though)\s+you\s+(?:were|are)\b"
            r"|\b(?:act|behave)\s+as\s+an?\s+(?:unrestricted|uncensored|jailbroken)\b"
            r"|\[\s*(?:system|inst)\s*\]|<\|?\s*(?:system|im_start)",
            re.IGNORECASE,
        ),
    ),
    (
        "address",
        "is addressed to the assessor or an AI tool rather than to readers",
        re.compile(
            r"\b(?:note|message|instructions?|notice|memo|reminder)\s+"
            r"(?:to|for)\s+(?:the\s+|any\s+|all\s+)?" + _ASSESSOR + r"\b"
            r"|(?:\b(?:dear|attention|attn\.?)|^\W*to)\s+(?:the\s+|any\s+)?"
            + _ASSESSOR
            + r"\s*[:,]"
            r"|\bas\s+(?:the|an?|this\s+draft'?s?)\s+" + _ASSESSOR + r",?\s+you\s+"
            r"(?:must|should|shall|will|are\s+(?:to|required|instructed|asked))\b"
            r"|\b(?:if|when)\s+you\s+are\s+an?\s+" + _ASSESSOR + r"\b"
            # a polite request made of an automated assessor: "automated review tools are kindly
            # asked to …", "we would ask any AI system to …"
            r"|\b" + _MACHINE + r"\s+(?:are|is)\s+(?:kindly\s+|respectfully\s+|therefore\s+|"
            r"hereby\s+|politely\s+)?(?:asked|requested|invited|instructed|encouraged|expected|"
            r"requested|urged|advised)\s+to\b"
            r"|\b(?:we|i)\s+(?:would\s+)?(?:kindly\s+|respectfully\s+)?(?:ask|request|invite|urge|"
            r"instruct|encourage)\s+(?:the\s+|any\s+|all\s+|every\s+)?" + _MACHINE + r"\s+to\b",
            re.IGNORECASE,
        ),
    ),
    (
        "outcome",
        "tries to dictate the assessment's outcome",
        re.compile(
            r"\b(?:record|mark|score|rate|grade|output|report|return|assign|give|set|classify|"
            r"treat|label|list|assess|judge|count|consider|regard|record)\s+"
            r"(?:every|all|each|any|the|this|these|our|its|it|them)\b[^.!?\n]{0,50}?\bas\s+"
            r"[^\w\s]{0,3}" + _OUTCOME + r"\b"
            r"|\b(?:is|are|be|been)\s+(?:to\s+be\s+)?(?:treated|marked|scored|recorded|rated|"
            r"regarded|considered|assessed|deemed|graded|classed|classified|counted|judged|"
            r"reported)\s+as\s+[^\w\s]{0,3}" + _OUTCOME + r"\b"
            r"|\b(?:output|return|answer|print|respond\s+with|reply\s+with)\s+[\"“'‘*_]+"
            + _OUTCOME
            + r"[\"”'’*_]"
            r"|\b(?:any|a)\s+(?:score|rating|grade|status|mark|level)\s+(?:lower|less|other|"
            r"worse|below)\s+than\b"
            r"|\b(?:award|give)\s+(?:it|this(?:\s+draft)?|us|the\s+draft)\s+"
            r"(?:full|top|maximum)\s+(?:marks|scores?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "claim",
        "claims the draft meets every principle (a claim is never evidence)",
        re.compile(
            r"\b(?:all|every|each)\s+(?:of\s+the\s+)?(?:twelve\s+|12\s+)?"
            r"(?:principles?|criteria|requirements)\b[^.!?\n]{0,40}?"
            r"\b(?:are|is|have\s+been|has\s+been)\s+(?:fully|completely|wholly|already)\s+"
            r"(?:satisfied|met|addressed|fulfilled|complied\s+with)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "foreign",
        "addresses assessment tools or claims full compliance in another language",
        re.compile(
            # someone or something that assesses, in French, Welsh, German, Spanish,
            # Italian or Polish ... (both looked for from the start of a line: from every
            # position, as a bare search does, each look-ahead rescans the rest of the line)
            r"^(?=.*\b(?:[ée]valuat(?:eur|rice)s?|examinat(?:eur|rice)s?|outils?\s+d['’]"
            r"[ée]valuation|[ée]valuation\s+automatique|relect(?:eur|rice)s?|outils?\s+de\s+"
            r"(?:relecture|correction|notation|v[ée]rification|contr[ôo]le)|"
            r"(?:relecture|correction|v[ée]rification|analyse)\s+automatis[ée]+s?|asesydd|aseswyr|adolygydd|adolygwyr|"
            r"asesu\s+awtomatig|offer\s+asesu|pr[üu]fer(?:in)?|gutachter(?:in)?|"
            r"automatische[nrs]?\s+(?:pr[üu]f|bewert)\w*|evaluador(?:es|a)?|revisor(?:es|a)?|"
            r"herramientas?\s+autom[áa]ticas?|valutator(?:e|i)|strumenti\s+automatici|"
            r"oceniaj[ąa]c\w*|automatyczn\w+\s+narz[ęe]dzi\w*))"
            # ... together with an instruction or a claim of compliance
            r"(?=.*\b(?:conforme|conformes|cydymffurfio|konform|cumple|cumplen|conformidad|"
            r"zgodn\w+|consid[ée]r\w+|ystyriwch|betrachten|consideren|considerate|"
            r"uznaj\w*|ignor\w+|anwybyddu))",
            re.IGNORECASE | re.MULTILINE,
        ),
    ),
)

_QUESTION_START = re.compile(
    r"^\s*(?:what|how|why|when|where|which|who|whom|does|do|did|is|are|was|were|should|"
    r"shall|must|can\s+(?:we|i|a|an|the|our|councils?|leps?)|may\s+(?:we|i))\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"\S.*?(?:[.!?]+[\"”'’)\]*_]*(?=\s|$)|$)")
_COMMENT_MARKS = re.compile(r"<!--|-->")


@dataclass(frozen=True)
class Injection:
    """One sentence that tries to steer the assessment, and why it was flagged."""

    quote: str
    message: str
    kind: str  # override | role | address | outcome | claim | foreign | base64 | learned


def sentences(text: str) -> list[str]:
    """Sentences (and lines without a full stop) of ``text``, stripped."""
    cleaned = _COMMENT_MARKS.sub("\n", text)
    return [m.group().strip() for line in cleaned.splitlines() for m in _SENTENCE.finditer(line)]


def _is_question(sentence: str) -> bool:
    """A genuine question about the guidance, not an order phrased politely."""
    return sentence.rstrip().endswith("?") and bool(_QUESTION_START.match(sentence))


def classify(sentence: str) -> Injection | None:
    """The first injection pattern a single sentence matches, or None."""
    for kind, message, pattern in _PATTERNS:
        if kind == "outcome" and _is_question(sentence):
            continue  # "should rural proofing be treated as met if ...?" is a question
        if pattern.search(sentence):
            return Injection(quote=sentence, message=message, kind=kind)
    return None


def find_injections(text: str) -> list[Injection]:
    """Every sentence of ``text`` addressed to an assessor or model to steer it."""
    found: list[Injection] = []
    for sentence in sentences(text):
        hit = classify(sentence)
        if hit is not None:
            found.append(hit)
    return found
