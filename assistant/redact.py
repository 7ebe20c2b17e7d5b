"""Personal data out of logs and stored feedback.

Officers sometimes paste a name and an email, a phone number, a National
Insurance number or a postcode into a question. Nothing LISA logs or stores keeps
them: ``redact`` replaces each with a placeholder.
"""

from __future__ import annotations

import re

_PATTERNS = (
    ("[email]", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    # National Insurance number: two letters, six digits, one letter A–D (spaces allowed)
    ("[NI number]", re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I)),
    # UK phone numbers: +44 or 0, then 9–10 more digits in groups
    ("[phone]", re.compile(r"(?<!\w)(?:\+44\s?\(?0?\)?|0)(?:[\s-]?\d){9,10}\b")),
    # UK postcodes: "SW1A 1AA", "M1 1AE", "B33 8TH"
    ("[postcode]", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b", re.I)),
)


def redact(text: str) -> str:
    """The text with emails, NI numbers, phone numbers and postcodes replaced."""
    for placeholder, pattern in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text
