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
- :mod:`vawg.analysis.services.safety_bus` (``fig-safety-bus-users`` and the Safety Bus card's computed figures)
"""

# Names are looked up on first use (PEP 562), so `vawg --help` and `vawg cards` do not import pandas.
_EXPORTS = {
    "CHAPTER_PARTIAL": "chapter",
    "INDEX_PARTIAL": "chapter",
    "Facts": "chapter",
    "card_status": "chapter",
    "fact_values": "chapter",
    "load_facts": "chapter",
    "local_response_text": "chapter",
    "partial_name": "chapter",
    "status_values": "chapter",
    "write_card_partials": "chapter",
    "write_local_response": "chapter",
    "write_status": "chapter",
    "CardError": "loading",
    "borough_dir": "loading",
    "borough_slug": "loading",
    "card_files": "loading",
    "load_card": "loading",
    "load_cards": "loading",
    "services_dir": "loading",
    "sort_cards": "loading",
    "CARD_THRESHOLD": "render",
    "STALE_AFTER_MONTHS": "render",
    "card_gaps": "render",
    "category_anchor": "render",
    "is_stale": "render",
    "period_text": "render",
    "render_card": "render",
    "render_category": "render",
    "render_index": "render",
    "stale_cards": "render",
    "CATEGORIES": "schema",
    "CHAPTER_CATEGORIES": "schema",
    "Card": "schema",
    "Contact": "schema",
    "Item": "schema",
    "Period": "schema",
    "Section": "schema",
}


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'vawg.analysis.services' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"vawg.analysis.services.{_EXPORTS[name]}"), name)

__all__ = [
    "CHAPTER_PARTIAL", "borough_dir", "borough_slug", "local_response_text",
    "write_local_response",
    "CARD_THRESHOLD", "CATEGORIES", "CHAPTER_CATEGORIES", "INDEX_PARTIAL", "STALE_AFTER_MONTHS", "Card",
    "CardError", "Contact", "Facts", "Item", "Period", "Section", "card_files", "card_gaps", "card_status",
    "category_anchor", "fact_values", "is_stale", "load_card", "load_cards", "load_facts", "partial_name",
    "period_text", "render_card", "render_category", "render_index", "services_dir", "sort_cards",
    "stale_cards", "status_values", "write_card_partials", "write_status",
]
