"""Himaya's trainee side: what module notebooks import.

>>> from curriculum import start, status, exercises as ex
"""
from . import exercises
from .exercises import lookup, status
from .session import start
from .settings import settings

__all__ = ["exercises", "lookup", "settings", "start", "status"]
