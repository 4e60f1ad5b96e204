"""Exercise widgets, one module per family; all save their answers the moment they change."""
from .base import KINDS, LINES, REGISTRY, Exercise, NotAnswered, Score, StatusLine, lookup, status
from .choice import MultipleChoice, SingleChoice
from .matching import Classify, Matching
from .numeric import Numeric
from .ordering import Ordering
from .text import FreeText, ShortText

__all__ = [
    "KINDS", "LINES", "REGISTRY", "Exercise", "NotAnswered", "Score", "StatusLine", "lookup", "status",
    "SingleChoice", "MultipleChoice", "Ordering", "Matching", "Classify",
    "Numeric", "ShortText", "FreeText",
]
