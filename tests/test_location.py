"""Resolving where the study lives."""

from __future__ import annotations

from pathlib import Path

from eas_coder.location import ENV_VAR, default_study_path, from_string, resolve


def test_path_becomes_a_sqlite_location(tmp_path: Path) -> None:
    location = from_string(tmp_path / "a.sqlite")
    assert location.is_sqlite and location.path == tmp_path / "a.sqlite"
    assert location.url.get_backend_name() == "sqlite"
    assert location.base_dir == tmp_path


def test_url_is_kept_and_its_password_hidden() -> None:
    location = from_string("postgresql+psycopg://lab:secret@db.example/eas")
    assert location.path is None and not location.is_sqlite
    assert "secret" not in location.display() and "db.example/eas" in location.display()


def test_sqlite_url_knows_its_file(tmp_path: Path) -> None:
    location = from_string(f"sqlite:///{tmp_path}/b.sqlite")
    assert location.path == tmp_path / "b.sqlite"


def test_resolution_order(tmp_path: Path) -> None:
    explicit, named = resolve(str(tmp_path / "cli.sqlite"), {ENV_VAR: str(tmp_path / "env.sqlite")})
    assert explicit.path == tmp_path / "cli.sqlite" and named
    from_env, named = resolve(None, {ENV_VAR: str(tmp_path / "env.sqlite")})
    assert from_env.path == tmp_path / "env.sqlite" and named
    default, named = resolve(None, {})
    assert default.path == default_study_path() and not named
    assert "eas-coder" in str(default_study_path())
