"""What a solver needs of a loss or a penalty, checked with a readable error.

Losses and penalties are plain classes, not subclasses of a base: each one
implements the methods its mathematics allows (a graph-fused penalty has no
closed-form subdifferential distance, a concave penalty has no dual norm in
the convex sense). A solver states the methods it calls, and :func:`require`
turns a missing one into a TypeError that names the solver, the role and the
method, instead of an AttributeError deep inside an iteration.
"""

__all__ = ["require"]


def require(obj, methods, *, role, solver):
    """Raise a TypeError unless ``obj`` has every attribute in ``methods``.

    Parameters
    ----------
    obj : object
        The loss or penalty given to ``solver``.
    methods : sequence of str
        The methods (or attributes) ``solver`` uses.
    role : str
        What ``obj`` is for ``solver``, e.g. ``"penalty"`` or ``"loss"``.
    solver : str
        Name of the solver, for the message.

    Examples
    --------
    >>> from sksparse_struct._protocol import require
    >>> from sksparse_struct.penalties import WeightedL1
    >>> require(WeightedL1(1.0), ["value", "prox"], role="penalty", solver="fista")
    >>> require(object(), ["prox"], role="penalty", solver="fista")
    Traceback (most recent call last):
    ...
    TypeError: fista needs a penalty with prox(); object does not provide it
    """
    missing = [m for m in methods if not callable(getattr(obj, m, None))
               and not hasattr(obj, m)]
    if missing:
        names = ", ".join(f"{m}()" for m in missing)
        verb = "it" if len(missing) == 1 else "them"
        raise TypeError(f"{solver} needs a {role} with {names}; {type(obj).__name__} "
                        f"does not provide {verb}")
