"""Analysis of the police recorded-crime extract (Chapter 3)."""
