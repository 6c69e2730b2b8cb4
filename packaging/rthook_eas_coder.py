"""PyInstaller runtime hook: runs inside the frozen app before ``eas_coder`` is imported.

It points python-vlc and libVLC at the copies inside the bundle (``vlc/``), so the app
plays with the libVLC it was tested with, not whatever the machine has. When they cannot
load, nothing is set and the app falls back to Qt Multimedia (``gui/player/choose.py``).
``EAS_CODER_SMOKE`` runs the bundle's smoke test (``packaging/smoke_hook.py``).
"""

import ctypes
import os
import sys
from pathlib import Path

_BASE = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
_VLC = _BASE / "vlc"

if (_VLC / "libvlc.so.5").is_file():
    try:
        # libvlc.so.5 and every plugin need libvlccore.so.9: loaded first, by path, with
        # its symbols global, the dynamic linker finds it without LD_LIBRARY_PATH.
        ctypes.CDLL(str(_VLC / "libvlccore.so.9"), mode=ctypes.RTLD_GLOBAL)
    except OSError:
        pass  # python-vlc will fail to load too; the player falls back to Qt Multimedia
    else:
        os.environ["PYTHON_VLC_LIB_PATH"] = str(_VLC / "libvlc.so.5")
        os.environ["VLC_PLUGIN_PATH"] = str(_VLC / "plugins")
elif (_VLC / "libvlc.dll").is_file():  # Windows bundle (docs/packaging.md)
    os.environ["PYTHON_VLC_LIB_PATH"] = str(_VLC / "libvlc.dll")
    os.environ["PYTHON_VLC_MODULE_PATH"] = str(_VLC / "plugins")
    os.environ["VLC_PLUGIN_PATH"] = str(_VLC / "plugins")

if os.environ.get("EAS_CODER_SMOKE"):
    import eas_coder_smoke_hook

    eas_coder_smoke_hook.install(os.environ["EAS_CODER_SMOKE"])
