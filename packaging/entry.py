"""The bundle's executable: the ``eas-coder`` command (the window when no command is given)."""

import sys

from eas_coder.cli import main

if __name__ == "__main__":
    sys.exit(main())
