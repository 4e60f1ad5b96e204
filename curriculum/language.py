"""Bilingual text: every string a trainee reads exists in Arabic and English.

Course content passes ``{"ar": ..., "en": ...}`` mappings; :func:`bilingual`
checks both languages are there (so nothing can drift between them) and
:func:`pick` returns the one the trainee chose.  Messages the engine itself
writes (saving, scoring, errors) live in :data:`MESSAGES`, keyed by id, so the
grader can write feedback in the trainee's language.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from .settings import LANGUAGES, settings

Text = Mapping[str, str]

_ARABIC = re.compile(r"[\u0600-\u06FF]")
_LATIN = re.compile(r"[A-Za-z]")


class MissingLanguage(ValueError):
    """A course text lacks Arabic or English."""


def bilingual(text, where: str) -> dict[str, str]:
    """Return ``text`` as ``{"ar", "en"}`` or raise naming ``where`` to fix."""
    if not isinstance(text, Mapping):
        raise MissingLanguage(
            f"{where}: give the text in both languages, e.g. "
            '{"ar": "...", "en": "..."}; got ' f"{type(text).__name__}"
        )
    missing = [lang for lang in LANGUAGES
               if not isinstance(text.get(lang), str) or not text[lang].strip()]
    if missing:
        raise MissingLanguage(f"{where}: the {' and '.join(missing)} text is missing")
    if not _ARABIC.search(text["ar"]) and not re.fullmatch(r"[\d\s.,:%+\-−/]+", text["ar"]):
        raise MissingLanguage(f"{where}: the 'ar' text has no Arabic letters: {text['ar']!r}")
    return {lang: str(text[lang]) for lang in LANGUAGES}


def pick(text: Text, lang: str | None = None) -> str:
    """The text in ``lang`` (default: the trainee's language)."""
    return text[lang or settings.language]


def direction(lang: str | None = None) -> str:
    return "rtl" if (lang or settings.language) == "ar" else "ltr"


MESSAGES: dict[str, dict[str, str]] = {
    # saving
    "saved": {"ar": "✔ حُفظت إجابتك ({time})", "en": "✔ Answer saved ({time})"},
    "not_answered": {"ar": "لم تُجب بعد.", "en": "Not answered yet."},
    "saving": {"ar": "… تُحفظ إجابتك حين تتوقف عن الكتابة.", "en": "… Your answer is saved when you pause typing."},
    "partial": {
        "ar": "◐ أجبت عن {answered} من {total}. حُفظت إجابتك ({time})",
        "en": "◐ {answered} of {total} answered. Answer saved ({time})",
    },
    "still_saved": {"ar": "ما زالت إجابتك المحفوظة: {answer}.", "en": "Your saved answer is still {answer}."},
    "save_failed": {
        "ar": "⚠ تعذّر حفظ الإجابة: {error}. إجابتك ما زالت في الخانة؛ أعد المحاولة.",
        "en": "⚠ Could not save the answer: {error}. Your answer is still in the box; try again.",
    },
    "bad_number": {
        "ar": "⚠ اكتب رقمًا، مثل 90 أو 2.5 (لم يُحفظ: «{text}»).",
        "en": "⚠ Type a number, such as 90 or 2.5 (not saved: “{text}”).",
    },
    "out_of_range": {
        "ar": "⚠ اكتب رقمًا من {minimum} إلى {maximum} (لم يُحفظ: «{text}»).",
        "en": "⚠ Type a number from {minimum} to {maximum} (not saved: “{text}”).",
    },
    "below_minimum": {
        "ar": "⚠ اكتب رقمًا لا يقل عن {minimum} (لم يُحفظ: «{text}»).",
        "en": "⚠ Type a number of at least {minimum} (not saved: “{text}”).",
    },
    "above_maximum": {
        "ar": "⚠ اكتب رقمًا لا يزيد على {maximum} (لم يُحفظ: «{text}»).",
        "en": "⚠ Type a number of at most {maximum} (not saved: “{text}”).",
    },
    "choose_unit": {"ar": "اختر الوحدة.", "en": "Choose the unit."},
    "too_long": {
        "ar": "⚠ الإجابة أطول من {limit} حرف؛ حُفظ أول {limit} حرف فقط.",
        "en": "⚠ The answer is longer than {limit} characters; only the first {limit} were saved.",
    },
    "order_hint": {
        "ar": "رتّب الخطوات بزرّي ▲ و▼ ثم اضغط «اعتمد الترتيب» إن كان الترتيب الحالي هو إجابتك.",
        "en": "Arrange the steps with ▲ and ▼; press “Use this order” if the order shown is your answer.",
    },
    "confirm_order": {"ar": "اعتمد الترتيب", "en": "Use this order"},
    "move_up": {"ar": "إلى الأعلى", "en": "Move up"},
    "move_down": {"ar": "إلى الأسفل", "en": "Move down"},
    "choose": {"ar": "— اختر —", "en": "— choose —"},
    "check": {"ar": "تحقّق", "en": "Check"},
    "graded_later": {
        "ar": "إجابتك المحفوظة: {answer}. تُصحَّح بعد التسليم.",
        "en": "Your saved answer: {answer}. It is graded after you submit.",
    },
    "practice_item": {"ar": "سؤال تدريبي (بلا درجات)", "en": "Practice item (no points)"},
    # nbgrader's Validate (raised by status() in a grade cell)
    "validate_missing": {
        "ar": "⚠ {item} «{prompt}»: لم تُجب عن هذا السؤال بعد. أجب عنه ثم أعد التحقّق.",
        "en": "⚠ {item} “{prompt}”: not answered yet. Answer it, then validate again.",
    },
    "validate_partial": {
        "ar": "⚠ {item} «{prompt}»: أجبت عن {answered} من {total} فقط. أكمل الإجابة ثم أعد التحقّق.",
        "en": "⚠ {item} “{prompt}”: only {answered} of {total} answered. Complete it, then validate again.",
    },
    # answers file problems
    "file_missing": {
        "ar": "لم يُعثر على ملف الإجابات؛ تُعدّ كل الأسئلة غير مُجاب عنها.",
        "en": "No answers file was found; every item counts as unanswered.",
    },
    "file_corrupt": {
        "ar": "ملف الإجابات تالف ({error})؛ تُعدّ الأسئلة غير مُجاب عنها. حُفظت نسخة منه باسم {backup}.",
        "en": "The answers file is damaged ({error}); items count as unanswered. A copy was kept as {backup}.",
    },
    "file_corrupt_grading": {
        "ar": "ملف الإجابات تالف ({error})؛ تُعدّ الأسئلة غير مُجاب عنها.",
        "en": "The answers file is damaged ({error}); items count as unanswered.",
    },
    "file_oversized": {
        "ar": "ملف الإجابات أكبر من الحد ({size} بايت)؛ تُعدّ الأسئلة غير مُجاب عنها.",
        "en": "The answers file is larger than allowed ({size} bytes); items count as unanswered.",
    },
    "file_foreign": {
        "ar": "ملف الإجابات يخص المتدرّب «{owner}» لا «{trainee}»؛ تُعدّ الأسئلة غير مُجاب عنها.",
        "en": "The answers file belongs to trainee “{owner}”, not “{trainee}”; items count as unanswered.",
    },
    "file_foreign_kept": {
        "ar": "وُجد ملف إجابات يخص «{owner}»؛ نُقل إلى {backup} وبدأ ملف جديد لك.",
        "en": "An answers file of “{owner}” was found; it was moved to {backup} and a new one started for you.",
    },
    "file_schema": {
        "ar": "إصدار ملف الإجابات ({version}) غير معروف؛ تُعدّ الأسئلة غير مُجاب عنها.",
        "en": "Unknown answers-file version ({version}); items count as unanswered.",
    },
    "bad_answer": {
        "ar": "الإجابة المحفوظة لهذا السؤال غير صالحة ({error})؛ تُعدّ غير مُجاب عنها.",
        "en": "The saved answer to this item is not valid ({error}); it counts as unanswered.",
    },
    # scoring
    "unanswered": {"ar": "لم تُجب عن هذا السؤال: 0 درجة.", "en": "You did not answer this item: 0 points."},
    "correct": {"ar": "إجابة صحيحة.", "en": "Correct."},
    "incorrect": {"ar": "إجابة غير صحيحة.", "en": "Not correct."},
    "multi_result": {
        "ar": "اخترت {right} من {total} إجابات صحيحة و{wrong} غير صحيحة.",
        "en": "You chose {right} of {total} correct options and {wrong} incorrect ones.",
    },
    "order_result": {
        "ar": "{run} من {total} خطوات في ترتيبها الصحيح بعضها بالنسبة إلى بعض.",
        "en": "{run} of {total} steps are in the right order relative to each other.",
    },
    "pairs_result": {
        "ar": "{right} من {total} صحيحة.",
        "en": "{right} of {total} are right.",
    },
    "numeric_unit": {
        "ar": "الرقم في المدى الصحيح لكن الوحدة غير صحيحة.",
        "en": "The number is within range but the unit is wrong.",
    },
    "manual": {
        "ar": "إجابة مكتوبة؛ يقيّمها المدرّب.",
        "en": "Written answer; your instructor grades it.",
    },
    "score_line": {"ar": "الدرجة: {score} من {points}", "en": "Score: {score} of {points}"},
    "free_answer_heading": {"ar": "إجابة المتدرّب", "en": "Trainee's answer"},
}


def message(key: str, lang: str | None = None, **params) -> str:
    """A message of the engine in ``lang`` (default: the trainee's language)."""
    return MESSAGES[key][lang or settings.language].format(**params)
