r"""The penalty protocol: what a penalty may provide, and what each one provides.

A penalty is a plain class with some of these methods; solvers state the ones
they call (:func:`sksparse_struct._protocol.require`). ``x`` is a vector, or a
batch of k vectors as the columns of an (n, k) array where a penalty says so.

``value(x)``
    :math:`h(x)`.
``prox(v, step)``
    :math:`\arg\min_x h(x) + \|x - v\|^2 / (2\,\mathrm{step})` (for a concave
    penalty: a global minimizer of that non-convex problem).
``subdiff_distance(x, g)``
    Distance of ``g`` to the subdifferential :math:`\partial h(x)` (for a
    concave penalty: the Fréchet subdifferential), per unit (coordinate or
    group). ``x`` is optimal (stationary) for ``f + h`` iff the distance of
    :math:`-\nabla f(x)` is zero: it is the optimality certificate.
``dual_norm(g)``
    Smallest :math:`t \ge 0` with :math:`g \in t\,\partial h(0)`; for
    :math:`g = -\nabla f(0)` this is ``alpha_max``, the smallest multiple of
    ``h`` for which 0 is optimal (stationary).
``gradient(x)``
    For smooth penalties.
``derivative(t)``
    For penalties of a magnitude :math:`\sum_j P(t_j)` (the weighted l1 norm
    and the concave penalties): :math:`P'(t)`, the slope of the tangent that
    majorizes them (the alternation of the reduced-rank regression uses it).

================================  =====  ====  ================  =========  ========
penalty                           value  prox  subdiff_distance  dual_norm  gradient
================================  =====  ====  ================  =========  ========
:class:`WeightedL1`               yes    yes   yes               yes        no
:class:`SparseGroupL2`            yes    yes   yes               yes        no
:class:`RowGroupL2`               yes    yes   no                no         no
:class:`GraphFused`               yes    dual  no                no         no
:class:`SeparablePlusFused`       yes    dual  no                no         no
:class:`MCP`, :class:`SCAD`,      yes    yes   yes               yes        no
:class:`LogPenalty`, :class:`Lq`
:class:`HoyerSquare`,             yes    no    no                no         yes
:class:`GroupHoyerSquare`
================================  =====  ====  ================  =========  ========

"dual": computed iteratively from the dual (:mod:`~sksparse_struct.penalties.graph`).
The graph-fused penalties have no closed-form subdifferential: their
optimality is certified by the solver that splits them (ADMM's multipliers,
:func:`~sksparse_struct.solvers.kkt_violation`), or by a gradient mapping.
The Hoyer-square measures (:mod:`~sksparse_struct.penalties.hoyer`) are
smooth almost everywhere and non-convex, with no closed-form prox: they are
:class:`SmoothPenalty` (value and gradient), used by gradient steps; the
per-neuron group proxes of that module are :class:`SparseGroupL2`.
"""

from typing import Protocol, runtime_checkable

__all__ = ["CertifiedPenalty", "Penalty", "SmoothPenalty", "ThresholdPenalty"]


@runtime_checkable
class Penalty(Protocol):
    """What every penalty provides: ``value`` and ``prox``."""

    def value(self, x): ...

    def prox(self, v, step): ...


@runtime_checkable
class CertifiedPenalty(Penalty, Protocol):
    """A penalty with an optimality certificate (working sets need it)."""

    def subdiff_distance(self, x, g): ...


@runtime_checkable
class ThresholdPenalty(CertifiedPenalty, Protocol):
    """A penalty whose zeroing threshold (``alpha_max``) is a dual norm."""

    def dual_norm(self, g): ...


@runtime_checkable
class SmoothPenalty(Protocol):
    """A penalty used through its gradient: ``value`` and ``gradient``, no prox."""

    def value(self, x): ...

    def gradient(self, x): ...
