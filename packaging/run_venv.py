"""Start the app from the venv with the same smoke hook as the bundle (``EAS_CODER_SMOKE``),
so ``make dist-test`` compares the two start-up times measured at the same point."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eas_coder_smoke_hook

if os.environ.get("EAS_CODER_SMOKE"):
    eas_coder_smoke_hook.install(os.environ["EAS_CODER_SMOKE"])

from eas_coder.cli import main

sys.exit(main())
