# The public names' types for type checkers; eas_coder/__init__.py loads them lazily.
from eas_coder.api import Study as Study
from eas_coder.api import open_study as open_study
from eas_coder.errors import EasCoderError as EasCoderError

__version__: str
__all__ = ["EasCoderError", "Study", "__version__", "open_study"]
