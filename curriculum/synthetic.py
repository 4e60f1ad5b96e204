"""Synthetic data, seeded per trainee and module: each trainee reads their own figures.

No real person, case or image ever enters the course; the same trainee always
gets the same data, so an answer can be checked against their own figure.
"""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from .settings import settings

if TYPE_CHECKING:
    import numpy as np


def seed(module: str, trainee: str | None = None) -> int:
    digest = hashlib.sha256(f"himaya:{module}:{trainee or settings.trainee}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def rng(module: str, trainee: str | None = None) -> np.random.Generator:
    """A random generator fixed by ``module`` and the trainee's id (numpy is imported when first needed)."""
    import numpy as np

    return np.random.default_rng(seed(module, trainee))


def weekly_screen_time(module: str = "m00-orientation", trainee: str | None = None) -> dict[str, list[float]]:
    """Hours per day one fictional child spends on a device, Saturday to Friday, with the peak and mean."""
    gen = rng(module, trainee)
    base = gen.uniform(1.5, 3.0)
    school = [round(float(base + gen.uniform(-0.5, 0.8)), 1) for _ in range(5)]
    weekend = [round(float(base + gen.uniform(1.5, 3.5)), 1) for _ in range(2)]
    # Saturday first (school week Sunday–Thursday in most Arab states)
    hours = [weekend[0], *school, weekend[1]]
    return {"hours": hours, "peak_hours": max(hours), "mean_hours": round(sum(hours) / len(hours), 2)}
