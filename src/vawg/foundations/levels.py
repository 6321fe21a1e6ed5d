"""The significance level and the multiplicity policy: one choice for every test, table and sentence.

Apart from :mod:`vawg.foundations.stats` so a module that only words a verdict (``p < 0.05``) does not load
statsmodels (about 2 s) to learn the level.
"""

ALPHA = 0.05
MULTIPLICITY = "holm"  # Holm's step-down adjustment within each family of tests (a table's tests)
