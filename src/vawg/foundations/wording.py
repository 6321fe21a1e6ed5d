"""Words the prose chooses from results: lists, directions and test verdicts, phrased one way everywhere."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # vawg.foundations.stats loads statsmodels: 2 s that `vawg --help` need not wait
    from vawg.foundations.stats import TestResult


def join_words(words: Sequence[str]) -> str:
    """"a, b and c"; with a serial comma when an item has its own "and" ("x, y and z, and w")."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    serial = "," if len(words) > 2 and any(" and " in word for word in words) else ""
    return ", ".join(words[:-1]) + f"{serial} and " + words[-1]


def significance(test: TestResult | float) -> str:
    """"statistically significant (p < 0.001)" or "not statistically significant (p = 0.45)"."""
    p = getattr(test, "p_value", test)
    if p < 0.001:
        return "statistically significant (p < 0.001)"
    if p < 0.01:
        return "statistically significant (p < 0.01)"
    if p < 0.05:
        return f"statistically significant (p = {p:.3f})"
    return f"not statistically significant (p = {p:.2f})"


# Initialisms the police write in title case ("Nfib Fraud"), printed in capitals.
ACRONYMS = ("NFIB",)


def keep_acronyms(text: str) -> str:
    """"Nfib fraud" → "NFIB fraud": initialisms in capitals whatever case the rest of ``text`` is in.

    >>> keep_acronyms("nfib fraud"), keep_acronyms("Nfib Fraud")
    ('NFIB fraud', 'NFIB Fraud')
    """
    for acronym in ACRONYMS:
        text = re.sub(rf"\b{acronym}\b", acronym, text, flags=re.IGNORECASE)
    return text


def direction(value: float, up: str = "higher", down: str = "lower") -> str:
    return up if value > 0 else down


def with_article(phrase: str) -> str:
    """"a" or "an" before a phrase, by how it is read aloud: "an 11.2% rise", "an 8% fall", "a 1.5% rise".

    Numbers are said as words, so the article follows the sound of the first word: 8, 11, 18 and
    80–89 (and 800…, 8,000…, 11,000…) start with a vowel sound. Written by hand: no library in the
    stack chooses English articles.

    >>> with_article("11.2% rise"), with_article("8.0% fall"), with_article("1.5% rise"), with_article("18% rise")
    ('an 11.2% rise', 'an 8.0% fall', 'a 1.5% rise', 'an 18% rise')
    >>> with_article("110% rise"), with_article("increase")
    ('a 110% rise', 'an increase')
    """
    first = phrase.split()[0] if phrase.split() else ""
    digits = "".join(ch for ch in first.split(".")[0] if ch.isdigit() or ch == ",")
    if digits:
        groups = digits.split(",")
        lead = groups[0]
        vowel = lead.startswith("8") or lead in ("11", "18")
    else:
        vowel = first[:1].lower() in "aeiou" if first else False
    return f"{'an' if vowel else 'a'} {phrase}"


def markdown_escape(text: str) -> str:
    """Escape characters pandoc markdown would read as markup inside a table cell."""
    return re.sub(r"([\\`*_{}\[\]<>|#])", r"\\\1", text)


def not_supplied(borough: str, what: str) -> str:
    """The plain sentence a reader sees where the borough has not supplied ``what``.

    Readers are never told which file to write (the publish check refuses repository paths):
    :func:`vawg.analysis.borough_content.missing_content_line` tells the analyst, in the build's output.
    """
    return f"{markdown_escape(borough)} has not supplied {what} for this edition."
