"""`make dist-test`: the built Linux bundle, run as a person would, with the project's venv
out of reach (an empty environment, PATH=/usr/bin:/bin), under Xvfb.

1. no study named: it builds the demo study in its (temporary) data folder and opens it;
2. its command line adds a real camera clip to that study as the lab manager;
3. the window opens the clip, shows frame N (compared pixel for pixel with a direct PyAV
   decode done here in the venv, and shown to differ from frames N-1 and N+1), marks a
   segment, rates it, exports a workbook (read back here), shows Help ▸ About; it quits;
4. a second run finds the segment and its ratings;
5. the venv starts the same way: both start-up times are printed side by side.

The window is driven by ``packaging/smoke_in_app.py`` through the bundle's hidden smoke
mode (``EAS_CODER_SMOKE``, see ``packaging/eas_coder_smoke_hook.py``).
Usage: python packaging/smoke_test.py [dist/eas-coder-*.tar.gz]  (exit 0 when all holds)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import av
import cv2
import numpy as np
import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.gui.xvfb import xvfb  # noqa: E402

ARTIFACTS = ROOT / "test-artifacts"
CLIP = ROOT / "tests" / "media" / "clips" / "bottle-detection.mp4"  # 29.83 fps, H.264
FRAME = 200
IN_APP = ROOT / "packaging" / "smoke_in_app.py"
PASSPHRASE = "demo-manager"  # the demo study's (README)


def decode(path: Path, index: int) -> np.ndarray:
    """Frame ``index`` (presentation order) as RGB, decoded straight through PyAV."""
    with av.open(str(path)) as container:
        for number, frame in enumerate(container.decode(video=0)):
            if number == index:
                return frame.to_ndarray(format="rgb24")
    raise ValueError(f"{path} has no frame {index}")


class Smoke:
    def __init__(self, archive: Path, work: Path, display: str) -> None:
        self.work, self.display = work, display
        with tarfile.open(archive) as tar:
            tar.extractall(work / "unpacked", filter="tar")
        [self.folder] = (work / "unpacked").iterdir()
        self.launcher = self.folder / "eas-coder"
        self.out = work / "out"
        self.out.mkdir()
        self.home = work / "home"
        self.data = self.home / "data"
        self.failures: list[str] = []
        self.passed = 0

    def env(self, **extra: str) -> dict[str, str]:
        """An empty environment but for a plain PATH (no venv), a fresh home and the screen."""
        return {
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.data),
            "XDG_CONFIG_HOME": str(self.home / "config"),
            "XDG_CACHE_HOME": str(self.home / "cache"),
            "LANG": "C.UTF-8",
            "DISPLAY": self.display,
            **extra,
        }

    def expect(self, ok: bool, what: str) -> None:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = self.env(EAS_CODER_MANAGER_PASSPHRASE=PASSPHRASE)
        return subprocess.run(
            [str(self.launcher), *args], env=env, capture_output=True, text=True, timeout=300
        )

    def window(self, mode: str, command: list[str], label: str) -> tuple[dict, float]:
        """Start the window with the in-app script; its result and start-up seconds."""
        env = self.env(
            EAS_CODER_SMOKE=str(IN_APP),
            EAS_CODER_SMOKE_MODE=mode,
            EAS_CODER_SMOKE_OUT=str(self.out),
            EAS_CODER_SMOKE_FRAME=str(FRAME),
        )
        started = time.time()
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        result_file = self.out / f"result-{mode}.json"
        if done.returncode != 0 or not result_file.exists():
            print(done.stdout[-3000:], done.stderr[-5000:], sep="\n")
            self.expect(False, f"{label}: exit {done.returncode}")
            return {}, float("nan")
        result = json.loads(result_file.read_text(encoding="utf-8"))
        result_file.rename(self.out / f"result-{mode}-{label}.json")
        return result, result["shown_at"] - started

    def run(self) -> tuple[float, float, float]:
        bundle = [str(self.launcher)]
        print("1. first start, no study named", flush=True)
        first, cold = self.window("first", bundle, "bundle")
        demo = Path(first.get("study", "(none)"))
        self.expect(
            demo.name == "demo-study.sqlite" and demo.is_relative_to(self.data),
            f"opened the demo study in its data folder: {demo}",
        )
        self.expect(first.get("videos") == 8, "the demo's 8 videos")
        self.expect(first.get("backend") == "vlc", f"plays with libVLC ({first.get('backend')})")
        libs = first.get("libraries", {})
        inside = all(
            str(self.folder) in libs.get(n, "")
            for n in ("libvlc.so", "libvlccore.so", "libavcodec.so.59")
        )
        self.expect(inside, f"libVLC and its codecs loaded from the bundle: {libs}")

        print("2. the bundle's command line adds a real clip (lab manager)", flush=True)
        clip = self.home / "clips" / CLIP.name
        clip.parent.mkdir(parents=True)
        shutil.copy(CLIP, clip)
        added = self.cli(
            "--db",
            str(demo),
            "--manager",
            "videos",
            "add",
            str(clip),
            "--participant",
            "R001",
            "--timepoint",
            "T1 pre",
        )
        self.expect(added.returncode == 0, f"videos add: {added.stdout.strip()} {added.stderr}")

        print(f"3. code the clip: frame {FRAME}, a segment, ratings, export", flush=True)
        coded, _ = self.window("code", bundle, "bundle")
        self.check_frame(clip, coded)
        scheme_keys = 6
        self.expect(coded.get("ratings") == scheme_keys, f"rated ({coded.get('ratings')})")
        self.check_workbook(Path(coded.get("exported", ["missing.xlsx"])[0]))

        print("4. second start finds the rating", flush=True)
        again, warm = self.window("check", bundle, "bundle")
        self.expect(
            len(again.get("segment", [])) == 1 and again.get("ratings") == scheme_keys,
            f"segment and ratings found again: {again.get('segment')}, "
            f"{again.get('ratings')} ratings",
        )

        print("5. the venv, started the same way", flush=True)
        venv = [sys.executable, str(ROOT / "packaging" / "run_venv.py")]
        self.window("check", venv, "venv")  # warm the venv's files as the bundle's are
        venv_result, venv_s = self.window("check", venv, "venv")
        self.expect(venv_result.get("ratings") == scheme_keys, "the venv reads the same study")
        return cold, warm, venv_s

    def check_frame(self, clip: Path, result: dict) -> None:
        shown = cv2.imread(str(self.out / "frame.png"), cv2.IMREAD_COLOR)
        self.expect(shown is not None, f"frame {FRAME} saved ({result.get('frame_label')})")
        if shown is None:
            return
        shown = cv2.cvtColor(shown, cv2.COLOR_BGR2RGB)
        exact = decode(clip, FRAME)
        same = shown.shape == exact.shape and int(np.abs(shown.astype(int) - exact).max()) == 0
        self.expect(same, f"frame {FRAME} on screen equals PyAV's decode pixel for pixel")
        for other in (FRAME - 1, FRAME + 1):
            diff = float(np.abs(decode(clip, other).astype(int) - shown).mean())
            self.expect(diff > 0.5, f"...and differs from frame {other} (mean |diff| {diff:.2f})")
        label = str(result.get("frame_label", ""))
        self.expect(label.startswith(f"frame {FRAME} /"), f"the label says '{label}'")

    def check_workbook(self, path: Path) -> None:
        if not path.exists():
            self.expect(False, f"workbook written ({path})")
            return
        sheet = openpyxl.load_workbook(path, read_only=True)["Ratings"]
        rows = list(sheet.iter_rows(values_only=True))
        header = [str(c) for c in rows[0]]
        ours = [dict(zip(header, r, strict=False)) for r in rows[1:]]
        ours = [r for r in ours if r.get("participant") == "R001"]
        scores = {r.get("score") for r in ours}
        self.expect(len(ours) == 6 and scores == {5}, f"workbook: R001 rows {len(ours)}, {scores}")


def main() -> int:
    archives = [Path(a) for a in sys.argv[1:]] or sorted((ROOT / "dist").glob("*.tar.gz"))
    if not archives:
        print("dist-test: no bundle in dist/; run `make dist` first", file=sys.stderr)
        return 2
    archive = archives[-1]
    xvfb_path = shutil.which("Xvfb")
    if xvfb_path is None:
        print("dist-test: Xvfb is missing (apt-get install xvfb)", file=sys.stderr)
        return 2
    print(f"dist-test: {archive.name} ({archive.stat().st_size / 2**20:.0f} MB)", flush=True)
    with tempfile.TemporaryDirectory() as tmp, xvfb(xvfb_path, size="1280x800x24") as display:
        smoke = Smoke(archive, Path(tmp), display)
        size = sum(
            f.lstat().st_size for f in smoke.folder.rglob("*") if f.is_file() and not f.is_symlink()
        )
        cold, warm, venv_s = smoke.run()
        ARTIFACTS.mkdir(exist_ok=True)
        for name in ("bundle-window.png", "about-licence.png", "frame.png"):
            if (smoke.out / name).exists():
                shutil.copy(
                    smoke.out / name,
                    ARTIFACTS
                    / ("bundle-" + name)
                    .replace("bundle-bundle-", "bundle-")
                    .replace("bundle-about", "about"),
                )
        print(f"dist-test: bundle {size / 2**20:.0f} MB unpacked")
        print(
            f"dist-test: start-up to a shown window: bundle {warm:.1f} s (first start, "
            f"building the demo: {cold:.1f} s), venv {venv_s:.1f} s"
        )
        # the plain closing line CI reads: checks, not tests of a test runner
        print(f"dist-test: {smoke.passed} passed, {len(smoke.failures)} failed")
        if smoke.failures:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
