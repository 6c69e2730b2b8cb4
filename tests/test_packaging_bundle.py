"""The licence, the notices and the Linux bundle's own parts, checked without building the
bundle (``make dist-test`` runs the built one): the GPL text and SPDX expression, a notice
with its declared licence for every runtime dependency (the wheel carrying both:
tests/test_packaging.py), the runtime hook pointing python-vlc at a bundled libVLC, and
the smoke hook driving the app."""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import distribution
from pathlib import Path

from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from tests.support import need

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!\[ ;]", requirement, maxsplit=1)[0]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_licence_is_the_gpl_version_3_text_and_pyproject_names_it() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.split()[:4] == ["GNU", "GENERAL", "PUBLIC", "LICENSE"]
    assert "Version 3, 29 June 2007" in text and "END OF TERMS AND CONDITIONS" in text
    assert len(text.splitlines()) == 674  # the verbatim text, nothing cut
    assert PYPROJECT["project"]["license"] == "GPL-3.0-or-later"
    assert "Proprietary" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_every_runtime_dependency_has_a_notice_with_the_licence_it_declares() -> None:
    notices = (ROOT / "THIRD_PARTY_NOTICES.md").read_text(encoding="utf-8")
    rows = [line for line in notices.splitlines() if line.startswith("| ")]
    for requirement in PYPROJECT["project"]["dependencies"]:
        name = _name(requirement)
        word = re.compile(rf"(^|[\s,(]){re.escape(_norm(name))}($|[\s,)])")
        named = [r for r in rows if word.search(_norm(r.split("|")[1].strip()))]
        assert len(named) == 1, f"{name}: {len(named)} rows in THIRD_PARTY_NOTICES.md"
        row = named[0]
        metadata = distribution(name).metadata
        declared = metadata.get("License-Expression")
        if not declared and len(metadata.get("License") or "") < 40:
            declared = metadata.get("License")
        classifiers = [c.split(" :: ")[-1] for c in metadata.get_all("Classifier") or []
                       if c.startswith("License ::")]  # fmt: skip
        assert (declared or "") in row and all(c in row for c in classifiers), (name, row)
    for part in ("Qt", "FFmpeg", "libVLC", "DejaVu", "LGPL-3.0", "LGPL-2.1+"):
        assert part in notices


def test_the_desktop_entry_and_launcher_start_the_bundled_program() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(PACKAGING / "eas-coder.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "EAS Coder"
    assert desktop["Exec"].split()[0] == "eas-coder" and desktop["Terminal"] == "false"
    assert (ROOT / "resources" / "icons" / f"{desktop['Icon']}.svg").is_file()
    launcher = (PACKAGING / "launcher.sh").read_text(encoding="utf-8")
    assert 'exec "$HERE/app/eas-coder" "$@"' in launcher and "LD_LIBRARY_PATH" in launcher


def test_the_runtime_hook_points_python_vlc_at_the_bundled_libvlc(tmp_path: Path) -> None:
    system = Path("/usr/lib/x86_64-linux-gnu")
    need((system / "libvlc.so.5").is_file(), "libVLC (libvlc5, vlc-plugin-base) is not installed")
    bundle = tmp_path / "bundle"
    (bundle / "vlc").mkdir(parents=True)
    for name in ("libvlc.so.5", "libvlccore.so.9"):
        shutil.copy(system / name, bundle / "vlc" / name)
    shutil.copytree(system / "vlc" / "plugins", bundle / "vlc" / "plugins")
    script = (
        "import runpy, sys, os, json\n"
        f"sys._MEIPASS = {str(bundle)!r}\n"
        f"runpy.run_path({str(PACKAGING / 'rthook_eas_coder.py')!r})\n"
        "import vlc\n"
        "instance = vlc.Instance(['--no-audio'])\n"
        "loaded = [l.split()[-1] for l in open('/proc/self/maps')\n"
        "          if 'libvlc.so' in l or 'libvlccore.so' in l]\n"
        "print(json.dumps({'plugins': os.environ['VLC_PLUGIN_PATH'], 'ok': instance is not None,"
        " 'lib': vlc.dll._name, 'loaded': sorted(set(loaded))}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VLC_", "PYTHON_VLC"))}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=60, check=True)  # fmt: skip
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["ok"] and found["plugins"] == str(bundle / "vlc" / "plugins")
    assert found["lib"] == str(bundle / "vlc" / "libvlc.so.5")
    assert len(found["loaded"]) == 2, found["loaded"]  # libvlc and libvlccore, no other copy
    assert all(path.startswith(str(bundle)) for path in found["loaded"]), found["loaded"]


def test_the_smoke_hook_runs_its_script_inside_the_started_app(tmp_path: Path) -> None:
    """The hook the bundle's smoke test uses, on the venv: the app starts as from the command
    line, opens the study named, shows its window; the script sees it and quits."""
    study_file = tmp_path / "smoke.sqlite"
    Study.create(from_string(study_file), load_scheme(), "Smoke", actor="tester").close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EAS_CODER_AUDIO": "off",
           "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "EAS_CODER_SMOKE": str(PACKAGING / "smoke_in_app.py"),
           "EAS_CODER_SMOKE_MODE": "first", "EAS_CODER_SMOKE_OUT": str(tmp_path)}  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(PACKAGING / "run_venv.py"), "--db", str(study_file), "gui",
         "--player", "qt"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "result-first.json").read_text(encoding="utf-8"))
    assert result["study"] == str(study_file) and result["videos"] == 0
    assert result["backend"] == "qt" and result["finished_at"] >= result["shown_at"]
