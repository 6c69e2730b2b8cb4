"""Tests of the player: contract tests run against both playback backends."""
