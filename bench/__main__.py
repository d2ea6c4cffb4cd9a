"""Runner: discovers bench/bench_*.py, prints a machine header, runs each module's main(scale).

Each module exposes `main(scale: str) -> None` and prints its figures beside a baseline
measured in the same run, as a ratio. A module may set ORDER (default 50): bench_seed runs
first because it leaves the registry the others measure on.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import time
from types import ModuleType

from bench import common


def _modules(only: str | None) -> list[ModuleType]:
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(common.BENCH_DIR)]) if m.name.startswith("bench_")
    )
    if only:
        wanted = only if only.startswith("bench_") else f"bench_{only}"
        if wanted not in names:
            raise SystemExit(f"没有这个基准: {only}(可选: {', '.join(names)})")
        names = [wanted]
    modules = [importlib.import_module(f"bench.{name}") for name in names]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 50), m.__name__))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Fangpin 基准测试")
    parser.add_argument("--scale", choices=("small", "full"), default="full")
    parser.add_argument("--only", default=None, help="只运行一个基准,如 seed 或 bench_search")
    parser.add_argument(
        "--households-max",
        type=int,
        default=None,
        help="增长曲线(bench_growth)的最大数据点,如 2000000",
    )
    parser.add_argument(
        "--5m",
        dest="five_million",
        action="store_true",
        help="增长曲线测到 500 万户(10 万、100 万、500 万三个点),负载测试在 500 万户的库上运行",
    )
    args = parser.parse_args(argv)
    common.OPTIONS["households_max"] = 5_000_000 if args.five_million else args.households_max
    common.setup()
    common.print_header(args.scale)
    modules = _modules(args.only)
    failed = 0
    for module in modules:
        name = module.__name__.removeprefix("bench.")
        print(f"\n== {name} (scale={args.scale}) ==", flush=True)
        started = time.perf_counter()
        try:
            module.main(args.scale)
        except Exception as exc:  # report and go on with the other benchmarks
            failed += 1
            print(f"!! {name} failed: {type(exc).__name__}: {exc}", flush=True)
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        elapsed = time.perf_counter() - started
        print(f"-- {name} took {elapsed:.1f} s (load now {load})", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
