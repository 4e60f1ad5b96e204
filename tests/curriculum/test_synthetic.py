"""Synthetic data: fixed per trainee and module, different between trainees."""
from __future__ import annotations

import hashlib

from curriculum import synthetic
from curriculum.settings import settings


def test_seed_is_the_sha256_of_module_and_trainee():
    digest = hashlib.sha256(b"himaya:m00-orientation:t-1").digest()
    assert synthetic.seed("m00-orientation", "t-1") == int.from_bytes(digest[:8], "big")


def test_seed_defaults_to_the_current_trainee():
    assert synthetic.seed("m00-orientation") == synthetic.seed("m00-orientation", "t-test")
    settings.trainee = "officer-2"
    assert synthetic.seed("m00-orientation") == synthetic.seed("m00-orientation", "officer-2")


def test_same_trainee_gets_the_same_data():
    first = synthetic.weekly_screen_time(trainee="officer-1")
    second = synthetic.weekly_screen_time(trainee="officer-1")
    assert first == second
    assert synthetic.rng("m00", "officer-1").random() == synthetic.rng("m00", "officer-1").random()


def test_different_trainees_get_different_data():
    weeks = [synthetic.weekly_screen_time(trainee=f"officer-{n}")["hours"] for n in range(5)]
    assert len({tuple(w) for w in weeks}) == 5


def test_different_modules_get_different_data():
    assert synthetic.weekly_screen_time("m00-orientation", "officer-1") != \
        synthetic.weekly_screen_time("m01-risks", "officer-1")


def test_default_trainee_is_the_settings_trainee():
    assert synthetic.weekly_screen_time() == synthetic.weekly_screen_time("m00-orientation", "t-test")


def test_week_shape_peak_and_mean_are_consistent():
    for n in range(20):
        week = synthetic.weekly_screen_time(trainee=f"officer-{n}")
        hours = week["hours"]
        assert set(week) == {"hours", "peak_hours", "mean_hours"}
        assert len(hours) == 7
        assert all(isinstance(h, float) and h == round(h, 1) for h in hours)
        assert week["peak_hours"] == max(hours)
        assert week["mean_hours"] == round(sum(hours) / 7, 2)
        assert all(0 < h < 7 for h in hours)


def test_weekend_days_are_the_heaviest():
    for n in range(20):
        hours = synthetic.weekly_screen_time(trainee=f"officer-{n}")["hours"]
        saturday, school, friday = hours[0], hours[1:6], hours[6]
        assert min(saturday, friday) > max(school)
        assert synthetic.weekly_screen_time(trainee=f"officer-{n}")["peak_hours"] in (saturday, friday)
