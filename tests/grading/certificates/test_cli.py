"""``python -m grading certificates`` and ``python -m grading verify``: what an instructor sees, and exit codes."""
import json
import re

from grading import cli
from grading.certificates import issue


def run(capsys, layout, *argv):
    code = cli.main(["--root", str(layout.root), "--work", layout.work, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_certificates_then_verify(course_layout, capsys, tmp_path):
    folder = tmp_path / "issued"
    code, out, err = run(capsys, course_layout, "certificates", "--to", str(folder))
    assert code == 0, err
    assert "t-low: not yet: 55% of the core modules' points, below the 60% required" in out
    assert "t-missing: not yet: m02-two not submitted (or not graded yet)" in out
    assert "warning: t-unlisted completed the course but has no row in the roster" in err
    assert out.rstrip().endswith(f"2 certificates in {folder} (register: {folder / issue.REGISTER})")
    printed = re.search(r"^t-complete: (\S+) ", out, re.M).group(1)
    assert (folder / "t-complete.pdf").is_file()

    code, out, _ = run(capsys, course_layout, "verify", printed, "--register", str(folder / issue.REGISTER))
    assert code == 0 and out.startswith("genuine: ليلى سعيد الخطيب (t-complete)")
    assert run(capsys, course_layout, "verify", printed, "--register", str(folder))[0] == 0  # the folder will do
    forged = printed[:-1] + ("A" if printed[-1] != "A" else "B")
    code, out, _ = run(capsys, course_layout, "verify", forged, "--register", str(folder / issue.REGISTER))
    assert code == 1 and out.startswith("NOT genuine")


def test_verify_reads_the_default_folder(course_layout, capsys):
    assert run(capsys, course_layout, "certificates")[0] == 0
    register = json.loads((course_layout.base / "certificates" / issue.REGISTER).read_text(encoding="utf-8"))
    some = sorted(register["certificates"])[0]
    code, out, _ = run(capsys, course_layout, "verify", some)
    assert code == 0 and out.startswith("genuine:")


def test_bad_input_is_one_line_naming_what_to_fix(course_layout, capsys, tmp_path):
    code, _, err = run(capsys, course_layout, "verify", "7K2M-9QXW-3HPD-Z4TB")
    assert code == 2 and "no course secret here" in err and "Traceback" not in err
    code, _, err = run(capsys, course_layout, "certificates", "--roster", str(tmp_path / "none.csv"))
    assert code == 2 and "no roster at" in err and "--roster FILE" in err
    code, out, _ = run(capsys, course_layout, "certificates")
    code, _, err = run(capsys, course_layout, "verify")
    assert code == 2 and "give the code to check (or --page for a page to check codes in)" in err
    code, out, _ = run(capsys, course_layout, "verify", "not-a-code")
    assert code == 1 and "is not a certificate code" in out
