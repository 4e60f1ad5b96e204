"""The grading page's tables beside the gradebook (grading/marking/store.py), on SQLite and PostgreSQL."""
import threading
from pathlib import Path

import pytest

from grading.marking.store import Store

ITEM = ("m00-orientation", "m00.q8")


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    """A PostgreSQL server of its own, as the hub's gradebook (deploy/localhub.py); skipped where there is none."""
    import os

    from deploy.localhub import Postgres, postgres_bin

    if postgres_bin() is None or os.geteuid() != 0:
        pytest.skip("PostgreSQL's server (apt-get install postgresql) and root (to run it as postgres) are needed")
    import shutil
    import tempfile

    parent = Path(tempfile.mkdtemp(prefix="himaya-marking-pg-"))
    parent.chmod(0o755)  # the server runs as postgres, who must reach its folder inside
    server = Postgres(parent / "postgres").start()
    yield server
    server.stop()
    shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gradebook.db'}?timeout=60"
    server = request.getfixturevalue("postgres")
    return server.gradebook(database=f"gb_{tmp_path.name.lower().replace('-', '_')[-40:]}")


def test_an_answer_leased_to_one_grader_is_no_one_elses_until_it_expires(url):
    clock = Clock()
    store = Store(url, clock)
    assert store.lease(*ITEM, "t-a", "alice", 600)
    assert not store.lease(*ITEM, "t-a", "bob", 600)
    assert store.lease(*ITEM, "t-a", "alice", 600)          # her own: renewed
    assert store.leases(*ITEM) == {"t-a": "alice"}
    clock.now += 599
    assert not store.lease(*ITEM, "t-a", "bob", 600)
    clock.now += 2                                            # alice left: it ran out
    assert store.leases(*ITEM) == {}
    assert store.lease(*ITEM, "t-a", "bob", 600)
    assert store.leases(*ITEM) == {"t-a": "bob"}
    store.release(*ITEM, "t-a", "alice")                      # not hers any more: nothing happens
    assert store.leases(*ITEM) == {"t-a": "bob"}
    store.release(*ITEM, "t-a", "bob")
    assert store.leases(*ITEM) == {}


def test_graders_asking_at_once_get_one_lease_each(url):
    stores = [Store(url) for _ in range(8)]
    barrier, won = threading.Barrier(8), []

    def take(n):
        barrier.wait()
        if stores[n].lease(*ITEM, "t-a", f"grader-{n}", 600):
            won.append(n)

    threads = [threading.Thread(target=take, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    assert Store(url).leases(*ITEM) == {"t-a": f"grader-{won[0]}"}


def test_choices_are_kept_and_the_last_save_wins(url):
    store = Store(url)
    store.save(*ITEM, "t-a", "alice", {"met": [1], "adjustment": 0, "reason": "", "comment": ""}, 1.0)
    store.save(*ITEM, "t-a", "bob", {"met": [1, 2], "adjustment": 0, "reason": "", "comment": "ok"}, 2.0)
    saved = store.saved(*ITEM)
    assert list(saved) == ["t-a"] and saved["t-a"].grader == "bob" and saved["t-a"].score == 2.0
    assert saved["t-a"].marks["met"] == [1, 2]
    assert store.saved("m01-digital-world", "m01.q12") == {}


def test_the_courses_secret_is_made_once(url):
    first = Store(url).secret()
    assert len(first) == 64 and Store(url).secret() == first


def test_second_and_settled_marks_are_kept_beside_the_first_which_they_never_overwrite(url):
    store = Store(url)
    store.save(*ITEM, "t-a", "alice", {"met": [1, 2]}, 2.0)
    store.save(*ITEM, "t-a", "bob", {"met": [1]}, 1.0, role="second")
    store.save(*ITEM, "t-a", "carol", {"met": [1, 2, 3]}, 3.0, role="settled")
    store.save(*ITEM, "t-a", "carol", {"met": [2]}, 1.0, role="settled")          # settled again: the last wins
    every = store.all_saved(*ITEM)
    assert {role: {t: (s.grader, s.score) for t, s in found.items()} for role, found in every.items()} == {
        "first": {"t-a": ("alice", 2.0)}, "second": {"t-a": ("bob", 1.0)}, "settled": {"t-a": ("carol", 1.0)}}
    assert store.saved(*ITEM, role="second")["t-a"].marks == {"met": [1]}
    assert store.marked_items() == [ITEM]
    with pytest.raises(ValueError, match="role 'third'"):
        store.save(*ITEM, "t-a", "dan", {}, 0.0, role="third")
