"""Reliability statistics on plain numpy arrays (no database, no Qt).

Data come as ``units × raters`` arrays of floats with NaN for a missing rating. ICC and
kappa use complete units only and report how many were dropped; Krippendorff's alpha uses
every pairable value. Undefined results (zero variance, fewer than two units, ...) are NaN,
never an exception.
"""

from eas_coder.stats.agreement import (
    BlandAltman,
    agreement_within,
    bland_altman,
    exact_agreement,
    pearson_r,
)
from eas_coder.stats.alpha import krippendorff_alpha
from eas_coder.stats.icc import ICC_FORMS, IccResult, IccTable, icc
from eas_coder.stats.kappa import KappaResult, cohen_kappa
from eas_coder.stats.units import as_units, complete_units

__all__ = [
    "ICC_FORMS",
    "BlandAltman",
    "IccResult",
    "IccTable",
    "KappaResult",
    "agreement_within",
    "as_units",
    "bland_altman",
    "cohen_kappa",
    "complete_units",
    "exact_agreement",
    "icc",
    "krippendorff_alpha",
    "pearson_r",
]
