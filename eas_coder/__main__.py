"""``python -m eas_coder`` runs the command line."""

import sys

from eas_coder.cli import main

sys.exit(main())
