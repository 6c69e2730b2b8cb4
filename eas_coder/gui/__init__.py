"""The Qt layer: presents the core and calls into it. Everything here may import PySide6."""
