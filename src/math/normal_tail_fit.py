#!/usr/bin/python3
"""Fits the coefficient tables of normal_tail.hpp and prints them as C++.

S(z) = Q(z) exp(z^2/2), Q the upper tail of the standard normal
distribution, on the intervals whose z + 2 lies in one half-binade
([2, 3), [3, 4), [4, 6), ... [16, 24), cut at z = 20): a polynomial in
t = z - centre per interval (degree 9 for the strict tier, 8 for the fast
one), fitted by least squares on the
relative error over Chebyshev nodes (float64, where erfc and exp are
accurate to a few units of 2^-53). The coefficients are rounded to float
from the linear term up, each time refitting the ones not yet rounded, so
that the higher terms absorb the rounding of the lower; the constant term
is kept in two floats. Prints each interval's maximum relative error on a
dense grid beside its row.

Run with Debian's python3 (numpy): /usr/bin/python3 src/math/normal_tail_fit.py
"""
import math

import numpy as np

NODES = 400
EDGES = [0.0, 1.0, 2.0, 4.0, 6.0, 10.0, 14.0, 20.0]  # z = (z + 2 half-binades) - 2


def tail_scaled(z):
    return 0.5 * math.erfc(z / math.sqrt(2.0)) * math.exp(z * z / 2.0)


def f32(v):
    return float(np.float32(v))


def fit(a, b, degree, split_constant):
    # A little past the ends: z + 2 rounded to float may land a z just
    # below a break in the interval above.
    pad = 1e-6 * (b - a)
    lo, hi = max(a - pad, 0.0), b + pad
    centre = f32((a + b) / 2.0)
    z = (lo + hi) / 2.0 + (hi - lo) / 2.0 * np.cos(np.pi * (np.arange(NODES) + 0.5) / NODES)
    s = np.array([tail_scaled(v) for v in z])
    basis = np.vander(z - centre, degree + 1, increasing=True) / s[:, None]
    rounded = {}
    for k in range(1, degree + 1):
        free = [j for j in range(degree + 1) if j not in rounded]
        rhs = np.ones(NODES) - sum(basis[:, j] * rounded[j] for j in rounded)
        solution, *_ = np.linalg.lstsq(basis[:, free], rhs, rcond=None)
        rounded[k] = f32(solution[free.index(k)])
    rhs = np.ones(NODES) - sum(basis[:, j] * rounded[j] for j in rounded)
    c0 = float(np.dot(basis[:, 0], rhs) / np.dot(basis[:, 0], basis[:, 0]))
    c0_hi = f32(c0)
    c0_lo = f32(c0 - c0_hi) if split_constant else 0.0
    coefficients = [c0_hi + c0_lo] + [rounded[k] for k in range(1, degree + 1)]
    grid = np.linspace(a, b, 5001)
    error = max(abs(np.polyval(coefficients[::-1], v - centre) / tail_scaled(v) - 1.0) for v in grid)
    return centre, c0_hi, c0_lo, [rounded[k] for k in range(1, degree + 1)], error


def table(degree, split_constant):
    for a, b in zip(EDGES, EDGES[1:]):
        centre, c0_hi, c0_lo, rest, error = fit(a, b, degree, split_constant)
        constant = [c0_hi, c0_lo] if split_constant else [c0_hi]
        row = ", ".join(f"{v!r}f" for v in [centre] + constant + rest)
        print(f"    {{{row}}},  // [{a:g}, {b:g}): {error:.2e}")


def main():
    print("// kNormalTailCoefficients: degree 9, c0 in two floats")
    table(9, True)
    print("// kFastNormalTailCoefficients: degree 8, c0 in two floats")
    table(8, True)


if __name__ == "__main__":
    main()
