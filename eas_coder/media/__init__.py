"""Video probing, fingerprints, frames and demo videos (OpenCV; no Qt, no VLC)."""
