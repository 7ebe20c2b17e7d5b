"""What a question asks for: a figure, a date, a named post, a list of named things or a
procedure, and whether a sentence supplies it.

"How many…", "what is the deadline…", "who chairs…", "which LEPs…", "how do we
apply…" each ask for a kind of answer; a sentence that shares the question's words
but holds no figure, no date, no post or no list of the asked-for things does not
answer it ("naming a thing is not listing its parts").
"""

from __future__ import annotations

import re

from assistant.library.lexicon import stem, topic_words, words

# --- what kind of answer a question asks for ---------------------------------------
# Posts held by one person: a question asking who holds one needs that post in the answer.
ROLES = (
    "minister",
    "secretary of state",
    "chair",
    "chairman",
    "chairperson",
    "director",
    "chief executive",
    "president",
    "mayor",
    "official",
    "individual",
    "person",
    "head",
    "board member",
)
_ASKS = {
    "figure": re.compile(
        r"\bhow\s+(much|many|long|often|fast|big|large)\b|\bwhat(?:['’]s|\s+is|\s+are|\s+was)?"
        r"\s+(?:the\s+|a\s+)?(?:current\s+|average\s+|typical\s+|latest\s+|exact\s+|minimum\s+|"
        r"maximum\s+)?(?:[a-z-]+\s+)??(percentage|proportion|share|rate|amount|number|figure|"
        r"speed|size|budget|cost|price|salary|wage|threshold|target)s?\b|"
        r"\b(minimum|maximum)\s+\w+|\b(percentage|per\s*cent)\s+of\b|\bthreshold\b",
        re.IGNORECASE,
    ),
    "date": re.compile(
        r"\bwhen\s+(is|was|were|will|must|did|does|do|should|"
        r"can|has|have|are)\b|\b(on|by)\s+what\s+dates?\b|\bwhat\s+(year|date|month|"
        r"time\s*scale|timescale|timetable)\b|\bby\s+when\b|\bdeadline\b|\bdue\s+date\b|"
        r"\btime\s*frame\b|\bhow\s+soon\b|\bsince\s+when\b",
        re.IGNORECASE,
    ),
    "person": re.compile(
        r"\b(who|which)\b.{0,40}\b(" + "|".join(ROLES) + r")s?\b|\bwho\s+(chairs|heads|"
        r"directs|sits\s+on)\b|\bname\s+of\s+the\s+(" + "|".join(ROLES) + r")\b",
        re.IGNORECASE,
    ),
    "instances": re.compile(
        r"\b(which|what)\s+(?:(?!(?:sorts?|kinds?|types?|are|is|was|were|of|the|an?|do|does|"
        r"did)\s)(?![\w-]*s\s)[\w-]+\s+){0,3}?(leps|local\s+"
        r"enterprise\s+partnerships|areas|places|councils|authorities|regions|counties|cities|"
        r"towns|organisations|organizations|companies|firms|businesses|members|partners|"
        r"projects|programmes|schemes|funds|documents|reports|commitments|innovations|indicators|"
        r"measures|metrics|members|results|dates|sectors|examples)\b"
        r"|\b(list|name|identify|enumerate)\s+(the|all|some|any|them|those|these)\b"
        r"|\bany\s+(examples?|case\s+stud(y|ies))\b",
        re.IGNORECASE,
    ),
    "procedure": re.compile(
        # "how do we apply …", "how can a charity bid …", "how do senior leaders apply …"
        r"\bhow\s+(do|can|should|would|does|to)\s+(?:[\w-]+\s+){0,2}?(formally\s+|actually\s+|go\s+about\s+)?(apply|submit|register|sign\s+up|"
        r"enrol|enroll|appeal|bid|claim|book|join|contact|request|complain|get\s+(funding|"
        r"approval|signed))\b|\bstep[-\s]by[-\s]step\b|\bapplication\s+(process|form)\b|"
        r"\b(template|portal|form)\s+(for|to)\b|\bwho\s+do\s+(i|we)\s+(contact|send|submit)",
        re.IGNORECASE,
    ),
    # how a figure is calculated: the guidance must say how, not only give the figure
    "method": re.compile(
        r"\bhow\s+(?:is|are|was|were|do|does|did)\b[^?.]{0,50}?\b(?:calculated|calculate|"
        r"computed|compute|worked\s+out|work\s+out)\b",
        re.IGNORECASE,
    ),
    # who holds someone to account: "who checks that …", "which body audits …"
    "oversight": re.compile(
        r"\b(?:who|which\s+(?:body|bodies|organisation|organization|department|team|agency|"
        r"office|panel|committee))\b[^?.]{0,40}?\b(?:checks?|audits?|monitors?|assess(?:es)?|"
        r"inspects?|scrutini[sz]es?|enforces?|polices?|oversees?|verif(?:y|ies)|regulates?)\b",
        re.IGNORECASE,
    ),
    # which things, or how much, in the asker's own area: "which sites are near us?", "how
    # much money is there for our LEP area?" (guidance for every area lists none of one)
    "local": re.compile(
        r"\b(?:which|how\s+(?:much|many))\b[^?.]*?(?:\b(?:in|for|across|near|around|round)\s+"
        r"(?:our|my)\s+(?:own\s+)?(?:lep\s+)?(?:area|patch|region|county|city|town|district|"
        r"borough|locality)\b|\bnear\s+(?:us|here)\b|\bround\s+here\b)",
        re.IGNORECASE,
    ),
    # what follows when something is not done: a penalty, a sanction, an appeal
    "consequence": re.compile(
        r"\bwhat\s+happens\s+(?:to\s+\w+\s+)?(?:if|when|where)\b|\bwhat\s+if\b|"
        r"^\W*(?:and|but|so)\s+if\b|\b(?:penalt(?:y|ies)|fines?|sanctions?|appeals?|"
        r"consequences?)\b",
        re.IGNORECASE,
    ),
}
# "Which … has the biggest impact / proved more cost-effective …?": a comparison on some
# measure, supplied only by a sentence that compares on that measure. "which" opens the
# question or a clause of it ("Of these tools, which …"): "the principles which give …" is not
# a question.
_COMPARATIVE = (
    r"(?:more|most|less|least|fewer|fewest|better|best|worse|worst|bigger|biggest|greater|"
    r"greatest|higher|highest|lower|lowest|larger|largest|smaller|smallest|cheaper|cheapest|"
    r"faster|fastest|slower|slowest|stronger|strongest|longer|longest|shorter|shortest|quicker|"
    r"quickest|easier|easiest|earlier|earliest|wider|widest)"
)
_COMPARES = re.compile(
    r"(?:^\W*|[,;:—–-]\s*|\b(?:and|but|so|or)\s+)which\b[^?]{0,60}?\b"
    + _COMPARATIVE
    + r"\s+((?:[\w-]+\s*){1,3})",
    re.IGNORECASE,
)
_COMPARING = re.compile(r"\b" + _COMPARATIVE + r"\b|\b\w+er\s+than\b", re.IGNORECASE)
# What another document says: "what does the What Works Centre guidance recommend?", "that
# 'Anchor institutions …' report: what interventions does it set out?". The document is one
# the question names (a quoted title of four words or more, a capitalised name, "that report", a
# footnote), not the guidance itself ("what does the (DCMS) guidance say about …?").
_DOCUMENT = (
    r"(?:guidance|guide|report|study|index|act|toolkit|prospectus|paper|review|framework|"
    r"publication|handbook)"
)
_CONTENT_ASK = re.compile(
    r"\b(?:recommend\w*|says?|said|set(?:s|ting)?\s+out|suggest\w*|lists?|propos\w*|advis\w*|"
    r"contain\w*|cover\w*|steps|findings|requirements|main\s+points)\b",
    re.IGNORECASE,
)
_OTHER_DOCUMENT = re.compile(
    r"['‘’\"](?:[^'‘’\"\s]+\s+){3,}[^'‘’\"]+['‘’\"]|(?i:\bfootnote\s*\d+|\b(?:that|those)\s+(?:\w+\s+)?"
    + _DOCUMENT
    + r"s?\b)|(?<!^)(?<![.?!]\s)\b(?:[A-Z][\w'’&-]*\s+){1,5}(?i:"
    + _DOCUMENT
    + r")\b"
)
# Words that name the guidance itself (its publisher, title and parts), not another document.
_SELF = re.compile(
    r"^(?:(?:the|this|our|dcms'?s?|connected|growth|lis|part|\d|manual|local|industrial|"
    r"strategy|strategies)\s+)*",
    re.IGNORECASE,
)
# A sentence that only says another document exists and what it is about ("Government has
# issued guidance on how to …", "X indicates how …", "guidance is available from …"),
# without saying what it says.
_MENTION = re.compile(
    r"\b(?:has|have|had)\s+(?:also\s+)?(?:issued|published|produced|released)\s+"
    r"(?:\w+\s+){0,2}?" + _DOCUMENT + r"|\b" + _DOCUMENT + r"s?\s+(?:is\s+|are\s+)?"
    r"available\b|\b" + _DOCUMENT + r"s?\s+(?:has|have|had)\s+(?:also\s+)?been\s+"
    r"(?:issued|published|produced|released)\b|\b(?:indicates|explains|describes|shows|outlines)\s+how\b",
    re.IGNORECASE,
)
# A sentence that states a consequence: a penalty or appeal, or a condition and its result.
_CONSEQUENCE = re.compile(
    r"\b(?:penalt\w*|sanction\w*|appeal\w*|consequen\w*|fined|liable|enforce\w*|otherwise)\b|"
    r"\b(?:if|unless|where)\b[^.;]{3,80}?\b(?:will|would|may|must|can)\s+(?:not\s+)?"
    r"(?:be|lose|face|need|have)\b",
    re.IGNORECASE,
)
# A sentence that says how a figure is arrived at.
_METHOD = re.compile(
    r"\b(?:calculat\w*|comput\w*|worked\s+out|formula\w*|method\w*|derived|divided|"
    r"multipl\w*|(?:sum|total|ratio)\s+of)\b",
    re.IGNORECASE,
)
# "What does PSTA stand for?", "GVA is short for what?": the question asks for the words an
# abbreviation stands for, which a sentence supplies only by spelling them out.
_EXPANSION = re.compile(
    r"\b(?:stands?|stood)\s+for\b|\bshort\s+for\b|\b(?:acronym|initials|abbreviation)\b",
    re.IGNORECASE,
)
_ABBREVIATION = re.compile(r"\b([A-Z]{2,6})s?\b")
_MINOR_WORDS = frozenset("of and the for in on to".split())
# The thing a list or "which" question asks for: "list the members", "which LEPs".
_ASKED_NOUN = re.compile(
    r"\b(?:list|name|identify|enumerate|which|what)\s+(?:the\s+|all\s+|some\s+|any\s+)?"
    r"(?:[a-z-]+\s+){0,3}?([a-z]+[^s\W]s)\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d[\d,.]*")
_SHARE = re.compile(
    r"\d\s*(?:%|per\s*cent|percent)|\b(?:half|halves|thirds?|quarters?|fifths?|tenths?)\b|"
    r"\bone\s+in\s+\w+",
    re.IGNORECASE,
)
_YEAR = re.compile(
    r"\b(19|20)\d\d\b|\b(january|february|march|april|may|june|july|august|september|"
    r"october|november|december)\b",
    re.IGNORECASE,
)
_LIST_AFTER = re.compile(
    r"^\W{0,3}(?:[\w-]+\s+){0,8}?(:|such\s+as\b|includ(e|es|ing)\b|like\b|e\.g\.|"
    r"for\s+example\b|are\b)",
    re.IGNORECASE,
)
_STEPS = re.compile(r"\b(process|steps?|stages?|procedure)\b", re.IGNORECASE)
# A reference to a part of the guidance: "the digital skills section", "Part 2", "chapter 4".


def asks_for(question: str) -> list[str]:
    """The kinds of answer the question asks for (figure, date, person, instances, procedure,
    method, consequence, expansion, comparison, document)."""
    kinds = [kind for kind, pattern in _ASKS.items() if pattern.search(question)]
    if _EXPANSION.search(question) and _ABBREVIATION.search(question):
        kinds.append("expansion")
    if compared_on(question):
        kinds.append("comparison")
    sentences = re.split(r"(?<=[.!?])\s+", question)
    if any(_CONTENT_ASK.search(s) and names_other_document(s) for s in sentences):
        kinds.append("document")
    return kinds


def compared_on(question: str) -> str:
    """The stem of the measure a "which … most/better X" question compares on ("" if none)."""
    match = _COMPARES.search(question)
    if not match:
        return ""
    measure = [w for w in words(match.group(1)) if topic_words(w)]
    return stem(measure[0]) if measure else ""


def names_other_document(sentence: str) -> bool:
    """Whether the sentence names a document other than the guidance itself."""
    for match in _OTHER_DOCUMENT.finditer(sentence):
        name = match.group(0)
        if name[:1] in "'‘’\"" or re.match(r"(?i)footnote|that|those", name):
            return True
        rest = name[_SELF.match(name).end() :]  # type: ignore[union-attr]
        if re.search(r"[A-Z]", rest.split()[0] if rest.split()[:-1] else ""):
            return True
    return False


def only_mentions(text: str) -> bool:
    """Whether every sentence of the text only says that a document exists."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    return bool(sentences) and all(_MENTION.search(s) for s in sentences)


def spells_out(abbreviation: str, text: str) -> bool:
    """Whether the text spells the abbreviation out: consecutive capitalised words whose
    initials make it, minor words between them skipped ("Local Enterprise Partnership" for
    LEP, "Department for Digital, Culture, Media and Sport" for DCMS)."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if w.lower() not in _MINOR_WORDS]
    letters = abbreviation.upper()
    for start in range(len(words) - len(letters) + 1):
        run = words[start : start + len(letters)]
        if all(w[0] == c and w[0].isupper() for w, c in zip(run, letters, strict=True)):
            return True
    return False


def supplies(kind: str, question: str, text: str) -> bool:
    """Whether a candidate sentence supplies an answer of this kind."""
    if kind == "figure":  # a figure the question does not already quote
        quoted = {n.rstrip(".,") for n in _NUMBER.findall(question)}
        return any(n.rstrip(".,") not in quoted for n in _NUMBER.findall(text))
    if kind == "date":  # a date the question does not already quote
        quoted = {m.group(0).lower() for m in _YEAR.finditer(question)}
        return any(m.group(0).lower() not in quoted for m in _YEAR.finditer(text))
    if kind == "person":
        lowered = question.lower()
        asked = [r for r in ROLES if re.search(rf"\b{r}", lowered)] or ["member"]
        return any(re.search(rf"\b{r}", text.lower()) for r in asked)
    if kind == "instances":
        return lists_asked_noun(question, text)
    if kind == "consequence":
        return bool(_CONSEQUENCE.search(text))
    if kind == "local":  # the guidance is written for every area, not the asker's
        return False
    if kind == "oversight":  # a sentence that says who does that checking
        verb = _ASKS["oversight"].search(question)
        checking = stem(verb.group(0).split()[-1]) if verb else ""
        return any(stem(w) == checking for w in words(text))
    if kind == "comparison":
        measure = compared_on(question)
        return bool(_COMPARING.search(text)) and measure in topic_words(text)
    if kind == "method":
        return bool(_METHOD.search(text))
    if kind == "expansion":
        return any(spells_out(m.group(1), text) for m in _ABBREVIATION.finditer(question))
    if kind == "document":
        return not only_mentions(text)
    if kind == "procedure":
        return bool(_STEPS.search(text)) and (":" in text or text.count(";") >= 2)
    return True


def lists_asked_noun(question: str, text: str) -> bool:
    """A list of the asked-for things: the noun, then a list ("members: …", "such as …")."""
    match = _ASKED_NOUN.search(question)
    if not match:
        return text.count(",") >= 2 or ":" in text
    noun = stem(match.group(1).lower())
    lowered = text.lower()
    for found in re.finditer(r"[a-z]+", lowered):
        if stem(found.group(0)) == noun:
            after = lowered[found.end() :]
            if _LIST_AFTER.search(after) and (after.count(",") >= 1 or ":" in after):
                return True
    return False


ASK_WORDS = {
    "figure": "a figure",
    "date": "a date",
    "person": "a named person or post",
    "instances": "a list of named examples",
    "procedure": "a step-by-step procedure",
    "expansion": "what an abbreviation stands for",
    "consequence": "what follows if it is not done (a penalty, a sanction or an appeal)",
    "oversight": "the body that checks or enforces it",
    "local": "facts about your own area",
    "method": "the method behind a figure",
    "comparison": "a comparison on that measure",
    "document": "the contents of another document",
}
