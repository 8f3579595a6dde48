"""How sure a number is: the standard errors, intervals and tests of the marts.

Every formula is written exactly as the README ("How sure a number is") gives it, with the
same IEEE double operations in the same order as the SQL, with explicit ``float()``
conversions (integer products are computed exactly, then converted), so that the published
(rounded) figures of the warehouse and of the oracle are equal exactly. Only the normal
distribution function differs (``statistics.NormalDist`` here, Hart's approximation in SQL),
by less than 1e-14, which touches p-values only, never a rounded figure.

* NPS: the standard error of the plain estimate, the adjusted-Wald interval (0.75 added to the
  promoters and to the detractors, 3 to the responses);
* shares (CSAT satisfied, CES easy): the Wilson interval;
* means (CSAT and CES scores): the normal interval from the sums and sums of squares;
* two-sample tests (adjusted NPS, pooled proportions, means) and the tests against a target;
* the Benjamini-Hochberg q-values of a family of tests.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import NormalDist
from typing import NamedTuple

#: The two-sided normal quantile of each supported confidence level (these literal doubles,
#: which the SQL shares, rather than ``NormalDist().inv_cdf``).
Z_BY_LEVEL: Mapping[str, float] = {
    "0.90": 1.6448536269514722,
    "0.95": 1.959963984540054,
    "0.99": 2.5758293035489004,
}

#: The significance level of each supported confidence level: a test is significant when p < alpha.
ALPHA_BY_LEVEL: Mapping[str, float] = {"0.90": 0.10, "0.95": 0.05, "0.99": 0.01}

#: The gap (in the metric's points) from which an alert is of high severity.
DEFAULT_HIGH_SEVERITY: Mapping[str, float] = {
    "nps": 10,
    "csat_pct": 10,
    "ces_mean": 0.5,
    "detractor_share": 10,
}

_HUNDREDTH = Decimal("0.01")
_STANDARD_NORMAL = NormalDist()


def _default_high_severity() -> dict[str, float]:
    return dict(DEFAULT_HIGH_SEVERITY)


@dataclass(frozen=True)
class StatsSettings:
    """The settings of the statistics (the dbt vars of the same meaning).

    ``high_severity`` may name only some metrics: the others keep their default.
    """

    #: The confidence level of every interval and test: "0.90", "0.95" or "0.99".
    confidence_level: str = "0.95"
    #: A cell with fewer responses is flagged and never tested.
    min_responses: int = 30
    #: The false discovery rate under which an alert fires.
    alert_fdr: float = 0.05
    #: The trailing days the detractor share of a day is compared with.
    detractor_window_days: int = 28
    #: metric -> the gap from which an alert is of high severity.
    high_severity: Mapping[str, float] = field(default_factory=_default_high_severity)
    #: An agent's month with fewer NPS responses is flagged and not ranked.
    agent_min_responses: int = 10
    #: The weight, in responses, of the group's NPS a performance mart shrinks toward.
    shrinkage_k: int = 20
    #: A team's quarter with fewer eNPS answers is flagged and left out of the correlation.
    engagement_min_responses: int = 5

    def __post_init__(self) -> None:
        if self.confidence_level not in Z_BY_LEVEL:
            raise ValueError(
                f"confidence_level is {self.confidence_level!r}; supported levels are "
                + ", ".join(repr(level) for level in Z_BY_LEVEL)
            )
        if isinstance(self.min_responses, bool) or not isinstance(self.min_responses, int):
            raise ValueError(f"min_responses must be a whole number, got {self.min_responses!r}")
        if self.min_responses < 1:
            raise ValueError(f"min_responses must be at least 1, got {self.min_responses}")
        for name, lowest in (("agent_min_responses", 1), ("shrinkage_k", 0), ("engagement_min_responses", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
                raise ValueError(f"{name} must be a whole number of at least {lowest}, got {value!r}")
        if not 0 <= self.alert_fdr <= 1:
            raise ValueError(f"alert_fdr must be from 0 to 1, got {self.alert_fdr}")
        if self.detractor_window_days < 1:
            raise ValueError(f"detractor_window_days must be at least 1, got {self.detractor_window_days}")
        unknown = sorted(set(self.high_severity) - set(DEFAULT_HIGH_SEVERITY))
        if unknown:
            raise ValueError(
                f"high_severity names {', '.join(unknown)}; it may name " + ", ".join(DEFAULT_HIGH_SEVERITY)
            )
        object.__setattr__(self, "high_severity", {**DEFAULT_HIGH_SEVERITY, **self.high_severity})

    @property
    def z(self) -> float:
        """The two-sided normal quantile of the confidence level."""
        return Z_BY_LEVEL[self.confidence_level]

    @property
    def alpha(self) -> float:
        """1 - the confidence level: a test is significant when p < alpha."""
        return ALPHA_BY_LEVEL[self.confidence_level]

    def severity_threshold(self, metric: str) -> Decimal:
        """The gap of ``metric`` from which an alert is of high severity, as a decimal."""
        return Decimal(str(self.high_severity[metric]))


# ------------------------------------------------------------------------- samples


class NpsCounts(NamedTuple):
    """The NPS answers of a sample."""

    promoters: int
    passives: int
    detractors: int

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors


class Proportion(NamedTuple):
    """``successes`` out of ``trials`` (CSAT satisfied of CSAT responses, CES easy of CES ones)."""

    successes: int
    trials: int


class Moments(NamedTuple):
    """The sum, the sum of squares and the count of a sample's scores."""

    total: int
    sum_squares: int
    count: int


class AdjustedNps(NamedTuple):
    """The adjusted (0.75 added to promoters and detractors, 3 to responses) NPS of a sample."""

    #: 100 * (pa - da).
    score: float
    #: (pa + da) - (pa - da)^2, floored at 0: the variance of one answer (-1, 0 or 1).
    variance: float
    #: responses + 3.
    trials: float

    @property
    def standard_error(self) -> float:
        return 100 * math.sqrt(self.variance / self.trials)


class TwoSampleTest(NamedTuple):
    """A test of the first sample against the second (positive difference: the first is higher)."""

    difference: float
    standard_error: float
    p_value: float


class NpsUncertainty(NamedTuple):
    """The NPS_UNCERTAINTY columns, in order."""

    nps_standard_error: Decimal | None
    nps_ci_lower: Decimal | None
    nps_ci_upper: Decimal | None
    is_below_min_responses: bool


# ------------------------------------------------------------------------- basics


def round2(value: float | None) -> Decimal | None:
    """``value`` rounded half away from zero to two decimals (no negative zero); None for None."""
    if value is None:
        return None
    hundredths = math.floor(abs(value) * 100 + 0.5)
    signed = hundredths if value >= 0 else -hundredths
    return (Decimal(signed) / 100).quantize(_HUNDREDTH)


def normal_cdf(x: float) -> float:
    """Phi(x), the standard normal distribution function."""
    return _STANDARD_NORMAL.cdf(x)


def two_sided_p_value(z: float) -> float:
    """2 Phi(-|z|)."""
    return 2 * normal_cdf(-abs(z))


def _variance(share: float, other: float) -> float:
    """(a + b) - (a - b)^2, floored at 0: the variance of an answer worth 1 (share a), -1 (b) or 0."""
    return max((share + other) - (share - other) * (share - other), 0.0)


# ------------------------------------------------------------------------- NPS


def nps_variance(counts: NpsCounts) -> float | None:
    """The variance of one answer (+1 promoter, -1 detractor, 0 passive); None without answers."""
    n = counts.responses
    if n == 0:
        return None
    return _variance(float(counts.promoters) / float(n), float(counts.detractors) / float(n))


def nps_standard_error(counts: NpsCounts) -> float | None:
    """The standard error of the plain NPS, 100 sqrt(v / n), unrounded; None without answers."""
    variance = nps_variance(counts)
    if variance is None:
        return None
    return 100 * math.sqrt(variance / float(counts.responses))


def adjusted_nps(counts: NpsCounts) -> AdjustedNps:
    """The adjusted NPS, its variance and trials (defined without answers too)."""
    trials = float(counts.responses) + 3
    promoters = (float(counts.promoters) + 0.75) / trials
    detractors = (float(counts.detractors) + 0.75) / trials
    return AdjustedNps(100 * (promoters - detractors), _variance(promoters, detractors), trials)


def nps_uncertainty(
    counts: NpsCounts, stats: StatsSettings, min_responses: int | None = None
) -> NpsUncertainty:
    """The published standard error, adjusted-Wald interval (clamped to -100..100) and flag:
    fewer responses than ``min_responses`` (default: the settings' ``min_responses``)."""
    minimum = stats.min_responses if min_responses is None else min_responses
    n = counts.responses
    if n == 0:
        return NpsUncertainty(None, None, None, True)
    adjusted = adjusted_nps(counts)
    se_adj = adjusted.standard_error
    return NpsUncertainty(
        round2(nps_standard_error(counts)),
        round2(max(-100.0, adjusted.score - stats.z * se_adj)),
        round2(min(100.0, adjusted.score + stats.z * se_adj)),
        n < minimum,
    )


# ------------------------------------------------------------------------- shares and means


def wilson_interval(share: Proportion, z: float) -> tuple[Decimal | None, Decimal | None]:
    """The Wilson interval of a share, in percent (clamped to 0..100); None, None without trials."""
    n = share.trials
    if n == 0:
        return None, None
    ph = float(share.successes) / float(n)
    zz = z * z
    nf = float(n)
    denom = 1 + zz / nf
    center = (ph + zz / (2 * nf)) / denom
    half = z * math.sqrt(ph * (1 - ph) / nf + zz / float(4 * n * n)) / denom
    return round2(max(0.0, 100 * (center - half))), round2(min(100.0, 100 * (center + half)))


def sample_variance(moments: Moments) -> float | None:
    """The sample variance (n - 1 denominator, floored at 0); None under two scores."""
    n, t, q = moments.count, moments.total, moments.sum_squares
    if n < 2:
        return None
    return max(float(n * q - t * t) / float(n * (n - 1)), 0.0)


def mean_interval(
    moments: Moments, z: float, lower_bound: float, upper_bound: float
) -> tuple[Decimal | None, Decimal | None]:
    """The normal interval of a mean, clamped to the scale (``lower_bound``..``upper_bound``);
    None, None under two scores."""
    variance = sample_variance(moments)
    if variance is None:
        return None, None
    mean = float(moments.total) / float(moments.count)
    half = z * math.sqrt(variance) / math.sqrt(float(moments.count))
    return round2(max(lower_bound, mean - half)), round2(min(upper_bound, mean + half))


# ------------------------------------------------------------------------- two-sample tests


def nps_difference_test(first: NpsCounts, second: NpsCounts) -> TwoSampleTest | None:
    """The adjusted NPS of ``first`` minus that of ``second``, its standard error and two-sided
    p-value; None when a sample has no answer."""
    if first.responses == 0 or second.responses == 0:
        return None
    one, two = adjusted_nps(first), adjusted_nps(second)
    difference = one.score - two.score
    se = 100 * math.sqrt(one.variance / one.trials + two.variance / two.trials)
    return TwoSampleTest(difference, se, two_sided_p_value(difference / se))


def _pooled(first: Proportion, second: Proportion) -> tuple[float, float]:
    """The difference of two shares and the standard error of the pooled two-proportion z test."""
    p1 = float(first.successes) / float(first.trials)
    p2 = float(second.successes) / float(second.trials)
    pool = float(first.successes + second.successes) / float(first.trials + second.trials)
    se = math.sqrt(pool * (1 - pool) * (1 / float(first.trials) + 1 / float(second.trials)))
    return p1 - p2, se


def share_difference_test(first: Proportion, second: Proportion) -> TwoSampleTest | None:
    """The pooled two-proportion z test, two-sided (p = 1 when the pooled share is 0 or 1); the
    difference is of fractions, not percents. None when a sample has no trial."""
    if first.trials == 0 or second.trials == 0:
        return None
    difference, se = _pooled(first, second)
    if se == 0:
        return TwoSampleTest(difference, se, 1.0)
    return TwoSampleTest(difference, se, two_sided_p_value(difference / se))


def share_increase_p_value(first: Proportion, second: Proportion) -> float | None:
    """One-sided p-value of the pooled two-proportion z test that the share of ``first`` is
    higher than that of ``second``: Phi(-z) (1 when the pooled share is 0 or 1). None when a
    sample has no trial."""
    if first.trials == 0 or second.trials == 0:
        return None
    difference, se = _pooled(first, second)
    if se == 0:
        return 1.0
    return normal_cdf(-(difference / se))


def mean_difference_test(first: Moments, second: Moments) -> TwoSampleTest | None:
    """The normal test of two means, two-sided (with no spread on either side: p = 1 when the
    means are equal, else 0). None when a sample has fewer than two scores."""
    var1, var2 = sample_variance(first), sample_variance(second)
    if var1 is None or var2 is None:
        return None
    m1 = float(first.total) / float(first.count)
    m2 = float(second.total) / float(second.count)
    se = math.sqrt(var1 / float(first.count) + var2 / float(second.count))
    if se == 0:
        equal = first.total * second.count == second.total * first.count
        return TwoSampleTest(m1 - m2, se, 1.0 if equal else 0.0)
    return TwoSampleTest(m1 - m2, se, two_sided_p_value((m1 - m2) / se))


# ------------------------------------------------------------------------- targets


def nps_below_target_p_value(counts: NpsCounts, target: Decimal) -> float | None:
    """One-sided p-value that the NPS is below ``target``: Phi((adjusted NPS - target) / its
    standard error). None without answers."""
    if counts.responses == 0:
        return None
    adjusted = adjusted_nps(counts)
    return normal_cdf((adjusted.score - float(target)) / adjusted.standard_error)


def share_below_target_p_value(share: Proportion, target: Decimal) -> float | None:
    """One-sided p-value that a share is below ``target`` percent, with the target's standard
    error. None without trials, or unless the target is strictly between 0 and 100."""
    p0 = float(target) / 100
    if share.trials == 0 or not 0 < p0 < 1:
        return None
    ph = float(share.successes) / float(share.trials)
    return normal_cdf((ph - p0) / math.sqrt(p0 * (1 - p0) / float(share.trials)))


def mean_below_target_p_value(moments: Moments, target: Decimal) -> float | None:
    """One-sided p-value that a mean is below ``target`` (with no spread: 0 when the mean is
    below, else 1). None under two scores."""
    variance = sample_variance(moments)
    if variance is None:
        return None
    mean = float(moments.total) / float(moments.count)
    sd = math.sqrt(variance)
    if sd == 0:
        return 0.0 if mean < float(target) else 1.0
    return normal_cdf((mean - float(target)) / (sd / math.sqrt(float(moments.count))))


# ------------------------------------------------------------------------- false discovery rate


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """The Benjamini-Hochberg q-value of each p-value of one family, in the given order: with
    the m p-values sorted ascending, q_(j) = min over k >= j of min(1, p_(k) m / k)."""
    m = len(p_values)
    order = sorted(range(m), key=lambda index: p_values[index])
    q_values = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        index = order[rank - 1]
        running = min(running, min(1.0, p_values[index] * m / rank))
        q_values[index] = running
    return q_values


# ------------------------------------------------------------------------- correlation


def round4(value: float | None) -> Decimal | None:
    """``value`` rounded half away from zero to four decimals; None for None."""
    if value is None:
        return None
    units = math.floor(abs(value) * 10000 + 0.5)
    return (Decimal(units if value >= 0 else -units) / 10000).quantize(Decimal("0.0001"))


def pearson_r(pairs: Sequence[tuple[int, int]]) -> float | None:
    """Pearson's r of integer pairs (x, y): (n sxy - sx sy) / sqrt((n sxx - sx^2) (n syy -
    sy^2)), the integer sums exact and the two variances converted to doubles and multiplied,
    clamped to [-1, 1]; None under three pairs or when either side does not vary."""
    n = len(pairs)
    sx = sum(x for x, _ in pairs)
    sy = sum(y for _, y in pairs)
    covariance = n * sum(x * y for x, y in pairs) - sx * sy
    variance_x = n * sum(x * x for x, _ in pairs) - sx * sx
    variance_y = n * sum(y * y for _, y in pairs) - sy * sy
    if n < 3 or variance_x <= 0 or variance_y <= 0:
        return None
    return max(-1.0, min(1.0, float(covariance) / math.sqrt(float(variance_x) * float(variance_y))))


def fisher_interval(r: float | None, n: int, z: float) -> tuple[float | None, float | None]:
    """The Fisher-z interval of a correlation over ``n`` groups: tanh(atanh(r) -/+ z /
    sqrt(n - 3)), with atanh and tanh written through log and exp as the SQL writes them; None,
    None under four groups, without r, or when |r| = 1."""
    if r is None or n < 4 or abs(r) >= 1:
        return None, None
    bounds = []
    for sign in (-1, 1):
        w = math.log((1 + r) / (1 - r)) / 2 + sign * z / math.sqrt(float(n - 3))
        bounds.append((math.exp(2 * w) - 1) / (math.exp(2 * w) + 1))
    return bounds[0], bounds[1]
