"""Statistical tests and measures the report uses (Appendix 6e lists them), one module per kind of question.

Each wraps a maintained library (statsmodels, scipy); what is written here by
hand is only the arithmetic of rates and changes.
"""

