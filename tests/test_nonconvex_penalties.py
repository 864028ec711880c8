"""Concave penalties: prox against brute-force 1-D minimization, derivative against
finite differences, and the tangent-line majorization the LLA relies on."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from sksparse_struct.penalties import MCP, SCAD, Lq, LogPenalty

PENALTIES = [
    MCP(1.0, 3.0), MCP(0.7, 1.2), SCAD(1.0, 3.7), SCAD(0.5, 2.1),
    LogPenalty(1.0, 0.5), LogPenalty(0.3, 2.0), Lq(1.0, 0.5), Lq(0.4, 0.2), Lq(1.0, 0.9),
]
STEPS = [0.1, 0.8, 1.5, 5.0]  # beyond gamma (MCP) and gamma - 1 (SCAD) the prox jumps
IDS = [f"{type(p).__name__}-{i}" for i, p in enumerate(PENALTIES)]


def _scalar_objective(pen, x, a, step):
    return 0.5 * (x - a) ** 2 + step * pen._p(np.abs(x))


def _brute_force_min(pen, a, step):
    """min over x of (x - a)^2/2 + step P(|x|): dense grid on [0, a] (the minimizer lies there
    since P is non-decreasing), refined by a bounded scalar search around the best grid point."""
    grid = np.linspace(0.0, a, 20001)
    vals = _scalar_objective(pen, grid, a, step)
    k = int(np.argmin(vals))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    best = vals[k]
    if hi > lo:
        res = minimize_scalar(lambda x: _scalar_objective(pen, x, a, step), bounds=(lo, hi),
                              method="bounded", options={"xatol": 1e-13})
        best = min(best, res.fun)
    return best


@pytest.mark.parametrize("pen", PENALTIES, ids=IDS)
@pytest.mark.parametrize("step", STEPS)
def test_prox_matches_brute_force(pen, step):
    v = np.concatenate([np.linspace(-6, 6, 61), [0.0, 1e-3, -2.3456]])
    x = pen.prox(v, step)
    assert np.all(np.abs(x) <= np.abs(v) + 1e-12)
    assert np.all(x * v >= 0)
    got = _scalar_objective(pen, x, v, step)
    for a, g in zip(v, got):
        best = _brute_force_min(pen, abs(a), step)
        assert g <= best + 1e-9 * max(1.0, best), (a, g, best)


@settings(max_examples=60, deadline=None)
@given(pen_idx=st.integers(0, len(PENALTIES) - 1),
       v=st.floats(-20, 20, allow_nan=False), other=st.floats(-20, 20, allow_nan=False),
       step=st.floats(0.01, 10.0))
def test_prox_beats_any_point(pen_idx, v, other, step):
    pen = PENALTIES[pen_idx]
    x = pen.prox(np.array([v]), step)[0]
    assert _scalar_objective(pen, x, v, step) <= _scalar_objective(pen, other, v, step) + 1e-9


@pytest.mark.parametrize("pen", PENALTIES, ids=IDS)
def test_derivative_matches_finite_differences(pen):
    t = np.linspace(0.013, 7.0, 400)
    kinks = [getattr(pen, "alpha", 0.0) * k for k in (1.0, getattr(pen, "gamma", 1.0))]
    t = t[np.all([np.abs(t - k) > 1e-3 for k in kinks], axis=0)]  # P is not C^1 at the knots
    h = 1e-6
    fd = (pen._p(t + h) - pen._p(t - h)) / (2 * h)
    np.testing.assert_allclose(pen.derivative(t), fd, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("pen", PENALTIES, ids=IDS)
def test_tangent_line_majorizes(pen):
    rng = np.random.default_rng(0)
    t0 = rng.uniform(0.01, 6.0, size=300)
    t = rng.uniform(0.0, 6.0, size=300)
    bound = pen._p(t0) + pen.derivative(t0) * (t - t0)
    assert np.all(pen._p(t) <= bound + 1e-12)


def test_values_closed_form():
    # MCP and SCAD are constant beyond gamma * alpha, continuous at the knots, l1 near zero
    mcp, scad = MCP(2.0, 3.0), SCAD(2.0, 3.7)
    assert mcp.value(np.array([10.0, -7.0])) == pytest.approx(2 * 0.5 * 3.0 * 4.0)
    assert scad.value(np.array([100.0])) == pytest.approx(0.5 * 4.7 * 4.0)
    for pen, knots in [(mcp, [6.0]), (scad, [2.0, 7.4])]:
        for k in knots:
            assert pen._p(k - 1e-9) == pytest.approx(pen._p(k + 1e-9), abs=1e-7)
    assert scad.value(np.array([0.5, -1.0])) == pytest.approx(2.0 * 1.5)
    assert LogPenalty(2.0, 0.5).value(np.array([1.5])) == pytest.approx(2.0 * np.log(4.0))
    assert Lq(3.0, 0.5).value(np.array([4.0, -9.0])) == pytest.approx(3.0 * 5.0)
    assert Lq(1.0, 0.5).derivative(0.0) == np.inf


def test_prox_is_soft_thresholding_where_l1():
    # below alpha, SCAD is alpha*|x|: small inputs are soft-thresholded exactly
    v = np.linspace(-1.2, 1.2, 25)
    expected = np.sign(v) * np.maximum(np.abs(v) - 0.2, 0)
    np.testing.assert_allclose(SCAD(1.0, 3.7).prox(v, 0.2), expected, atol=1e-12)


@pytest.mark.parametrize("make, message", [
    (lambda: MCP(1.0, 1.0), "gamma > 1"),
    (lambda: SCAD(1.0, 2.0), "gamma > 2"),
    (lambda: Lq(1.0, 1.0), "0 < q < 1"),
    (lambda: Lq(1.0, 0.0), "0 < q < 1"),
    (lambda: LogPenalty(1.0, 0.0), "epsilon"),
    (lambda: MCP(-1.0), "alpha"),
])
def test_invalid_parameters(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("pen", [MCP(0.8, 3.0), SCAD(0.8, 3.7), LogPenalty(0.8, 0.5),
                                 Lq(0.8, 0.5)], ids=lambda p: type(p).__name__)
def test_subdiff_distance_certifies_prox_points_and_dual_norm_zeroes(pen):
    """x = prox(v) is stationary for h + ||x - v||^2 / (2 step): (v - x) / step is in dh(x)."""
    rng = np.random.default_rng(0)
    v, step = 3 * rng.standard_normal(200), 0.4
    x = pen.prox(v, step)
    assert np.max(pen.subdiff_distance(x, (v - x) / step)) < 1e-9
    # and a point that is not a prox output is not certified
    assert np.max(pen.subdiff_distance(x + 0.1, (v - x) / step)) > 1e-3
    # 0 is stationary for f + t h, f = -g.x, iff t >= dual_norm(g)
    g = rng.standard_normal(10)
    t = pen.dual_norm(g)
    if np.isfinite(t) and t > 0:
        scaled = type(pen)(pen.alpha * t * (1 + 1e-9), *_shape(pen))
        assert np.max(scaled.subdiff_distance(np.zeros(10), g)) == 0
        smaller = type(pen)(pen.alpha * t * 0.99, *_shape(pen))
        assert np.max(smaller.subdiff_distance(np.zeros(10), g)) > 0
    else:  # lq: zero is stationary at every strength
        assert np.max(pen.subdiff_distance(np.zeros(10), g)) == 0


def _shape(pen):
    return [getattr(pen, name) for name in ("gamma", "epsilon", "q") if hasattr(pen, name)]
