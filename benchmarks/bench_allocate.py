"""Benchmark: time of one split by size of the weight table.

    python benchmarks/bench_allocate.py

21 regions (population 2018-12-31), 290 municipalities (synthetic populations), and 10^4 to
10^6 weights, which should grow linearly.  Targets: under 1 ms for 21, under 5 ms for 290.
"""
from __future__ import annotations

import random
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xl_statsbidrag.read import reference_data as tables  # noqa: E402
from xl_statsbidrag.core.allocation import split  # noqa: E402


def per_call(weights, labels, number: int) -> float:
    timer = timeit.Timer(lambda: split(2835000000, weights, labels))
    return min(timer.repeat(repeat=5, number=number)) / number


def main() -> None:
    _, rows = tables.population("2018-12-31")
    rng = random.Random(2018)
    cases = [("21 regions", [p for _, p in rows], [r for r, _ in rows], 2000),
             ("290 municipalities", [rng.randint(2400, 980000) for _ in range(290)], None, 500)]
    for n in (10_000, 100_000, 1_000_000):
        cases.append((f"{n:,} weights".replace(",", " "), [rng.randint(1, 10**6) for _ in range(n)], None,
                      max(1, 100_000 // n)))
    print(f"{'weights':<22} {'per call':>12} {'per weight':>12}")
    for name, weights, labels, number in cases:
        labels = labels or [str(i) for i in range(len(weights))]
        t = per_call(weights, labels, number)
        print(f"{name:<22} {t * 1000:>10.3f}ms {t / len(weights) * 1e6:>10.3f}µs")


if __name__ == "__main__":
    main()
