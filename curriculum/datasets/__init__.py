"""Seeded synthetic data sets, one module per course module (``m01.py`` …).

Each generator takes ``trainee=None`` (the trainee in the settings) and
returns a mapping: the notebook draws its figure from it, and the grader
calls the same function with the trainee's id to compute data-dependent keys
(``{"$data": "curriculum.datasets.m01:survey", "$pick": "..."}``).
"""
