"""Monthly forecasts: a regression on trend and seasons with AR(1) errors (statsmodels SARIMAX), and its error."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.tsa.statespace.sarimax import SARIMAX

from vawg.foundations.methods_used import uses


@dataclass
class Forecast:
    """A fitted forecasting model and its forecast with a prediction interval."""

    model: str
    fitted: pd.Series
    forecast: pd.DataFrame   # columns mean, lower, upper; indexed like the future exogenous data
    level: float
    parameters: dict[str, float] = field(default_factory=dict)   # the fitted AR coefficient and error variance


@uses(test="forecast")
def forecast_monthly(series: pd.Series, exog: pd.DataFrame, future_exog: pd.DataFrame,
                     *, level: float = 0.95) -> Forecast:
    """Forecast a monthly series with a regression on a linear trend and ``exog``, with AR(1) errors.

    A statsmodels ``SARIMAX`` regression with AR(1) errors on a constant, a
    linear time trend and the exogenous regressors given (for example seasonal
    terms and a lockdown indicator). ``future_exog`` holds the regressors of
    the months to forecast, which follow the series without a gap.

    The prediction interval at ``level`` allows for the errors, their
    autocorrelation and the uncertainty of the estimated trend and the other
    regression coefficients. Why this model form: with ``mle_regression=False``
    the coefficients are states of the Kalman filter (exact diffuse start, so
    the fit conditions on the first month), so they are estimated by generalised
    least squares on the quasi-differenced series (Cochrane-Orcutt) and their
    covariance is carried into the forecast variance by the library; an ``ARIMA`` fit with
    ``exog`` (used before) treats the fitted coefficients as known, and its
    95% interval held about 83% of months in a hold-out. The AR coefficient and
    the error variance are still taken as known (maximum likelihood on the
    diffuse likelihood); the coverage measured on a rolling hold-out
    (:mod:`vawg.analysis.police.forecast`) is published beside the forecast.
    """
    n = len(series)
    design = np.column_stack([np.ones(n), np.arange(n, dtype=float), exog.to_numpy(dtype=float)])
    future_design = np.column_stack([np.ones(len(future_exog)), np.arange(n, n + len(future_exog), dtype=float),
                                     future_exog.to_numpy(dtype=float)])
    with warnings.catch_warnings():
        # Short series: statsmodels warns about starting values and frequency; neither changes the fit.
        warnings.simplefilter("ignore")
        # The error variance is concentrated out of the likelihood (the same fit, found about four times faster).
        model = SARIMAX(series.to_numpy(dtype=float), exog=design, order=(1, 0, 0), trend="n",
                        mle_regression=False, initialization="diffuse", concentrate_scale=True)
        fit = model.fit(disp=False)
        frame = fit.get_forecast(len(future_exog), exog=future_design).summary_frame(alpha=1 - level)
    forecast = pd.DataFrame({"mean": frame["mean"].to_numpy(), "lower": frame["mean_ci_lower"].to_numpy(),
                             "upper": frame["mean_ci_upper"].to_numpy()}, index=future_exog.index)
    return Forecast(model="regression on a linear trend and the given regressors with AR(1) errors",
                    fitted=pd.Series(fit.fittedvalues, index=series.index), forecast=forecast, level=level,
                    parameters={"ar": float(fit.params[0]), "sigma2": float(fit.scale)})


@uses(metric="mape")
def mean_absolute_percentage_error(actual, predicted) -> float:
    """MAPE: the mean of |actual − predicted| ÷ actual, as a percentage (months with zero actual left out)."""
    actual, predicted = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    keep = actual != 0
    return float(np.mean(np.abs(actual[keep] - predicted[keep]) / actual[keep]) * 100)
