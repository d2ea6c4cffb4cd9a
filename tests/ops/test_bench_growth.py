"""The growth-curve benchmark's arithmetic: which points, growth ratios, the fitted curve."""

from __future__ import annotations

import importlib
import math

import pytest

from bench import growth


def test_points_are_small_by_default_and_reach_5m_with_the_flag() -> None:
    assert growth.points_for("small") == (20_000, 100_000)
    assert growth.points_for("full") == (100_000, 1_000_000)
    assert growth.points_for("full", 5_000_000) == (100_000, 1_000_000, 5_000_000)
    assert growth.points_for("small", 2_000_000) == (20_000, 100_000, 2_000_000)
    assert growth.points_for("small", 50_000) == (20_000, 50_000)


def test_each_point_has_its_own_bench_database() -> None:
    assert growth.database_for(100_000) == "fangpin_bench_g100k"
    assert growth.database_for(1_000_000) == "fangpin_bench_g1m"
    assert growth.database_for(5_000_000) == "fangpin_bench_g5m"
    assert growth.label(2_500_000) == "2500k"


def test_seeding_stops_at_the_throughput_steps_and_the_copied_points() -> None:
    assert growth.seed_targets(0, 5_000_000, [100_000, 1_000_000]) == [
        100_000,
        1_000_000,
        2_000_000,
        5_000_000,
    ]
    assert growth.seed_targets(134_000, 1_000_000) == [1_000_000]
    assert growth.seed_targets(0, 20_000) == [20_000]
    assert growth.seed_targets(5_000_000, 5_000_000) == []


def test_growth_ratio_is_time_growth_over_data_growth() -> None:
    # 50x the data in 1.2x the time: 0.024, nearly flat; linear growth gives 1.
    assert growth.growth_ratio(10.0, 12.0, 100_000, 5_000_000) == pytest.approx(0.024)
    assert growth.growth_ratio(10.0, 500.0, 100_000, 5_000_000) == pytest.approx(1.0)
    assert math.isnan(growth.growth_ratio(0.0, 1.0, 1, 2))
    assert growth.flatness([10.0, 11.0, 12.0]) == pytest.approx(1.2)


def test_the_power_fit_recovers_a_known_curve_and_extrapolates_it() -> None:
    sizes = [1e6, 2e6, 5e6]
    rates = [3000 * (n / 1e6) ** -0.1 for n in sizes]
    a, b = growth.power_fit(sizes, rates)
    assert b == pytest.approx(-0.1)
    assert a == pytest.approx(3000 * 1e6**0.1)
    assert growth.extrapolate(sizes, rates, 2e7) == pytest.approx(3000 * 20**-0.1)
    # A constant rate: 20M households at 2,000/s take 10,000 s.
    assert growth.seeding_seconds([1e6, 5e6], [2000, 2000], 2e7) == pytest.approx(10_000)
    assert growth.extrapolate([1e6], [42.0], 2e7) == pytest.approx(42.0)


def test_verdicts_name_a_missed_target() -> None:
    assert growth.verdict(1.1, 1.2) == "ok"
    assert growth.verdict(1.3, 1.2) == "MISSED"
    assert growth.verdict(math.nan, 1.2) == "n/a"


def test_the_benchmark_module_follows_the_runner_convention() -> None:
    module = importlib.import_module("bench.bench_growth")
    assert callable(module.main)
    assert module.ORDER > importlib.import_module("bench.bench_seed").ORDER


def test_the_report_prints_each_read_with_its_growth_and_the_seeding_curve(capsys) -> None:
    from bench.bench_growth import _report

    def point(search_ms: float, summary_ms: float) -> dict:
        return {
            "households": 0,
            "disk_bytes": 2**30,
            "seed_steps": [[1_000_000, 1_000_000, 250.0], [2_000_000, 1_000_000, 280.0]],
            "reads": {
                "search name (city)": {"kind": "search", "median": search_ms, "p95": 2 * search_ms},
                "summary, city": {"kind": "summary", "median": summary_ms, "p95": summary_ms},
                "programs: panel (county)": {"kind": "dashboard", "error": "RuntimeError: 500"},
            },
        }

    _report((100_000, 1_000_000), {100_000: point(10.0, 5.0), 1_000_000: point(30.0, 60.0)})
    out = capsys.readouterr().out
    search = next(line for line in out.splitlines() if "search name (city)" in line)
    assert "0.300" in search  # 3x the time for 10x the data
    assert "3.00x" in search and "flat≤1.2x MISSED" in search and "p95≤50ms MISSED" in search
    summary = next(line for line in out.splitlines() if "summary, city" in line)
    assert "≤50ms MISSED" in summary
    assert "RuntimeError: 500" in out
    assert "extrapolated" in out and "20,000,000" in out
