"""Module m06's synthetic case file: seeded per trainee, consistent with its tables, figure and keys.

The central guarantee: each trainee's events, converted to UTC from the
strings the tables show, give the key's order, and sorting those strings as
displayed gives a different (wrong) order.
"""
from __future__ import annotations

import ast
from datetime import datetime, timedelta, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import pytest  # noqa: E402

from curriculum.datasets import m06  # noqa: E402
from curriculum.settings import settings  # noqa: E402
from grading.keys import notebook_keys  # noqa: E402
from notebook_cells import widget_call  # tests/ is on pytest's pythonpath

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / m06.MODULE / f"{m06.MODULE}.ipynb"
TRAINEES = [f"officer-{n}" for n in range(100)]


# ---------------------------------------------------------------- reading the tables as a trainee would

def _offset_hours(text: str) -> int:
    sign = -1 if text[0] == "-" else 1
    assert text[3:] == ":00"
    return sign * int(text[1:3])


def _displayed(case):
    """Each ordering event's time as shown (naive) and in UTC, parsed from the table strings."""
    shown, utc = {}, {}
    chat_tz = timezone(timedelta(hours=case["chat_offset"]))
    for row in case["chat"]:
        if row["event"] in m06.STEPS:
            local = datetime.strptime(row["shown"], "%d/%m/%Y %H:%M")
            shown[row["event"]], utc[row["event"]] = local, local.replace(tzinfo=chat_tz).astimezone(timezone.utc)
    for row in case["logins"]:
        if row["event"] in m06.STEPS:
            local = datetime.strptime(row["shown"], "%Y-%m-%dT%H:%M:%SZ")
            shown[row["event"]], utc[row["event"]] = local, local.replace(tzinfo=timezone.utc)
    gift = case["files"][0]
    local = datetime.strptime(gift["created"], "%Y:%m:%d %H:%M:%S")
    tz = timezone(timedelta(hours=_offset_hours(gift["offset"])))
    shown["file"], utc["file"] = local, local.replace(tzinfo=tz).astimezone(timezone.utc)
    return shown, utc


# ---------------------------------------------------------------- seeding

def test_same_trainee_gets_the_same_data():
    assert m06.case(trainee="officer-1") == m06.case(trainee="officer-1")
    assert m06.lab_logs(trainee="officer-1") == m06.lab_logs(trainee="officer-1")


def test_different_trainees_get_different_data():
    cases = [m06.case(trainee=t) for t in TRAINEES[:10]]
    assert len({tuple(r["shown"] for r in c["chat"]) for c in cases}) == 10
    assert len({(c["chat_offset"], c["file_offset"]) for c in cases}) >= 4


def test_each_trainees_true_order_differs():
    orders = {tuple(m06.case(trainee=t)["order"]) for t in TRAINEES}
    assert len(orders) >= 12


def test_default_trainee_is_the_settings_trainee():
    settings.trainee = "officer-7"
    assert m06.case() == m06.case(trainee="officer-7")
    assert m06.lab_logs() == m06.lab_logs(trainee="officer-7")


def test_the_lab_has_its_own_case():
    case, lab = m06.case(trainee="officer-3"), m06.lab_logs(trainee="officer-3")
    assert case["chat"][0]["shown"] not in lab["chat_csv"]


# ---------------------------------------------------------------- the timeline

@pytest.mark.parametrize("trainee", TRAINEES)
def test_displayed_clocks_give_a_wrong_order_and_utc_the_key(trainee):
    case = m06.case(trainee=trainee)
    shown, utc = _displayed(case)
    true_order = sorted(utc, key=utc.get)
    naive_order = sorted(shown, key=shown.get)
    assert case["order"] == true_order
    assert case["naive_order"] == naive_order
    assert naive_order != true_order
    assert m06.inversions(naive_order, true_order) >= 2
    # no near-ties: the order is readable from minutes, in UTC and as displayed
    times = sorted(utc.values())
    assert all(b - a >= timedelta(minutes=m06.GAP - 1) for a, b in zip(times, times[1:]))  # seconds eat one minute
    displayed = sorted(shown.values())
    assert all(b - a >= timedelta(minutes=1) for a, b in zip(displayed, displayed[1:]))
    # the ordering item lists its steps in an order that is never a true one
    assert true_order != m06.LISTED_ORDER
    assert sorted(true_order) == sorted(m06.STEPS)


@pytest.mark.parametrize("trainee", TRAINEES)
def test_sources_are_consistent_and_in_their_formats(trainee):
    case = m06.case(trainee=trainee)
    assert case["chat_offset"] in m06.CHAT_OFFSETS and case["file_offset"] in m06.FILE_OFFSETS
    chat = case["chat"]
    assert [r["id"] for r in chat] == [f"A{n}" for n in range(1, 7)]
    assert [r["utc"] for r in chat] == sorted(r["utc"] for r in chat)
    assert len({r["utc"] for r in chat}) == 6
    assert [r["event"] for r in chat] == ["first", None, "gift", None, "badge", "secrecy"]
    logins = case["logins"]
    assert [r["id"] for r in logins] == [f"B{n}" for n in range(1, len(logins) + 1)]
    assert [r["utc"] for r in logins] == sorted(r["utc"] for r in logins)
    for row in logins:
        assert row["shown"].endswith("Z") and row["utc"].second % 2 == 0 and row["utc"].second > 0
    for row in case["files"]:
        assert row["offset"] == f"{'+' if case['file_offset'] >= 0 else '-'}{abs(case['file_offset']):02d}:00"
        assert row["utc"].second % 2 == 1  # never the same second as a chat line or a login
    # the images were made before they were sent
    sent = {r["event"]: r["utc"] for r in chat}
    assert case["files"][0]["utc"] < sent["gift"] and case["files"][1]["utc"] < sent["badge"]


@pytest.mark.parametrize("trainee", TRAINEES)
def test_numeric_keys_follow_from_the_tables(trainee):
    case = m06.case(trainee=trainee)
    a6 = next(r for r in case["chat"] if r["id"] == "A6")
    local = datetime.strptime(a6["shown"], "%d/%m/%Y %H:%M")
    assert case["secrecy_utc_hour"] == (local - timedelta(hours=case["chat_offset"])).hour
    c1 = case["files"][0]
    assert c1["file"] == "gift_code.png"
    created = datetime.strptime(c1["created"], "%Y:%m:%d %H:%M:%S") - timedelta(hours=_offset_hours(c1["offset"]))
    assert case["file_utc_hour"] == created.hour
    a3 = next(r for r in case["chat"] if r["id"] == "A3")
    received = datetime.strptime(a3["shown"], "%d/%m/%Y %H:%M") - timedelta(hours=case["chat_offset"])
    minutes = (received - created).total_seconds() / 60
    assert abs(case["gift_delay_minutes"] - minutes) < 1  # the key accepts one minute either way
    assert 6 <= case["gift_delay_minutes"] <= 110
    # read naively, the delay would be off by whole hours: the item tells the two apart
    assert case["chat_offset"] != case["file_offset"]


def test_offsets_vary_and_conversions_cross_midnight_for_some():
    cases = [m06.case(trainee=t) for t in TRAINEES]
    assert {c["chat_offset"] for c in cases} == set(m06.CHAT_OFFSETS)
    assert {c["file_offset"] for c in cases} == set(m06.FILE_OFFSETS)
    crossing = sum(1 for c in cases
                   if datetime.strptime(c["files"][0]["created"], "%Y:%m:%d %H:%M:%S").date()
                   != c["files"][0]["utc"].date())
    assert crossing >= 5


# ---------------------------------------------------------------- the accounts

@pytest.mark.parametrize("trainee", TRAINEES)
def test_each_account_shares_exactly_the_identifier_of_its_key(trainee):
    case = m06.case(trainee=trainee)
    ref, *others = case["accounts"]
    assert ref["id"] == "R" and ref["account"] == m06.SUSPECT_GAME
    assert [r["id"] for r in others] == [f"u{n}" for n in range(1, 6)]
    assert sorted(case["links"].values()) == ["email", "ip", "none", "none", "phone"]
    assert m06.SUSPECT_CHAT in {r["account"] for r in others}
    assert len({r["account"] for r in case["accounts"]}) == 6
    ref_logins = [r for r in case["logins"] if r["account"] == m06.SUSPECT_GAME]
    ref_ip = ref_logins[0]["ip"]
    for row in others:
        login = next(r for r in case["logins"] if r["account"] == row["account"])
        shares = set()
        if row["email_hash"] == ref["email_hash"]:
            shares.add("email")
        if row["phone"] == ref["phone"]:
            shares.add("phone")
        if login["ip"] == ref_ip and any(abs(login["utc"] - r["utc"]) <= timedelta(minutes=5) for r in ref_logins):
            shares.add("ip")
        assert shares == ({case["links"][row["id"]]} - {"none"}), row
        assert case["account_items"][row["id"]]["en"] == f"{row['account']} on {row['platform']}"
    # the two near misses: same last two digits only; same address hours apart
    near = [r for r in others if case["links"][r["id"]] == "none"]
    assert any(r["phone"][2:] == ref["phone"][2:] and r["phone"] != ref["phone"] for r in near)
    far = [next(x for x in case["logins"] if x["account"] == r["account"]) for r in near]
    assert any(x["ip"] == ref_ip and min(abs(x["utc"] - r["utc"]) for r in ref_logins) >= timedelta(hours=5)
               for x in far)
    # nobody else shares even the last two digits, so the phone near miss is the only one
    assert sum(r["phone"][2:] == ref["phone"][2:] for r in others) == 2


def test_linked_accounts_are_shown_in_a_seeded_order():
    firsts = {m06.case(trainee=t)["links"]["u1"] for t in TRAINEES[:40]}
    assert len(firsts) >= 3


# ---------------------------------------------------------------- tables

@pytest.mark.parametrize("lang", ["ar", "en"])
def test_tables_show_every_row_as_its_source_writes_it(lang):
    case = m06.case(trainee="officer-4")
    chat = m06.chat_table(case, lang=lang).data
    for row in case["chat"]:
        assert row["shown"] in chat and row["text"][lang] in chat
    assert f"UTC{'+' if case['chat_offset'] >= 0 else '-'}{abs(case['chat_offset']):02d}:00" in chat
    logins = m06.login_table(case, lang=lang).data
    for row in case["logins"]:
        assert row["shown"] in logins and row["ip"] in logins and row["account"] in logins
    files = m06.file_table(case, lang=lang).data
    for row in case["files"]:
        assert row["created"] in files and row["offset"] in files
    accounts = m06.account_table(case, lang=lang).data
    for row in case["accounts"]:
        assert row["email_hash"] in accounts and row["phone"] in accounts
    direction = 'dir="rtl"' if lang == "ar" else 'dir="ltr"'
    for html in (chat, logins, files, accounts):
        assert html.startswith(f"<div {direction} lang=\"{lang}\"")
        assert m06.LABELS["synthetic"][lang] in html
    assert m06.LABELS["phone_time"][lang] in chat
    assert m06.LABELS["utc_time"][lang] in logins


def test_tables_follow_the_settings_language():
    case = m06.case(trainee="officer-4")
    assert m06.LABELS["chat_title"]["ar"] in m06.chat_table(case).data
    settings.language = "en"
    assert m06.LABELS["chat_title"]["en"] in m06.chat_table(case).data


# ---------------------------------------------------------------- figure

@pytest.mark.parametrize("lang", ["ar", "en"])
def test_login_figure_shows_every_login_in_utc(lang):
    import matplotlib.dates as mdates

    case = m06.case(trainee="officer-9")
    fig = m06.login_figure(case, lang=lang)
    ax = fig.axes[0]
    dots = sorted((round(float(x), 6), float(y)) for coll in ax.collections for x, y in coll.get_offsets())
    rows = {r["account"]: len(case["accounts"]) - 1 - i for i, r in enumerate(case["accounts"])}
    expected = sorted((round(mdates.date2num(r["utc"].replace(tzinfo=None)), 6), float(rows[r["account"]]))
                      for r in case["logins"])
    assert dots == expected
    assert sorted(t.get_text() for t in ax.texts) == sorted(r["ip"] for r in case["logins"] if r["action"] == "login")
    assert [t.get_text() for t in ax.get_yticklabels()] == list(rows)
    if lang == "ar":
        assert ax.get_xlabel() == "الوقت بالتوقيت العالمي المنسَّق (UTC)"
        assert "بيانات مُصطنعة" in ax.get_title()
        assert ax.xaxis_inverted()
    else:
        assert ax.get_xlabel() == "Time in UTC"
        assert "synthetic data" in ax.get_title()
        assert not ax.xaxis_inverted()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert len(legend) == 4 and all(legend)
    assert any(("shadow_fox_27" in t) for t in legend)
    fig.canvas.draw()


def test_login_figure_follows_the_settings_language():
    case = m06.case(trainee="officer-9")
    assert m06.login_figure(case).axes[0].get_xlabel() == "الوقت بالتوقيت العالمي المنسَّق (UTC)"
    settings.language = "en"
    assert m06.login_figure(case).axes[0].get_xlabel() == "Time in UTC"


# ---------------------------------------------------------------- the notebook's keys

def _widget_call(item):
    return widget_call(NOTEBOOK, item)


@pytest.mark.parametrize("trainee", ["officer-1", "officer-2", "check"])
def test_data_keys_pick_the_fields_the_tables_show(trainee):
    keys = {item: k.for_trainee(trainee).key for item, k in notebook_keys(NOTEBOOK).items()}
    case = m06.case(trainee=trainee)
    assert keys["m06.q1"]["answer"] == case["secrecy_utc_hour"]
    assert keys["m06.q2"]["answer"] == case["file_utc_hour"]
    assert keys["m06.q3"]["answer"] == case["gift_delay_minutes"] and keys["m06.q3"]["tolerance"] == 1
    assert keys["m06.q4"]["answer"] == case["order"]
    assert keys["m06.q6"]["answer"] == case["links"]


def test_ordering_steps_and_matching_targets_are_the_modules():
    call = _widget_call("m06.q4")
    steps = ast.literal_eval(next(k.value for k in call.keywords if k.arg == "steps"))
    assert list(steps) == m06.LISTED_ORDER
    assert steps == {k: m06.STEPS[k] for k in m06.LISTED_ORDER}
    call = _widget_call("m06.q6")
    targets = ast.literal_eval(next(k.value for k in call.keywords if k.arg == "targets"))
    assert targets == m06.LINKS


# ---------------------------------------------------------------- the lab's reference answers

@pytest.mark.parametrize("trainee", TRAINEES[:20])
def test_lab_reference_answers_agree_with_the_generator(trainee):
    logs = m06.lab_logs(trainee=trainee)
    chat = m06.ref_parse_chat(logs["chat_csv"], logs["chat_offset_hours"])
    logins = m06.ref_parse_logins(logs["logins_csv"])
    files = m06.ref_parse_files(logs["files_csv"])
    build = m06._build(m06.rng(m06.LAB, trainee))
    assert [t.to_pydatetime() for t in chat["utc"]] == [r["utc"] for r in build["chat"]]
    assert [t.to_pydatetime() for t in logins["utc"]] == [r["utc"] for r in build["logins"]]
    assert [t.to_pydatetime() for t in files["utc"]] == [r["utc"] for r in build["files"]]
    timeline = m06.ref_timeline(chat, logins, files)
    assert list(timeline["utc"]) == sorted(timeline["utc"])
    assert timeline["utc"].is_unique  # no ties: every correct sort gives the same rows
    assert len(timeline) == len(chat) + len(logins) + len(files)
    nxt = m06.ref_next_message(timeline, chat, logs["event"])
    when = next(r["utc"] for r in build["logins"] + build["files"] if r["id"] == logs["event"])
    later = [r for r in build["chat"] if r["sender"] == "suspect" and r["utc"] > when]
    assert nxt == later[0]["id"]


def test_iso_utc_reads_aware_and_naive_times_alike():
    import pandas as pd

    aware = pd.Series(pd.to_datetime(["2025-09-14 20:41"]).tz_localize("Etc/GMT-3"))  # UTC+3
    naive = pd.Series(pd.to_datetime(["2025-09-14 17:41"]))
    assert m06.iso_utc(aware) == m06.iso_utc(naive) == ["2025-09-14T17:41:00Z"]
    assert m06.iso_utc([datetime(2025, 9, 14, 17, 41, tzinfo=timezone.utc)]) == ["2025-09-14T17:41:00Z"]


def test_lab_event_always_has_a_later_message():
    for trainee in TRAINEES:
        logs = m06.lab_logs(trainee=trainee)
        build = m06._build(m06.rng(m06.LAB, trainee))
        when = next(r["utc"] for r in build["logins"] + build["files"] if r["id"] == logs["event"])
        assert any(r["sender"] == "suspect" and r["utc"] > when for r in build["chat"])
