"""Pure helpers of the growth-curve benchmark: point names, growth ratios, the fitted curve.

No Django, no database: unit-tested in tests/ops/test_bench_growth.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# Households at each point of the curve, per scale; `--5m` (or --households-max) adds larger.
POINTS = {"small": (20_000, 100_000), "full": (100_000, 1_000_000)}
FIVE_MILLION = 5_000_000
# Where the seeding of the largest point stops to record its throughput (households so far).
SEED_STEPS = (100_000, 1_000_000, 2_000_000, 5_000_000)
EXTRAPOLATE_TO = 20_000_000
DATABASE_PREFIX = "fangpin_bench_g"


def points_for(scale: str, households_max: int | None = None) -> tuple[int, ...]:
    """The sizes measured: the scale's two points, plus `households_max` when it is larger
    (`--5m`: 100k, 1M and 5M)."""
    base = POINTS[scale]
    if households_max is None:
        return base
    if households_max >= FIVE_MILLION:
        chosen = {100_000, 1_000_000, households_max}
    else:
        chosen = {*base, households_max}
    return tuple(sorted(n for n in chosen if n <= households_max))


def label(households: int) -> str:
    """20000 → 20k, 1000000 → 1m, 5000000 → 5m, 2500000 → 2500k (database-name safe)."""
    if households % 1_000_000 == 0:
        return f"{households // 1_000_000}m"
    if households % 1000 == 0:
        return f"{households // 1000}k"
    return str(households)


def database_for(households: int) -> str:
    return f"{DATABASE_PREFIX}{label(households)}"


def seed_targets(have: int, target: int, stops: Sequence[int] = ()) -> list[int]:
    """The household counts to stop at while growing a registry from `have` to `target`:
    the throughput steps and the `stops` (points cloned on the way) in between, then target."""
    wanted = {n for n in (*SEED_STEPS, *stops) if have < n < target} | {target}
    return sorted(n for n in wanted if n > have)


def growth_ratio(t_small: float, t_large: float, n_small: int, n_large: int) -> float:
    """Time growth over data growth: 1.0 means time grows as fast as the data (linear),
    0 flat; t(5M)/t(100k) ÷ (5M/100k)."""
    if t_small <= 0 or n_small <= 0:
        return math.nan
    return (t_large / t_small) / (n_large / n_small)


def flatness(times: Sequence[float]) -> float:
    """t at the largest point ÷ t at the smallest (the points in increasing size)."""
    if not times or times[0] <= 0:
        return math.nan
    return times[-1] / times[0]


def power_fit(sizes: Sequence[float], values: Sequence[float]) -> tuple[float, float]:
    """Least squares of log(value) = log(a) + b·log(size): returns (a, b), value ≈ a·size^b.

    Two points give the line through them; one gives a flat curve (b = 0)."""
    pairs = [
        (math.log(n), math.log(v)) for n, v in zip(sizes, values, strict=True) if n > 0 and v > 0
    ]
    if not pairs:
        raise ValueError("no positive point to fit")
    if len(pairs) == 1:
        return math.exp(pairs[0][1]), 0.0
    mean_x = sum(x for x, _ in pairs) / len(pairs)
    mean_y = sum(y for _, y in pairs) / len(pairs)
    sxx = sum((x - mean_x) ** 2 for x, _ in pairs)
    if sxx == 0:
        return math.exp(mean_y), 0.0
    b = sum((x - mean_x) * (y - mean_y) for x, y in pairs) / sxx
    return math.exp(mean_y - b * mean_x), b


def extrapolate(sizes: Sequence[float], values: Sequence[float], at: float) -> float:
    """The fitted power curve's value at `at`."""
    a, b = power_fit(sizes, values)
    return a * at**b


def seeding_seconds(sizes: Sequence[float], rates: Sequence[float], total: float) -> float:
    """Seconds to seed `total` households from empty when the rate (households/s) at size n
    follows the fitted curve a·n^b: the integral of dn / (a·n^b) from 0 to total."""
    a, b = power_fit(sizes, rates)
    if b >= 1:
        raise ValueError("rate falls too fast to integrate from zero")
    return total ** (1 - b) / ((1 - b) * a)


def verdict(value: float, limit: float) -> str:
    if math.isnan(value):
        return "n/a"
    return "ok" if value <= limit else "MISSED"
