"""Is a PDF's text laid out so it can be read: no words drawn over each other, none off the page?

Read with pdfplumber (the ``test`` extra). Words are rebuilt from the characters in the order
the page draws them: a word ends where the next character does not continue it on the same
line (a space, a jump back or a gap). Text that overflows a table cell into the next is then
two words whose boxes overlap; text past the right margin is outside the text area.

>>> faults = layout_faults(Path("report.pdf"), margin_x=62.4)   # doctest: +SKIP
>>> faults[:1]                                                  # doctest: +SKIP
['page 12: "5.56" overlaps "<0.001" at (412, 301)']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Kerning moves a letter by up to about a tenth of the type size; a space is over a quarter.
JOIN_GAP = 0.15  # of the type size
OVERLAP = 1.0  # points two words may share (anti-aliasing, italic overhang)
MARGIN_TOLERANCE = 2.0


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    def overlaps(self, other: Word) -> bool:
        across = min(self.x1, other.x1) - max(self.x0, other.x0)
        down = min(self.bottom, other.bottom) - max(self.top, other.top)
        return across > OVERLAP and down > 0.3 * min(self.bottom - self.top, other.bottom - other.top)


def page_words(chars: list[dict]) -> list[Word]:
    """The words of one page from pdfplumber's characters, in drawing order."""
    words: list[Word] = []
    current: Word | None = None
    for char in chars:
        text = char["text"]
        if not text.strip():
            current = None
            continue
        x0, x1, top, bottom = char["x0"], char["x1"], char["top"], char["bottom"]
        gap = max(1.0, JOIN_GAP * char.get("size", 10))
        if (current is not None and abs(top - current.top) < 1.0 and abs(bottom - current.bottom) < 1.0
                and -gap <= x0 - current.x1 <= gap):
            current.text += text
            current.x1 = max(current.x1, x1)
            continue
        current = Word(text, x0, x1, top, bottom)
        words.append(current)
    return words


def overlapping_words(words: list[Word]) -> list[tuple[Word, Word]]:
    """Pairs of words whose boxes overlap (a sweep along the page's width)."""
    ordered = sorted(words, key=lambda word: word.x0)
    pairs = []
    for index, word in enumerate(ordered):
        for other in ordered[index + 1:]:
            if other.x0 >= word.x1 - OVERLAP:
                break
            if word.overlaps(other):
                pairs.append((word, other))
    return pairs


def layout_faults(path: Path, *, margin_x: float, pages: list[int] | None = None) -> list[str]:
    """Every overlapping word pair and every word outside the left and right margins of ``path``.

    Parameters
    ----------
    path : Path
        A PDF.
    margin_x : float
        The left and right page margins, in points; text must lie between them.
    pages : list of int, optional
        1-based page numbers to look at; all pages by default.

    Returns
    -------
    list of str
        One line per fault, naming the page, the words and where they are (points from the top left).
    """
    import pdfplumber

    faults: list[str] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            if pages is not None and number not in pages:
                continue
            words = page_words(page.chars)
            for word, other in overlapping_words(words):
                faults.append(f"page {number}: {word.text!r} overlaps {other.text!r} at ({word.x0:.0f}, {word.top:.0f})")
            left, right = margin_x - MARGIN_TOLERANCE, page.width - margin_x + MARGIN_TOLERANCE
            for word in words:
                if word.x0 < left or word.x1 > right or word.top < 0 or word.bottom > page.height:
                    faults.append(f"page {number}: {word.text!r} is outside the text area "
                                  f"(x {word.x0:.0f}–{word.x1:.0f} of {page.width:.0f}, margins {margin_x:.0f})")
    return faults
