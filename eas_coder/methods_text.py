"""Fixed text of the methods report: statistic names, level descriptions, the GRRAS
checklist (Kottner et al. 2011) and the references."""

from __future__ import annotations

NAMES = {
    "ICC1": "ICC(1,1): one-way random, single coder",
    "ICC2": "ICC(A,1): two-way random, absolute agreement, single coder",
    "ICC3": "ICC(C,1): two-way mixed, consistency, single coder",
    "ICC1k": "ICC(1,k): one-way random, mean of k coders",
    "ICC2k": "ICC(A,k): two-way random, absolute agreement, mean of k coders",
    "ICC3k": "ICC(C,k): two-way mixed, consistency, mean of k coders",
    "kappa": "Cohen's κ, unweighted",
    "kappa_linear": "Cohen's κ, linear weights",
    "kappa_quadratic": "Cohen's κ, quadratic weights",
    "alpha_interval": "Krippendorff's α, interval",
    "alpha_ordinal": "Krippendorff's α, ordinal",
    "alpha_nominal": "Krippendorff's α, nominal",
    "gwet_ac1": "Gwet's AC1",
    "gwet_ac2_linear": "Gwet's AC2, linear weights",
    "gwet_ac2_quadratic": "Gwet's AC2, quadratic weights",
    "gwet_ac2_ordinal": "Gwet's AC2, ordinal weights",
    "bp": "Brennan–Prediger coefficient",
    "bp_linear": "Brennan–Prediger, linear weights",
    "bp_quadratic": "Brennan–Prediger, quadratic weights",
    "pearson_r": "Pearson r",
    "exact_agreement": "exact agreement (share of units)",
    "within_one": "agreement within the tolerance (share of units)",
    "mean_difference": "Bland–Altman mean difference (first − second)",
    "loa_lower": "Bland–Altman lower limit of agreement",
    "loa_upper": "Bland–Altman upper limit of agreement",
}
REFERENCES = (
    "Kottner J, Audigé L, Brorson S, et al. (2011). Guidelines for Reporting Reliability and "
    "Agreement Studies (GRRAS) were proposed. J Clin Epidemiol 64:96–106.",
    "Shrout PE, Fleiss JL (1979). Intraclass correlations: uses in assessing rater "
    "reliability. Psychol Bull 86:420–428.",
    "McGraw KO, Wong SP (1996). Forming inferences about some intraclass correlation "
    "coefficients. Psychol Methods 1:30–46.",
    "Koo TK, Li MY (2016). A guideline of selecting and reporting intraclass correlation "
    "coefficients for reliability research. J Chiropr Med 15:155–163.",
    "Bonett DG (2002). Sample size requirements for estimating intraclass correlations with "
    "desired precision. Stat Med 21:1331–1335.",
    "Gwet KL (2014). Handbook of Inter-Rater Reliability, 4th ed. Advanced Analytics.",
    "Searle SR (1971). Linear Models. Wiley.",
    "Donner A (1986). A review of inference procedures for the intraclass correlation "
    "coefficient in the one-way random effects model. Int Stat Rev 54:67–82.",
    "Krippendorff K (2004). Content Analysis: An Introduction to Its Methodology, 2nd ed.",
    "Bland JM, Altman DG (1986). Statistical methods for assessing agreement between two "
    "methods of clinical measurement. Lancet 327:307–310.",
)

LEVELS = {
    "session": "one unit per video and dimension: each coder's session score, or else the "
    "mean of their segment scores on that video",
    "segment": "one unit per episode: coders' segments of a video were matched one-to-one "
    "by overlap, both ends within the study's boundary tolerance",
}
GRRAS = (
    ("1 Title/abstract", "the heading of this report"),
    ("2 Instrument", "1. Instrument"),
    ("3 Subjects", "2. Coders and units"),
    ("4 Raters", "2. Coders and units"),
    ("6 Sample size", "3. Sampling (D-study)"),
    ("7 Sampling", "3. Sampling"),
    ("8 Rating process", "4. Rating process"),
    ("9 Independence", "4. Rating process"),
    ("10 Statistics", "5. Statistical analysis"),
    ("11 Raters and units", "6. Results"),
    ("13 Estimates with CIs", "6. Results"),
    ("14 Practical relevance", "7. Flags"),
    ("15 Detailed results", "6. Results"),
)
