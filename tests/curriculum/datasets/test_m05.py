"""Module m05's synthetic data: seeded per trainee, consistent with its tables and with the items' keys."""
from __future__ import annotations

import ast
import hashlib
import html
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from curriculum.datasets import m05
from curriculum.language import pick
from curriculum.settings import settings
from grading.keys import notebook_keys
from notebook_cells import widget_call  # tests/ is on pytest's pythonpath

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / m05.MODULE / f"{m05.MODULE}.ipynb"
TRAINEES = [f"officer-{n}" for n in range(100)]
ARABIC = re.compile(r"[\u0600-\u06FF]")


def _time(text):
    return datetime.strptime(text, m05.TIME_FORMAT)


# ---------------------------------------------------------------- seeding

@pytest.mark.parametrize("generator", [m05.custody_form, m05.evidence_hashes])
def test_same_trainee_gets_the_same_data(generator):
    assert generator(trainee="officer-1") == generator(trainee="officer-1")


def test_different_trainees_get_different_data():
    forms = {(f["case"], f["seized_at"], tuple(sorted(f["problems"].items())))
             for f in (m05.custody_form(trainee=t) for t in TRAINEES[:10])}
    hashes = {tuple(f["acquired"] for f in m05.evidence_hashes(trainee=t)["files"]) for t in TRAINEES[:10]}
    assert len(forms) == 10 and len(hashes) == 10
    statuses = {tuple(m05.custody_form(trainee=t)["entry_status"].values()) for t in TRAINEES}
    altered = {tuple(m05.evidence_hashes(trainee=t)["altered"]) for t in TRAINEES}
    assert len(statuses) >= 6 and len(altered) >= 15  # the keys themselves differ between trainees


def test_default_trainee_is_the_settings_trainee():
    assert m05.custody_form() == m05.custody_form(trainee="t-test")
    settings.trainee = "officer-7"
    assert m05.evidence_hashes() == m05.evidence_hashes(trainee="officer-7")


# ---------------------------------------------------------------- the custody form

@pytest.mark.parametrize("trainee", TRAINEES)
def test_custody_form_has_exactly_the_flaws_its_key_names(trainee):
    form = m05.custody_form(trainee=trainee)
    entries, problems, status = form["entries"], form["problems"], form["entry_status"]
    seized = _time(form["seized_at"])
    assert [e["no"] for e in entries] == list(range(1, m05.ENTRIES + 1))
    assert list(status) == [f"e{n}" for n in range(1, m05.ENTRIES + 1)]
    assert set(status.values()) <= set(m05.STATUS)
    # three flawed entries, never the first; at least one of each kind of flaw; all flaws different
    assert len(problems) == m05.FLAWED and "e1" not in problems
    assert {m05.FLAWS[f] for f in problems.values()} == {"missing", "inconsistent"}
    assert len(set(problems.values())) == m05.FLAWED
    for eid, state in status.items():
        assert state == (m05.FLAWS[problems[eid]] if eid in problems else "complete")
    # the first entry is the seizure itself, as the header says
    first = entries[0]
    assert first["time"] == form["seized_at"] and first["received_by"] == form["seized_by"]
    assert first["released_by"] == m05.FROM_SCENE and not first["released_signed"]
    # every flaw is visible in its entry, and every other entry is sound
    for n, entry in enumerate(entries):
        eid = f"e{entry['no']}"
        flaw = problems.get(eid)
        blank_purpose = not entry["purpose"]["ar"] and not entry["purpose"]["en"]
        assert (flaw == "time") == (entry["time"] == "")
        assert (flaw == "purpose") == blank_purpose
        assert (flaw == "serial") == (entry["serial"] != form["serial"])
        if n:
            assert (flaw == "sig_released") == (not entry["released_signed"])
            assert (flaw == "break") == (entry["released_by"] != entries[n - 1]["received_by"])
        assert (flaw == "sig_received") == (not entry["received_signed"])
        if entry["time"]:
            assert (flaw == "early") == (_time(entry["time"]) < seized)


@pytest.mark.parametrize("trainee", TRAINEES)
def test_custody_times_run_forward_except_the_flawed_one(trainee):
    form = m05.custody_form(trainee=trainee)
    seized = _time(form["seized_at"])
    sound = [_time(e["time"]) for e in form["entries"]
             if e["time"] and form["problems"].get(f"e{e['no']}") != "early"]
    assert sound == sorted(sound) and len(set(sound)) == len(sound) and sound[0] == seized
    for e in form["entries"]:
        if form["problems"].get(f"e{e['no']}") == "early":
            assert _time(e["time"]) <= seized - timedelta(hours=2)


@pytest.mark.parametrize("trainee", TRAINEES[:40])
def test_a_miscopied_serial_differs_by_two_swapped_neighbours(trainee):
    form = m05.custody_form(trainee=trainee)
    serial = form["serial"]
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", serial)
    assert set(serial.replace("-", "")) <= set(m05.SERIAL_CHARS)
    for entry in form["entries"]:
        if entry["serial"] != serial:
            diff = [i for i, (a, b) in enumerate(zip(serial, entry["serial"])) if a != b]
            assert len(entry["serial"]) == len(serial) and len(diff) == 2 and diff[1] == diff[0] + 1
            assert sorted(serial) == sorted(entry["serial"])


def test_every_kind_of_flaw_occurs_across_trainees():
    seen = {f for t in TRAINEES for f in m05.custody_form(trainee=t)["problems"].values()}
    assert seen == set(m05.FLAWS)


def test_names_in_a_form_are_distinct_and_bilingual():
    for trainee in TRAINEES[:20]:
        form = m05.custody_form(trainee=trainee)
        people = {e["received_by"]["en"] for e in form["entries"]}
        assert len(people) == 5  # the lab's reception clerk receives the phone twice
        for entry in form["entries"]:
            for field in ("released_by", "received_by", "purpose"):
                text = entry[field]
                if text["en"]:
                    assert ARABIC.search(text["ar"]) and re.search(r"[A-Za-z]{3,}", text["en"])


# ---------------------------------------------------------------- the hashes

@pytest.mark.parametrize("trainee", TRAINEES)
def test_hashes_flag_exactly_the_altered_files(trainee):
    data = m05.evidence_hashes(trainee=trainee)
    files = data["files"]
    assert [f["id"] for f in files] == [f"f{n}" for n in range(1, m05.FILES + 1)]
    assert len({f["name"] for f in files}) == m05.FILES
    assert 1 <= len(data["altered"]) <= 3 < m05.FILES  # never none, never all: the item has a key and distractors
    assert data["altered"] == [f["id"] for f in files if f["acquired"] != f["verified"]]
    for f in files:
        assert re.fullmatch(r"[0-9a-f]{64}", f["acquired"]) and re.fullmatch(r"[0-9a-f]{64}", f["verified"])
        assert f["altered"] == (f["id"] in data["altered"])
    assert list(data["options"]) == [f["id"] for f in files]
    for f in files:
        label = data["options"][f["id"]]
        assert label["en"] == f["name"] and f["name"] in label["ar"] and ARABIC.search(label["ar"])


def test_hashes_are_sha256_of_the_files_bytes_and_one_byte_differs_in_altered_files():
    for trainee in TRAINEES[:10]:
        data = m05.evidence_hashes(trainee=trainee)
        for raw, f in zip(m05.evidence_files(trainee=trainee), data["files"]):
            before, after = raw["acquired_bytes"], raw["verified_bytes"]
            assert f["acquired"] == hashlib.sha256(before).hexdigest()
            assert f["verified"] == hashlib.sha256(after).hexdigest()
            assert len(before) == len(after) == f["size"]
            assert sum(a != b for a, b in zip(before, after)) == (1 if f["altered"] else 0)


def test_altered_files_change_the_whole_value_not_the_size():
    for trainee in TRAINEES[:30]:
        for f in m05.evidence_hashes(trainee=trainee)["files"]:
            if f["altered"]:
                same = sum(a == b for a, b in zip(f["acquired"], f["verified"]))
                assert same <= 20  # one byte changed: the values agree only by chance (about 4 of 64)
                assert f["acquired"][:8] != f["verified"][:8] or f["acquired"][-8:] != f["verified"][-8:]


def test_one_character_demo():
    demo = m05.one_character_demo()
    first, second = demo["texts"]
    assert len(first) == len(second) and sum(a != b for a, b in zip(first, second)) == 1
    assert demo["hashes"] == [hashlib.sha256(t.encode()).hexdigest() for t in demo["texts"]]
    assert demo["same_positions"] == [i for i, (a, b) in enumerate(zip(*demo["hashes"])) if a == b]
    assert 1 <= len(demo["same_positions"]) <= 8  # a few agree by chance, as the explanation says


def test_grouped_keeps_the_value():
    digest = hashlib.sha256(b"x").hexdigest()
    assert m05.grouped(digest).replace(" ", "") == digest
    assert [len(g) for g in m05.grouped(digest).split()] == [8] * 8


# ---------------------------------------------------------------- tables in both languages

def _cells(html_text):
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html_text, re.S)]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_custody_table_shows_every_entry_with_its_blanks(lang):
    form = m05.custody_form(trainee="officer-5")
    text = m05.custody_table(form, lang=lang).data
    assert text.startswith(f'<div dir="{"rtl" if lang == "ar" else "ltr"}" lang="{lang}"')
    assert pick(m05.CUSTODY_HEADINGS["released_by"], lang) in text
    assert pick({"ar": "بيانات مُصطنعة", "en": "synthetic data"}, lang) in text
    other = "en" if lang == "ar" else "ar"
    assert pick(m05.CUSTODY_HEADINGS["purpose"], other) not in text
    cells = _cells(text)
    body = cells[7:]  # after the seven header rows
    assert len(body) == 8 * m05.ENTRIES
    for n, entry in enumerate(form["entries"]):
        row = body[8 * n: 8 * (n + 1)]
        assert row[0] == str(entry["no"]) and row[1] == entry["time"] and row[2] == entry["serial"]
        assert row[4] == (pick(m05.SIGNED, lang) if entry["released_signed"] else "—" if n == 0 else "")
        assert row[6] == (pick(m05.SIGNED, lang) if entry["received_signed"] else "")
        assert row[7] == html.escape(entry["purpose"][lang], quote=False)
    assert form["serial"] in cells[3] and form["seized_at"] in cells[5]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_hash_table_shows_both_full_values_of_every_file(lang):
    data = m05.evidence_hashes(trainee="officer-5")
    text = m05.hash_table(data, lang=lang).data
    plain = re.sub(r"<[^>]+>", "", text)
    for f in data["files"]:
        assert m05.grouped(f["acquired"]) in plain and m05.grouped(f["verified"]) in plain
        assert f["name"] in plain and f"{f['size']:,}" in plain
    assert pick(m05.STAGES["verified"], lang) in text
    assert ('dir="rtl"' in text) == (lang == "ar")
    assert 'dir="ltr"' in text  # hash values always read left to right


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_demo_table_marks_the_characters_that_agree(lang):
    demo = m05.one_character_demo()
    text = m05.demo_table(demo, lang=lang).data
    assert text.count("<mark") == 2 * len(demo["same_positions"])
    plain = re.sub(r"<[^>]+>", "", text)
    assert m05.grouped(demo["hashes"][0]) in plain and m05.grouped(demo["hashes"][1]) in plain
    assert ("النص" in text) == (lang == "ar") and ("Text" in text) == (lang == "en")


def test_tables_follow_the_settings_language():
    form = m05.custody_form(trainee="officer-5")
    assert 'lang="ar"' in m05.custody_table(form).data
    settings.language = "en"
    assert 'lang="en"' in m05.custody_table(form).data


# ---------------------------------------------------------------- the notebook's keys

def _widget_call(item):
    return widget_call(NOTEBOOK, item)


@pytest.mark.parametrize("trainee", ["officer-1", "officer-2", "check"])
def test_data_keys_pick_the_fields_the_tables_show(trainee):
    keys = {item: k.for_trainee(trainee).key for item, k in notebook_keys(NOTEBOOK).items()}
    form, hashes = m05.custody_form(trainee=trainee), m05.evidence_hashes(trainee=trainee)
    assert keys["m05.q5"]["answer"] == form["entry_status"]
    assert keys["m05.q8"]["answer"] == hashes["altered"]
    assert keys["m05.q8"]["options"] == [f["id"] for f in hashes["files"]]


def test_ordering_steps_are_listed_out_of_order():
    call = _widget_call("m05.q4")
    steps = ast.literal_eval(next(k.value for k in call.keywords if k.arg == "steps"))
    key = notebook_keys(NOTEBOOK)["m05.q4"].key["answer"]
    assert sorted(steps) == sorted(key) and list(steps) != key


def test_classify_items_are_the_form_entries():
    call = _widget_call("m05.q5")
    items = next(k.value for k in call.keywords if k.arg == "items")
    assert eval(compile(ast.Expression(items), "<items>", "eval")) == {
        f"e{n}": {"ar": f"القيد {n}", "en": f"Entry {n}"} for n in range(1, m05.ENTRIES + 1)}
