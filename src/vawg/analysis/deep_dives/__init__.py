"""Sections added by deep-dive authors with ``vawg new section``: one module per section."""
