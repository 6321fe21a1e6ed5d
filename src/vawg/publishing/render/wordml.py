"""WordprocessingML elements put where the schema wants them.

Word calls a file corrupt when a child of a properties element (``w:rPr``, ``w:trPr``, ``w:tblPr`` ...) is out
of the schema's order, so every element the Word fixes add is placed by one of these two functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn


def place(parent: Any, element: Any, *, before: Iterable[str] | None = None, after: Iterable[str] = ()) -> None:
    """Put ``element`` in ``parent``: with ``before``, just before the first child named there (last when there
    is none); otherwise just after the last child named in ``after`` (first when there is none)."""
    if before is not None:
        names = {qn(tag) for tag in before}
        later = next((child for child in parent if child.tag in names), None)
        (later.addprevious if later is not None else parent.append)(element)
        return
    names = {qn(tag) for tag in after}
    earlier = [child for child in parent if child.tag in names]
    if earlier:
        earlier[-1].addnext(element)
    else:
        parent.insert(0, element)


def child(parent: Any, tag: str, *, before: Iterable[str] | None = None, after: Iterable[str] = ()) -> Any:
    """``parent``'s ``tag`` child (e.g. ``"w:trPr"``); where it has none, a new empty one put by :func:`place`.

    >>> row = parse_xml(f"<w:tr {nsdecls('w')}><w:tblPrEx/><w:tc/></w:tr>")
    >>> properties = child(row, "w:trPr", after=("w:tblPrEx",))
    >>> [element.tag.split("}")[1] for element in row], child(row, "w:trPr", after=()) is properties
    (['tblPrEx', 'trPr', 'tc'], True)
    """
    existing = parent.find(qn(tag))
    if existing is not None:
        return existing
    element = parse_xml(f"<{tag} {nsdecls('w')}/>")
    place(parent, element, before=before, after=after)
    return element
