"""Gradebooks opened while a cohort is graded share one engine, and nothing else changes."""
import nbgrader.api
from nbgrader.api import Gradebook
from sqlalchemy import text

from grading.gradebook import shared_engines


def test_gradebooks_share_an_engine_only_inside(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with shared_engines():
        with Gradebook(url) as one, Gradebook(url) as two:
            assert one.engine is two.engine
            one.add_student("t1")
            assert [s.id for s in two.students] == ["t1"]  # each still commits to the same database
            assert two.db.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    with Gradebook(url) as one, Gradebook(url) as two:
        assert one.engine is not two.engine
        assert [s.id for s in one.students] == ["t1"]


def test_nesting_restores_nbgraders_engine_factory_at_the_outermost_exit():
    original = nbgrader.api.create_engine
    with shared_engines():
        with shared_engines():
            pass
        assert nbgrader.api.create_engine is not original
    assert nbgrader.api.create_engine is original
