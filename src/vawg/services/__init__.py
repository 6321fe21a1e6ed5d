"""Service cards: Chapter 4's services and Appendix 2's, one structured file each in ``data/boroughs/<borough>/services/``.

A service lead updates a card by editing its YAML file; ``vawg cards check``
validates every card and lists the stale and incomplete ones; the build renders
them all with one layout, suppressing counts under 5 (and percentages built on
them) and marking cards whose figures are older than the edition.

Public API
----------
- :class:`Card`, :class:`Section`, :class:`Item`, :class:`Period`, :data:`CATEGORIES` (schema)
- :func:`load_card`, :func:`load_cards`, :class:`CardError` (reading, with errors naming file and field)
- :func:`render_card`, :func:`render_category`, :func:`render_index` (Quarto Markdown)
- :func:`is_stale`, :func:`stale_cards`, :func:`card_gaps` (what needs updating)
- :func:`write_card_partials`, :func:`write_local_response`, :func:`card_status`, :func:`load_facts` (what the
  Chapter 4 notebook writes); :func:`services_dir`, :func:`borough_dir` (where a borough's content lives)
- :mod:`vawg.services.safety_bus` (``fig-safety-bus-users`` and the Safety Bus card's computed figures)
"""

from vawg.services.chapter import (
    CHAPTER_PARTIAL,
    INDEX_PARTIAL,
    Facts,
    card_status,
    fact_values,
    load_facts,
    local_response_text,
    partial_name,
    status_values,
    write_card_partials,
    write_local_response,
    write_status,
)
from vawg.services.loading import (
    CardError,
    borough_dir,
    borough_slug,
    card_files,
    load_card,
    load_cards,
    services_dir,
    sort_cards,
)
from vawg.services.render import (
    CARD_THRESHOLD,
    STALE_AFTER_MONTHS,
    card_gaps,
    category_anchor,
    is_stale,
    period_text,
    render_card,
    render_category,
    render_index,
    stale_cards,
)
from vawg.services.schema import (
    CATEGORIES,
    CHAPTER_CATEGORIES,
    Card,
    Contact,
    Item,
    Period,
    Section,
)

__all__ = [
    "CHAPTER_PARTIAL", "borough_dir", "borough_slug", "local_response_text",
    "write_local_response",
    "CARD_THRESHOLD", "CATEGORIES", "CHAPTER_CATEGORIES", "INDEX_PARTIAL", "STALE_AFTER_MONTHS", "Card",
    "CardError", "Contact", "Facts", "Item", "Period", "Section", "card_files", "card_gaps", "card_status",
    "category_anchor", "fact_values", "is_stale", "load_card", "load_cards", "load_facts", "partial_name",
    "period_text", "render_card", "render_category", "render_index", "services_dir", "sort_cards",
    "stale_cards", "status_values", "write_card_partials", "write_status",
]
