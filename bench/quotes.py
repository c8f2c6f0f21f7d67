"""Benchmark: quotation attribution on the hand-labelled set in tests/fixtures/quotes/.

Loads the attributor (timed: importing it and its first call on a one-line text, where a
model would load), runs it once over every article as a warm-up, then scores it with
`bench.quote_eval` and times it over the set. Prints found / right / wrong / unattributed
(counts and % of the labelled quotations), the breakdown by attribution style, scare quotes
returned as quotes, quotes that are not verbatim, ms per article (median and p95 over every
timed run), the load time, and peak memory (`ru_maxrss`: the whole process's peak RSS, so it
includes the interpreter and everything imported, not the model alone).

    python -m bench.quotes [--attributor current|spacy] [--rounds 5] [--failures 40]
"""

from __future__ import annotations

import argparse
import importlib
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.quote_eval import ATTRIBUTORS, load_cases, score

MODULES = {"current": "bot.summarise", "spacy": "bot.summarise.attribution"}


def peak_mb() -> float:
    """Peak resident set size of this whole process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attributor", choices=sorted(ATTRIBUTORS), default="current")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the set")
    parser.add_argument("--failures", type=int, default=40, help="failure lines to print")
    args = parser.parse_args()

    cases = load_cases()
    attribute = ATTRIBUTORS[args.attributor]
    before_load = peak_mb()

    started = time.perf_counter()
    try:
        importlib.import_module(MODULES[args.attributor])
        attribute("“We will see,” Anna Berg said.")
    except (ImportError, RuntimeError) as exc:
        sys.exit(f"cannot run the {args.attributor} attributor: {exc}")
    load_s = time.perf_counter() - started

    for case in cases:  # warm-up
        attribute(case.text)

    scores = score(cases, attribute)

    timings: list[float] = []
    for _ in range(args.rounds):
        for case in cases:
            started = time.perf_counter()
            attribute(case.text)
            timings.append((time.perf_counter() - started) * 1000)

    print(f"attributor: {args.attributor}")
    print(scores.report(failures=args.failures))
    print()
    print(
        f"ms per article: median {statistics.median(timings):.2f}, "
        f"p95 {percentile(timings, 95):.2f} "
        f"({len(timings)} runs: {args.rounds} rounds over {len(cases)} articles, after a warm-up)"
    )
    print(f"load time (import + first call): {load_s * 1000:.0f} ms")
    print(
        f"peak memory: {peak_mb():.0f} MB whole-process peak RSS (ru_maxrss; "
        f"{before_load:.0f} MB before the attributor was loaded)"
    )


if __name__ == "__main__":
    main()
