"""Hypothesis strategies: rating tables on the EAS half-point grid (1–7 in 0.5 steps)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

CATEGORIES = [1 + 0.5 * i for i in range(13)]


@st.composite
def complete_tables(draw: st.DrawFn, min_units: int = 2, max_raters: int = 5) -> np.ndarray:
    units = draw(st.integers(min_value=min_units, max_value=40))
    raters = draw(st.integers(min_value=2, max_value=max_raters))
    steps = draw(hnp.arrays(np.int64, (units, raters), elements=st.integers(0, 12)))
    return 1 + 0.5 * steps.astype(np.float64)


@st.composite
def tables_with_gaps(draw: st.DrawFn) -> np.ndarray:
    table = draw(complete_tables(min_units=1))
    mask = draw(hnp.arrays(np.bool_, table.shape, elements=st.booleans()))
    table[mask] = np.nan
    return table
