"""The roster: read what is right, name every line that is not."""
import pytest

from grading.reporting.roster import RosterError, Trainee, read, write

HEADER = "trainee_id,name,ministry,country,language\n"


def test_a_valid_roster_round_trips(tmp_path):
    people = [Trainee("t1", "Trainee 1", "Ministry A", "Jordan", "ar"),
              Trainee("t2", "Trainee 2", "Ministry B", "Morocco", "en")]
    assert read(write(tmp_path / "roster.csv", people)) == {p.trainee_id: p for p in people}


def test_excel_utf8_bom_and_spaces_are_accepted(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("\ufeff".encode() + (HEADER + " t1 , Name , Min , Jordan , ar \n").encode())
    assert read(path)["t1"] == Trainee("t1", "Name", "Min", "Jordan", "ar")


def test_missing_columns_name_the_header(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("trainee_id,name\nt1,x\n")
    with pytest.raises(RosterError, match="lacks the column\\(s\\) ministry, country, language"):
        read(path)


def test_every_bad_line_is_named_at_once(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "t1,A,M,Jordan,fr\n,B,M,Jordan,ar\nt2,C,M,Jordan,ar\nt2,D,M,Jordan,en\n")
    with pytest.raises(RosterError) as caught:
        read(path)
    text = str(caught.value)
    assert "line 2: language must be 'ar' or 'en', not 'fr'" in text
    assert "line 3: trainee_id is empty" in text
    assert "line 5: trainee 't2' is listed twice" in text


def test_a_missing_or_binary_file_is_a_clear_error(tmp_path):
    with pytest.raises(RosterError, match="no such roster file"):
        read(tmp_path / "nope.csv")
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(RosterError, match="not UTF-8"):
        read(tmp_path / "bin.csv")
