"""A trainee cannot replace a classmate's submission through the exchange (#16, item 4).

On a hub the exchange's inbound folder is writable by every trainee (mode 0733):
a trainee can create a folder named ``<classmate>+<module>+<later time>+…``.
nbgrader collected it as the classmate's newest submission and only logged
"cheating attempt?".  Here the folders belong to real Unix accounts, as on the hub
(``daemon`` is the genuine trainee, ``nobody`` the impostor, ``bin`` an honest
classmate): the impostor's folder is refused and named, the genuine one collected.
"""
from __future__ import annotations

import datetime
import os
import pwd
import shutil

import pytest

from adversary import MODULE, PERFECT, Submission
from core_course import released_core
from test_collect_timestamps import run

GENUINE, IMPOSTOR, HONEST = "daemon", "nobody", "bin"  # accounts every Debian system has


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    if os.geteuid() != 0:  # only root can hand folders to other accounts, as a hub's users make them
        if os.environ.get("CI"):
            pytest.fail("the exchange owner test needs root (CI runs as root)")
        pytest.skip("needs root to give folders to other Unix accounts")
    root = tmp_path_factory.mktemp("collect-owner")
    course = released_core(root)
    inbound = course.layout.exchange / "himaya" / "inbound"
    for trainee in (GENUINE, HONEST):
        workspace = root / "trainees" / trainee
        Submission(trainee, course.fetch(MODULE, trainee, workspace), course).answer(PERFECT)
        course.submit(MODULE, trainee, workspace)
    (genuine,) = inbound.glob(f"{GENUINE}+{MODULE}+*")
    # the impostor's copy, a minute later, with something of their own in it
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=1)
    forged = inbound / f"{GENUINE}+{MODULE}+{when.strftime('%Y-%m-%d %H:%M:%S.%f UTC')}+forged"
    shutil.copytree(genuine, forged)
    (forged / "planted.txt").write_text("not the trainee's work")
    (forged / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    for folder, owner in ((genuine, GENUINE), (forged, IMPOSTOR),
                          (next(inbound.glob(f"{HONEST}+{MODULE}+*")), HONEST)):
        user = pwd.getpwnam(owner)
        for path in [folder, *folder.rglob("*")]:
            os.lchown(path, user.pw_uid, user.pw_gid)
    code, out, err = run(root, "collect", MODULE)
    return {"root": root, "code": code, "out": out, "err": err, "forged": forged}


def test_a_folder_named_for_a_classmate_is_refused_and_named(collected):
    assert collected["code"] == 0, collected["err"]
    lines = [line for line in collected["err"].splitlines() if "another trainee's name" in line]
    assert len(lines) == 1, collected["err"]
    assert collected["forged"].name in lines[0] and f"belongs to {IMPOSTOR}" in lines[0]


def test_the_genuine_submission_is_collected(collected):
    folder = collected["root"] / "build" / "submitted" / GENUINE / MODULE
    assert (folder / f"{MODULE}.ipynb").is_file()
    assert not (folder / "planted.txt").exists(), "the impostor's folder was collected as the trainee's"
    assert f"collected 2 submissions of {MODULE}" in collected["out"]


def test_a_trainees_own_folder_is_collected_without_a_warning(collected):
    assert (collected["root"] / "build" / "submitted" / HONEST / MODULE / f"{MODULE}.ipynb").is_file()
    assert not [line for line in collected["err"].splitlines() if HONEST + "+" in line]
