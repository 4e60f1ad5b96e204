"""Himaya's trainee side: what module notebooks import.

>>> from curriculum import start, status, exercises as ex
"""
import logging
import os
import warnings

if os.environ.get("NBGRADER_EXECUTION") == "validate":
    # Validate fails any locked cell that writes to stderr (Validator.validate_all): a library's warning
    # (matplotlib building its font cache in a new home folder, a deprecation) is not the trainee's to fix
    warnings.simplefilter("ignore")
    logging.getLogger("matplotlib").setLevel(logging.ERROR)

from . import exercises  # noqa: E402
from .exercises import lookup, status  # noqa: E402
from .session import start  # noqa: E402
from .settings import settings  # noqa: E402

__all__ = ["exercises", "lookup", "settings", "start", "status"]
