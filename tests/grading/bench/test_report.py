"""What every bench leaves behind (grading/bench/report.py): its figures as JSON, its table as text, both said."""
import json

from grading.bench.report import write_report


def test_the_json_and_the_table_are_written_and_the_table_is_printed(tmp_path, capsys):
    result = {"trainees": 3, "seconds": {"p50": 1.5}, "module": "m00-orientation", "goal": "p95 ≤ 100 ms"}
    table = "order      p50 ms\nrandom        1.5"
    written = write_report(tmp_path / "bench", "marking", result, table)
    assert written == tmp_path / "bench" / "marking.json"   # its folder made
    assert json.loads(written.read_text(encoding="utf-8")) == result
    assert (tmp_path / "bench" / "marking.txt").read_text(encoding="utf-8") == table + "\n"
    assert capsys.readouterr().out == f"{table}\nwrote {written}\n"
