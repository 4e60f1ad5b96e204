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
            assert two.db.execute(text("PRAGMA journal_mode")).scalar() == "wal"
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


def test_a_shared_engine_checks_the_schema_and_the_course_once_and_outlives_each_gradebook(tmp_path):
    from grading import gradebook

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with shared_engines():
        with Gradebook(url, "himaya") as one:  # a new database: nbgrader creates its tables and the course
            one.add_student("t1")
        checks = []
        real_create_all = gradebook._create_all
        gradebook._create_all = lambda **kw: checks.append(kw) or real_create_all(**kw)
        try:
            with Gradebook(url, "himaya") as two:
                assert [s.id for s in two.students] == ["t1"]
                pool = two.engine.pool
        finally:
            gradebook._create_all = real_create_all
        assert checks == []  # tables known to exist on this engine: not checked again
        with Gradebook(url, "himaya") as three:
            assert three.engine.pool is pool  # close() did not dispose the shared engine
            assert [c.id for c in three.db.query(nbgrader.api.Course)] == ["himaya"]
    with Gradebook(url, "other") as fresh:  # outside: nbgrader's own checks, which add the new course
        assert sorted(c.id for c in fresh.db.query(nbgrader.api.Course)) == ["himaya", "other"]
    assert nbgrader.api.Gradebook.check_course is gradebook._check_course


def test_a_grading_worker_keeps_its_shared_engines_for_its_life(tmp_path):
    """The worker's context is held: a context manager that is only entered is collected and exits at once."""
    import gc

    from traitlets.config import Config

    from grading import course
    from grading.config import Layout

    original = nbgrader.api.create_engine
    try:
        course._start_worker(Layout(root=tmp_path, work="build"), Config(), False, None)
        gc.collect()
        assert nbgrader.api.create_engine is not original
    finally:
        course._worker_engines.__exit__(None, None, None)
    assert nbgrader.api.create_engine is original


def test_the_source_record_is_read_once_per_grading_run_and_fresh_outside(tmp_path):
    from grading.gradebook import RecordedGradebook, source_record

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gb:
        gb.add_assignment("m01")
        gb.add_notebook("m01", "m01")
        gb.add_source_cell("q1", "m01", "m01", cell_type="code", source="KEY = 1", checksum="c1", locked=True)
        gb.add_grade_cell("q1", "m01", "m01", max_score=2, cell_type="code")
    with shared_engines():
        with Gradebook(url) as gb:
            first = source_record(gb, "m01", "m01")
            assert first["q1"].source == "KEY = 1" and first["q1"].grade and first["q1"].max_score == 2
            assert source_record(gb, "m01", "m01") is first
            recorded = RecordedGradebook(gb, "m01", "m01")
            assert recorded.find_graded_cell("q1", "m01", "m01").max_score == 2
            try:
                recorded.find_source_cell("q2", "m01", "m01")
            except nbgrader.api.MissingEntry:
                pass
            else:
                raise AssertionError("an unknown cell must be missing, as in nbgrader")
            assert recorded.find_assignment("m01").name == "m01"  # everything else is the Gradebook's
    with Gradebook(url) as gb:
        gb.update_or_create_source_cell("q1", "m01", "m01", source="KEY = 2")
        assert source_record(gb, "m01", "m01")["q1"].source == "KEY = 2"  # no run: read afresh
