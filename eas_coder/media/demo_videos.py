"""Short synthetic videos for the demo study, written with OpenCV (no ffmpeg needed).

Each shows two moving figures (a "mother" and an "infant"), the frame number and a label, so
a new user can check frame stepping and segment boundaries by eye.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from eas_coder.errors import VideoUnreadable
from eas_coder.media.quiet import quiet_ffmpeg


def write_demo_video(
    path: Path,
    label: str,
    seconds: float = 12.0,
    fps: float = 25.0,
    size: tuple[int, int] = (320, 240),
    seed: int = 0,
) -> Path:
    """Write an MPEG-4 Part 2 (mp4v) file and return its path."""
    width, height = size
    quiet_ffmpeg()
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise VideoUnreadable(str(path), "OpenCV cannot write an mp4v video here")
    rng = np.random.default_rng(seed)
    phase = float(rng.uniform(0, math.tau))
    background = np.array(rng.integers(40, 90, size=3), dtype=np.uint8)
    frame = np.empty((height, width, 3), dtype=np.uint8)
    try:
        for index in range(round(seconds * fps)):
            t = index / fps
            frame[:] = background
            mother = (int(width * 0.35 + 40 * math.sin(t * 0.9 + phase)), int(height * 0.45))
            infant = (
                int(width * 0.65 + 30 * math.cos(t * 1.7 + phase)),
                int(height * 0.6 + 15 * math.sin(t * 2.3)),
            )
            cv2.circle(frame, mother, 34, (90, 160, 230), -1)
            cv2.circle(frame, infant, 20, (120, 210, 140), -1)
            cv2.line(frame, mother, infant, (230, 230, 230), 1)
            cv2.putText(frame, label, (8, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1)
            stamp = f"frame {index:05d}  {t:6.2f}s"
            cv2.putText(
                frame, stamp, (8, height - 10), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 0), 1
            )
            writer.write(frame)
    finally:
        writer.release()
    return path
