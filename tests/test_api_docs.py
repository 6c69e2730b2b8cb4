"""The examples in docs/api.md run, in a fresh folder, and show what they show there."""

from __future__ import annotations

import doctest
import tempfile
from pathlib import Path

import pytest

from eas_coder.cli_support import CODER_PASSPHRASE_ENV, PASSPHRASE_ENV

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def test_the_examples_in_docs_api_md_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # tempfile.mkdtemp() in the examples makes its folder here, never in the cwd
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for name in (PASSPHRASE_ENV, CODER_PASSPHRASE_ENV):
        monkeypatch.delenv(name, raising=False)  # the examples give passphrases themselves
    result = doctest.testfile(
        str(DOC),
        module_relative=False,
        globs={},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
    )
    assert result.attempted >= 25, "docs/api.md lost its examples"
    assert result.failed == 0, f"{result.failed} example(s) in {DOC} failed; see the output above"
    assert any(tmp_path.iterdir()), "the demo study was not made in the fresh folder"
