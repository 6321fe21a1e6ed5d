"""Calculations written out by hand, for tests to check the package's library-backed results against."""


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment: the k-th smallest p-value times (m - k + 1), kept monotone and capped at 1."""
    ordered = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted, running = [0.0] * len(p_values), 0.0
    for rank, i in enumerate(ordered):
        running = max(running, min(1.0, p_values[i] * (len(p_values) - rank)))
        adjusted[i] = running
    return adjusted


def log_odds_ratio_p(table) -> float:
    """Two-sided p-value of the Wald test of log OR = 0 (statsmodels Table2x2), 0.5 added to every cell if one is 0."""
    import numpy as np
    from statsmodels.stats.contingency_tables import Table2x2

    cells = np.asarray(table, dtype=float)
    return float(Table2x2(cells + 0.5 if (cells == 0).any() else cells).log_oddsratio_pvalue())
