"""The export's Reliability sheet read back with openpyxl (issue 19): every ICC form with its
95% CI and F test (F, df1, df2, p), on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from eas_coder.exchange.export import export_study
from eas_coder.reliability import compute
from eas_coder.stats import ICC_FORMS
from eas_coder.store.study import Study


def test_every_icc_form_and_its_f_test_in_the_reliability_sheet(
    study: Study, tmp_path: Path
) -> None:
    rng = np.random.default_rng(8)
    coders = [study.coders.add(n) for n in ("Ana", "Ben", "Cy")]
    keys = study.scheme.keys[:2]
    for v in range(12):
        video = study.videos.add(f"V{v:02d}", "T1 pre", None)
        truth = rng.integers(4, 12) / 2
        for c, coder in enumerate(coders):
            if c == 2 and v % 3 == 0:
                continue  # Cy left some out: ICC1 uses more videos than ICC2
            for key in keys:
                score = float(np.clip(truth + 0.5 * rng.integers(-1, 2), 1, 7))
                study.ratings.set(video.id, coder.id, key, score)
    (out,) = export_study(study, tmp_path / "out.xlsx")
    report = compute(study)
    rows = list(load_workbook(out)["Reliability"].iter_rows(values_only=True))
    header = list(rows[0])
    by_key = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_key) >= set(keys)
    for key in keys:
        result, row = report.dimensions[key], by_key[key]
        for form in ICC_FORMS:
            got = result.icc[form]
            name = form.lower()
            assert row[name] == pytest.approx(got.value, abs=1e-6), (key, form)
            assert row[f"{name}_ci95_low"] == pytest.approx(got.ci[0], abs=1e-6)
            assert row[f"{name}_ci95_high"] == pytest.approx(got.ci[1], abs=1e-6)
            assert row[f"{name}_f"] == pytest.approx(got.f, abs=1e-6), (key, form)
            assert (row[f"{name}_df1"], row[f"{name}_df2"]) == (got.df1, got.df2)
            assert row[f"{name}_p"] == pytest.approx(got.p, abs=1e-6)
        # the one-way forms rest on every video rated twice, the two-way on complete ones
        assert row["icc1_df1"] == 11 and row["icc2_df1"] == 7
    codebook = list(load_workbook(out, read_only=True)["Codebook"].iter_rows(values_only=True))
    meanings = {(r[0], r[1]): r[2] for r in codebook}
    assert "ICC(1,1)" in meanings[("Reliability", "icc1_f")]
    assert "p value" in meanings[("Reliability", "icc3k_p")]
