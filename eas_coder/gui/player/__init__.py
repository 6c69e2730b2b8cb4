"""The video player: one Player over a playback backend (VLC or Qt Multimedia)."""
