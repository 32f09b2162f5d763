"""CLV model benchmarks: kamlib's BG/NBD and Gamma-Gamma against lifetimes, and 100,000 customers.

Each function returns ``(name, measured, goal)``; measured / goal below 1 meets the goal. lifetimes is a
test-only dependency (``pip install -e '.[dev]'``): it ships the CDNOW data and serves as the reference.
"""

from __future__ import annotations

import os
import statistics
import time
import warnings

import numpy as np
import pandas as pd


def _cdnow() -> pd.DataFrame:
    import lifetimes

    path = os.path.join(os.path.dirname(lifetimes.__file__), "datasets", "cdnow_customers_summary_with_transactions.csv")
    return pd.read_csv(path)


def _interleaved_ms(ours, theirs, repeats: int) -> tuple[float, float]:
    """Median milliseconds of two callables, run alternately so that machine load hits both alike."""
    a, b = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        ours()
        a.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        theirs()
        b.append((time.perf_counter() - t0) * 1000)
    return statistics.median(a), statistics.median(b)


def bench_bgnbd_vs_lifetimes(repeats: int = 15) -> tuple[str, float, float]:
    """BG/NBD fit on CDNOW: our time in ms against lifetimes' time (the goal: not slower)."""
    import lifetimes

    from kamlib import clv

    df = _cdnow()
    x, tx, t = df["x"], df["t_x"], df["T"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = lifetimes.BetaGeoFitter().fit(x, tx, t)
        ours_ms, theirs_ms = _interleaved_ms(lambda: clv.BetaGeo(time_unit="W").fit(x, tx, t),
                                             lambda: lifetimes.BetaGeoFitter().fit(x, tx, t), repeats)
    bg = clv.BetaGeo(time_unit="W").fit(x, tx, t)
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    errors = ", ".join(f"{k} {bg.params_[k]:.4f} ({(bg.params_[k] - v) / v:+.2%})" for k, v in published.items())
    print(f"  BG/NBD on CDNOW: {errors}; log-likelihood {bg.log_likelihood_:,.2f} (published -9,582.4); "
          f"max relative difference to lifetimes {np.max(np.abs(bg.params_.to_numpy() / ref.params_.to_numpy() - 1)):.1e}")
    print(f"  fit time: kamlib {ours_ms:.1f} ms, lifetimes {theirs_ms:.1f} ms (median of {repeats}, interleaved)")
    return "BG/NBD fit on CDNOW (2,357 customers), ms (goal: lifetimes' time)", ours_ms, theirs_ms


def bench_gamma_gamma_vs_lifetimes(repeats: int = 15) -> tuple[str, float, float]:
    """Gamma-Gamma fit on the 946 CDNOW repeat buyers: our time in ms against lifetimes' time."""
    import lifetimes

    from kamlib import clv

    df = _cdnow()
    rep = df[df["x"] > 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours_ms, theirs_ms = _interleaved_ms(lambda: clv.GammaGamma().fit(rep["x"], rep["zbar"]),
                                             lambda: lifetimes.GammaGammaFitter().fit(rep["x"], rep["zbar"]), repeats)
    gg = clv.GammaGamma().fit(rep["x"], rep["zbar"])
    published = {"p": 6.25, "q": 3.74, "gamma": 15.44}
    errors = ", ".join(f"{k} {gg.params_[k]:.4f} ({(gg.params_[k] - v) / v:+.2%})" for k, v in published.items())
    print(f"  Gamma-Gamma on CDNOW repeat buyers: {errors}")
    print(f"  fit time: kamlib {ours_ms:.1f} ms, lifetimes {theirs_ms:.1f} ms (median of {repeats}, interleaved)")
    return "Gamma-Gamma fit on CDNOW (946 repeat buyers), ms (goal: lifetimes' time)", ours_ms, theirs_ms


def bench_bgnbd_100k(n: int = 100_000, goal_s: float = 2.0, repeats: int = 3) -> tuple[str, float, float]:
    """Seconds to fit the BG/NBD to 100,000 synthetic customers (seeded, drawn from the CDNOW parameters)."""
    from kamlib import clv

    rng = np.random.default_rng(11)
    sim = clv.simulate_bgnbd(n, r=0.243, alpha=4.414, a=0.793, b=2.426, T=rng.uniform(27.0, 39.0, n), seed=12)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        bg = clv.BetaGeo(time_unit="W").fit(sim)
        times.append(time.perf_counter() - t0)
    seconds = statistics.median(times)
    p = bg.params_
    print(f"  BG/NBD on {n:,} simulated customers: {seconds:.2f} s (median of {repeats}); recovered r {p['r']:.3f}, "
          f"alpha {p['alpha']:.3f}, a {p['a']:.3f}, b {p['b']:.3f} (true 0.243, 4.414, 0.793, 2.426)")
    return f"BG/NBD fit on {n:,} customers, seconds", seconds, goal_s


BENCHES = (bench_bgnbd_vs_lifetimes, bench_gamma_gamma_vs_lifetimes, bench_bgnbd_100k)

if __name__ == "__main__":
    for bench in BENCHES:
        name, measured, goal = bench()
        print(f"{name}: {measured:,.2f} vs goal {goal:,.2f} -> ratio {measured / goal:.2f} "
              f"{'ok' if measured <= goal else 'MISSED'}")
