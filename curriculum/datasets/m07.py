"""m07 — the child at the centre, and working together: seeded selections from three banks.

Three generators, one per data-dependent exercise, each drawing from a fixed
bank so that two trainees see different items and the grader computes every
key from the same seed:

* :func:`interview_questions` picks eight interviewer questions (two of each
  NICHD question type) from :data:`QUESTIONS`, sixteen questions put to a
  fictional 12-year-old girl about a non-explicit online case (a game chat,
  coins, a request to meet, a threat to send her chats to her school);
* :func:`referrals` picks six situations from :data:`SITUATIONS`, each with
  one service that must act first (:data:`AGENCIES`);
* :func:`mnr_capabilities` picks eight of the 21 capabilities of the WeProtect
  Model National Response, with at least one from each of its six domains.

:func:`agencies_figure` draws the services around the child in the trainee's
language.  Everything is invented for training: no real child, case or
account; nothing sexual or explicit.
"""
from __future__ import annotations

from curriculum.figures import PALETTE, footnote, use_course_style
from curriculum.language import pick
from curriculum.settings import settings
from curriculum.synthetic import rng

MODULE = "m07-child-centred-response"

# ---------------------------------------------------------------- interview questions

#: What the fictional child has already said in her own words, before the questions.
CHILD_ACCOUNT = {
    "ar": "«بدأ لاعب في لعبتي يكتب لي في الدردشة. أرسل لي عملات، وقال إنني الأفضل في الفريق. "
          "ثم طلب أن يقابلني في المركز التجاري. وحين رفضتُ، قال إنه سيرسل محادثاتنا إلى كل من في مدرستي.»",
    "en": "\"A player in my game started writing to me in the chat. He sent me coins and said I was the best "
          "on the team. Then he asked to meet me at the mall. When I said no, he said he would send our chats "
          "to everyone at my school.\"",
}

#: The four question types of the NICHD protocol (Lamb et al. 2007), in the order of the buttons.
QUESTION_TYPES = {
    "invitation": {"ar": "دعوة مفتوحة", "en": "Open-ended invitation"},
    "directive": {"ar": "سؤال توجيهي", "en": "Directive question"},
    "option": {"ar": "سؤال يطرح خيارات", "en": "Option-posing question"},
    "suggestive": {"ar": "سؤال إيحائي", "en": "Suggestive question"},
}

#: The bank: id → (type, text). Four of each type, all about what the child said above.
QUESTIONS: dict[str, tuple[str, dict[str, str]]] = {
    # invitations: ask for free recall, "tell me…", "then what happened?"
    "inv1": ("invitation", {"ar": "أخبريني بكل شيء عن اللاعب الذي كان يكتب لكِ في اللعبة.",
                            "en": "Tell me everything about the player who was writing to you in the game."}),
    "inv2": ("invitation", {"ar": "قلتِ إنه طلب أن يقابلكِ في المركز التجاري. أخبريني المزيد عن ذلك.",
                            "en": "You said he asked to meet you at the mall. Tell me more about that."}),
    "inv3": ("invitation", {"ar": "قلتِ إنه أرسل لكِ عملات. ثم ماذا حدث؟",
                            "en": "You said he sent you coins. Then what happened?"}),
    "inv4": ("invitation", {"ar": "فكّري في اليوم الذي قال فيه إنه سيرسل محادثاتكما إلى مدرستكِ، "
                                  "وأخبريني بكل ما حدث من أوله إلى آخره.",
                            "en": "Think about the day he said he would send your chats to your school, and tell me "
                                  "everything that happened, from the beginning to the end."}),
    # directive: a wh- question about a detail the child has already mentioned
    "dir1": ("directive", {"ar": "متى طلب أن يقابلكِ في المركز التجاري؟",
                           "en": "When did he ask to meet you at the mall?"}),
    "dir2": ("directive", {"ar": "ما الاسم الذي كان اللاعب يستخدمه في اللعبة؟",
                           "en": "What name did the player use in the game?"}),
    "dir3": ("directive", {"ar": "كيف أرسل لكِ العملات؟",
                           "en": "How did he send you the coins?"}),
    "dir4": ("directive", {"ar": "أين كنتِ حين قرأتِ رسالته عن مدرستكِ؟",
                           "en": "Where were you when you read his message about your school?"}),
    # option-posing: yes/no or either/or about something she has not mentioned, implying no answer
    "opt1": ("option", {"ar": "هل طلب منكِ يومًا كلمة مرور حسابكِ؟",
                        "en": "Did he ever ask you for your account password?"}),
    "opt2": ("option", {"ar": "هل اتصل بكِ على الهاتف يومًا؟",
                        "en": "Did he ever phone you?"}),
    "opt3": ("option", {"ar": "هل كتب لكِ في تطبيق آخر أيضًا، أم في اللعبة فقط؟",
                        "en": "Did he also write to you on another app, or only in the game?"}),
    "opt4": ("option", {"ar": "هل وصلت رسائل منه إلى أحد آخر من مدرستكِ؟",
                        "en": "Did anyone else from your school get messages from him?"}),
    # suggestive: signals the expected answer, or takes for granted what she has not said
    "sug1": ("suggestive", {"ar": "لقد أخافكِ كثيرًا، أليس كذلك؟",
                            "en": "He scared you a lot, didn't he?"}),
    "sug2": ("suggestive", {"ar": "أعطيتِه كلمة مرور حسابكِ حتى يسكت، صحيح؟",
                            "en": "You gave him your account password so that he would keep quiet, right?"}),
    "sug3": ("suggestive", {"ar": "كم طلب منكِ من المال؟",
                            "en": "How much money did he ask you for?"}),
    "sug4": ("suggestive", {"ar": "أخبرتنا صديقتكِ أنه فعل معها الشيء نفسه. وفعله معكِ أيضًا، أليس كذلك؟",
                            "en": "Your friend told us he did the same thing to her. He did it to you too, didn't he?"}),
}

#: How many questions of each type a trainee classifies.
PER_TYPE = 2

# ---------------------------------------------------------------- referrals

#: The services a situation may need first, in the order of the drop-down list.
AGENCIES = {
    "unit": {"ar": "الوحدة الشرطية المتخصصة في الجرائم الإلكترونية ضد الأطفال",
             "en": "Specialised police unit for online crimes against children"},
    "health": {"ar": "الخدمات الصحية (الإسعاف أو الرعاية النفسية)",
               "en": "Health services (emergency or mental health care)"},
    "social": {"ar": "حماية الطفل والخدمات الاجتماعية", "en": "Child protection and social services"},
    "school": {"ar": "المدرسة", "en": "The school"},
    "helpline": {"ar": "خط نجدة الطفل (الإصغاء والإرشاد)", "en": "Child helpline (listening and counselling)"},
}

#: The bank: id → (the service that must act first, situation).
SITUATIONS: dict[str, tuple[str, dict[str, str]]] = {
    "unit1": ("unit", {
        "ar": "فتاة في الثالثة عشرة تُريك رسائل في دردشة لعبة يهدّدها فيها بالغ بأن يرسل محادثاتها الخاصة إلى "
              "مدرستها إن لم تشترِ له بطاقات هدايا. ما زالت تحتفظ بالرسائل، ولم تدفع شيئًا.",
        "en": "A 13-year-old girl shows you game-chat messages in which an adult threatens to send her private "
              "chats to her school unless she buys him gift cards. She still has the messages and has paid nothing."}),
    "unit2": ("unit", {
        "ar": "أبٌ يُريك هاتف ابنه البالغ 12 عامًا: بالغ تعرّف إليه الفتى في لعبة حدّد معه موعدًا ليلتقيا وحدهما "
              "يوم الجمعة القادم، وطلب منه ألّا يخبر أحدًا.",
        "en": "A father shows you his 12-year-old son's phone: an adult the boy met in a game has set a time to "
              "meet him alone next Friday and told him to tell nobody."}),
    "unit3": ("unit", {
        "ar": "بعد أن حظرته فتاة في الرابعة عشرة، ما زال بالغ يُنشئ حسابًا جديدًا بعد آخر ليراسلها، "
              "ويكتب لها أنه يعرف مدرستها.",
        "en": "After a 14-year-old girl blocked him, an adult keeps opening one new account after another to "
              "message her, and writes that he knows which school she goes to."}),
    "unit4": ("unit", {
        "ar": "تلميذة في الثالثة عشرة تقول إن زميلًا في صفها صنع من صورة لها في رحلة مدرسية صورة «معرّاة» بتطبيق "
              "ذكاء اصطناعي، ونشرها في مجموعة الصف.",
        "en": "A 13-year-old pupil says that a classmate used an AI app to make a \"nudified\" image of her from a "
              "school-trip photo, and shared it in the class group."}),
    "health1": ("health", {
        "ar": "أثناء تسجيل البلاغ، يقول فتى في الخامسة عشرة إن التهديدات جعلته يفكّر في إنهاء حياته.",
        "en": "While the report is being recorded, a 15-year-old boy says the threats have made him think "
              "about ending his life."}),
    "health2": ("health", {
        "ar": "فتى في الرابعة عشرة ذهب لملاقاة شخص تعرّف إليه في لعبة، ووصل إلى المركز وبه جروح ظاهرة.",
        "en": "A 14-year-old boy who went to meet someone he knew from a game arrives at the station with "
              "visible injuries."}),
    "social1": ("social", {
        "ar": "الوحدة المتخصصة تحقّق بالفعل في تهديدات غريبٍ على الإنترنت لطفل في العاشرة، وقد حفظت الأدلة. ثم يقول "
              "الطفل إنه يبقى وحده في البيت كل ليلة بلا بالغ يرعاه، وإنه يخاف أن يعود إليه الليلة.",
        "en": "The specialised unit is already investigating an online stranger's threats against a 10-year-old boy "
              "and has preserved the evidence. Then the boy says he is alone at home every night with no adult to "
              "look after him, and is afraid to go back there tonight."}),
    "social2": ("social", {
        "ar": "طفلة في التاسعة تقضي كل ليلة وحدها مع جهاز لوحي لأن أحدًا من البالغين لا يكون في البيت، وتقول إن "
              "غرباء يراسلونها كثيرًا في الألعاب. لم يظهر حتى الآن ما يدلّ على جريمة.",
        "en": "A 9-year-old girl spends every night alone with a tablet because no adult is at home, and says "
              "strangers often message her in games. So far nothing points to a crime."}),
    "school1": ("school", {
        "ar": "منذ أسابيع يسخر زملاء صف من تلميذ في الثانية عشرة في مجموعة الصف على تطبيق مراسلة، "
              "بلا تهديد ولا صور، ولا بالغ في الأمر.",
        "en": "For weeks, classmates have been mocking a 12-year-old pupil in the class messaging group, with "
              "no threats, no images and no adult involved."}),
    "school2": ("school", {
        "ar": "تلاميذ مدرسة يتناقلون تحذيرًا مخيفًا من «تحدٍّ» على الإنترنت، ولم يتعرّض أي طفل لأذى.",
        "en": "Pupils at a school are passing round a frightening warning about an online \"challenge\"; "
              "no child has been harmed."}),
    "helpline1": ("helpline", {
        "ar": "فتى في السادسة عشرة يتصل بخط الشرطة ولا يريد أن يذكر اسمه: يشعر بالوحدة والحزن منذ أن انقطع "
              "صديق له على الإنترنت عن محادثته. لا جريمة ولا خطر.",
        "en": "A 16-year-old calls the police line but does not want to give his name: he has felt lonely and "
              "sad since an online friend stopped talking to him. There is no crime and no danger."}),
    "helpline2": ("helpline", {
        "ar": "أمٌّ تسأل أين تستطيع ابنتها البالغة 11 عامًا أن تتحدث بسرّية، في أي ساعة، مع مرشد مدرَّب عن قلق "
              "بقي لديها من تنمّر عالجته المدرسة وانتهى.",
        "en": "A mother asks where her 11-year-old daughter can talk in confidence, at any hour, with a trained "
              "counsellor about worries left by bullying that the school has already dealt with and ended."}),
}

#: How many situations a trainee matches: one for each service, then one more.
N_SITUATIONS = len(AGENCIES) + 1

# ---------------------------------------------------------------- the Model National Response

#: The six domains of the WeProtect Model National Response, in the order of the buttons.
MNR_DOMAINS = {
    "policy": {"ar": "السياسات والحوكمة", "en": "Policy and governance"},
    "justice": {"ar": "العدالة الجنائية", "en": "Criminal justice"},
    "victim": {"ar": "الضحية", "en": "Victim"},
    "societal": {"ar": "المجتمع", "en": "Societal"},
    "industry": {"ar": "قطاع التقنية (الصناعة)", "en": "Industry"},
    "media": {"ar": "الإعلام والاتصال", "en": "Media and communications"},
}

#: The 21 capabilities, numbered as in the MNR: number → (domain, name, what it looks like in practice).
MNR_CAPABILITIES: dict[int, tuple[str, dict[str, str], dict[str, str]]] = {
    1: ("policy", {"ar": "القيادة", "en": "Leadership"},
        {"ar": "هيئة وطنية مسؤولة عن الاستجابة كلها، تنسّق عمل الحكومة والشرطة والخدمات وقطاع التقنية والمجتمع المدني",
         "en": "A national body accountable for the whole response, coordinating government, police, services, "
               "industry and civil society"}),
    2: ("policy", {"ar": "البحث والتحليل والرصد", "en": "Research, analysis and monitoring"},
        {"ar": "صورة وطنية عن حجم التهديد، ومؤشرات تقيس هل تنجح الاستجابة",
         "en": "A national picture of the threat, and indicators that show whether the response works"}),
    3: ("policy", {"ar": "التشريع", "en": "Legislation"},
        {"ar": "إطار قانوني شامل يجرّم الاعتداء على الأطفال واستغلالهم عبر الإنترنت",
         "en": "A comprehensive legal framework that criminalises the abuse and exploitation of children online"}),
    4: ("justice", {"ar": "إنفاذ قانون متخصص", "en": "Dedicated law enforcement"},
        {"ar": "وحدات شرطة مدرَّبة ومجهَّزة للتحقيق في الاعتداء على الأطفال عبر الإنترنت",
         "en": "Trained, equipped police units that investigate online abuse of children"}),
    5: ("justice", {"ar": "القضاء والنيابة العامة", "en": "Judiciary and prosecutors"},
        {"ar": "قضاة ووكلاء نيابة مدرَّبون على نظر هذه القضايا بما يراعي مصلحة الطفل",
         "en": "Judges and prosecutors trained to handle these cases with the child's interests in mind"}),
    6: ("justice", {"ar": "إدارة الجناة", "en": "Offender management process"},
        {"ar": "متابعة المدانين والإشراف عليهم لمنع عودتهم إلى الجريمة",
         "en": "Supervising convicted offenders to prevent re-offending"}),
    7: ("justice", {"ar": "النفاذ إلى قواعد بيانات الصور", "en": "Access to image databases"},
        {"ar": "ربط الشرطة بقواعد بيانات وطنية ودولية لصور الاعتداء (مثل قاعدة ICSE لدى الإنتربول) لتحديد هوية الضحايا",
         "en": "Police connected to national and international databases of abuse images (such as INTERPOL's "
               "ICSE) to identify victims"}),
    8: ("victim", {"ar": "دعم متكامل من البداية إلى النهاية", "en": "End-to-end support"},
        {"ar": "دعم مخطَّط ومتكامل للطفل من أول بلاغ، مرورًا بالتحقيق والمحاكمة، وإلى ما بعدهما",
         "en": "Planned, integrated support for the child from the first report, through the investigation and "
               "proceedings, and beyond"}),
    9: ("victim", {"ar": "كوادر حماية الطفل", "en": "Child protection workforce"},
        {"ar": "عدد كافٍ من الأخصائيين الاجتماعيين والعاملين المدرَّبين في حماية الطفل",
         "en": "Enough trained social workers and child protection staff"}),
    10: ("victim", {"ar": "التعويض وسبل الانتصاف والشكاوى", "en": "Compensation, remedies and complaints"},
         {"ar": "ترتيبات تتيح للطفل وأسرته التعويض وسبل الانتصاف وتقديم الشكاوى",
          "en": "Arrangements that give the child and family compensation, remedies and a way to complain"}),
    11: ("victim", {"ar": "خط نجدة الطفل", "en": "Child helpline"},
         {"ar": "خط يتحدث إليه الأطفال بسرّية فيُصغى إليهم ويُحالون إلى المساعدة",
          "en": "A line where children talk in confidence, are listened to and are referred to help"}),
    12: ("societal", {"ar": "خط الإبلاغ عن مواد الاعتداء (hotline)", "en": "CSEA hotline"},
         {"ar": "خدمة يبلّغ فيها الجمهور عن مواد الاعتداء الجنسي على الأطفال التي يجدها على الإنترنت لكي تُزال",
          "en": "A service where the public reports child sexual abuse material found online so that it is removed"}),
    13: ("societal", {"ar": "برنامج تعليمي", "en": "Education programme"},
         {"ar": "تعليم الأطفال والأهل والمهنيين مخاطرَ الإنترنت وأين يطلبون المساعدة",
          "en": "Teaching children, parents and professionals about online risks and where to get help"}),
    14: ("societal", {"ar": "مشاركة الأطفال", "en": "Child participation"},
         {"ar": "آراء الأطفال تُسهم في تشكيل السياسات والخدمات الموجّهة إليهم",
          "en": "Children's views shape the policies and services meant for them"}),
    15: ("societal", {"ar": "أنظمة دعم للوقاية من ارتكاب الجرم", "en": "Offender support systems"},
         {"ar": "مساعدة من يُخشى أن يعتدوا على الأطفال قبل أن يرتكبوا الجرم",
          "en": "Help for people at risk of offending against children, before they offend"}),
    16: ("industry", {"ar": "إجراءات الإزالة", "en": "Takedown procedures"},
         {"ar": "الشركات تزيل مواد الاعتداء بسرعة بعد الإبلاغ عنها",
          "en": "Companies remove abuse material quickly once it is reported"}),
    17: ("industry", {"ar": "إبلاغ الشركات", "en": "CSEA reporting"},
         {"ar": "الشركات تكتشف الاعتداء على خدماتها وتبلّغ السلطات عنه",
          "en": "Companies detect abuse on their services and report it to the authorities"}),
    18: ("industry", {"ar": "تطوير حلول مبتكرة", "en": "Innovative solution development"},
         {"ar": "الشركات تطوّر أدوات تقنية لاكتشاف الاعتداء ومنعه",
          "en": "Companies build technical tools to detect and prevent abuse"}),
    19: ("industry", {"ar": "المسؤولية الاجتماعية للشركات", "en": "Corporate social responsibility"},
         {"ar": "الشركات تجعل حماية الطفل جزءًا من سياساتها ومنتجاتها",
          "en": "Companies make child protection part of their policies and products"}),
    20: ("media", {"ar": "تغطية إعلامية أخلاقية ومستنيرة", "en": "Ethical and informed media reporting"},
         {"ar": "الصحفيون يغطّون القضايا دون كشف هوية الأطفال المعنيين أو إيذائهم",
          "en": "Journalists cover cases without exposing or harming the children involved"}),
    21: ("media", {"ar": "مصطلحات موحّدة", "en": "Universal terminology"},
         {"ar": "مصطلحات مشتركة، مثل «مواد الاعتداء الجنسي على الأطفال» بدل «المواد الإباحية للأطفال»",
          "en": "Shared terms, such as \"child sexual abuse material\" instead of \"child pornography\""}),
}

#: How many capabilities a trainee classifies: one from each domain, then two more.
N_CAPABILITIES = len(MNR_DOMAINS) + 2


def _streams(trainee):
    """Independent streams from the module's seed: one per data set."""
    return rng(MODULE, trainee).spawn(3)


def interview_questions(trainee: str | None = None) -> dict:
    """Eight interviewer questions, two of each type, in a seeded order.

    Fields: ``items`` (``k1``… → bilingual question, in the order shown),
    ``types`` (``k1``… → question type, the key of the classification item),
    ``bank_ids`` (the bank id of each shown question, in order).
    """
    gen = _streams(trainee)[0]
    chosen = []
    for qtype in QUESTION_TYPES:
        of_type = [qid for qid, (t, _) in QUESTIONS.items() if t == qtype]
        chosen += [of_type[int(i)] for i in gen.choice(len(of_type), PER_TYPE, replace=False)]
    shown = [chosen[int(i)] for i in gen.permutation(len(chosen))]
    return {
        "items": {f"k{n + 1}": dict(QUESTIONS[qid][1]) for n, qid in enumerate(shown)},
        "types": {f"k{n + 1}": QUESTIONS[qid][0] for n, qid in enumerate(shown)},
        "bank_ids": shown,
    }


def referrals(trainee: str | None = None) -> dict:
    """Six situations: one for each service, then one more, in a seeded order.

    Fields: ``items`` (``s1``… → bilingual situation), ``agencies`` (``s1``… →
    the service that must act first, the key of the matching item), ``bank_ids``.
    """
    gen = _streams(trainee)[1]
    chosen = []
    for agency in AGENCIES:
        of_agency = [sid for sid, (a, _) in SITUATIONS.items() if a == agency]
        chosen.append(of_agency[int(gen.integers(len(of_agency)))])
    rest = [sid for sid in SITUATIONS if sid not in chosen]
    chosen.append(rest[int(gen.integers(len(rest)))])
    shown = [chosen[int(i)] for i in gen.permutation(len(chosen))]
    return {
        "items": {f"s{n + 1}": dict(SITUATIONS[sid][1]) for n, sid in enumerate(shown)},
        "agencies": {f"s{n + 1}": SITUATIONS[sid][0] for n, sid in enumerate(shown)},
        "bank_ids": shown,
    }


def mnr_capabilities(trainee: str | None = None) -> dict:
    """Eight of the 21 MNR capabilities, at least one from each domain, in a seeded order.

    Each is shown as what it looks like in practice (its description), not by
    its number.  Fields: ``items`` (``c1``… → bilingual description),
    ``domains`` (``c1``… → domain, the key of the classification item),
    ``numbers`` (the capability number of each shown item, in order).
    """
    gen = _streams(trainee)[2]
    chosen = []
    for domain in MNR_DOMAINS:
        of_domain = [n for n, (d, _, _) in MNR_CAPABILITIES.items() if d == domain]
        chosen.append(of_domain[int(gen.integers(len(of_domain)))])
    rest = [n for n in MNR_CAPABILITIES if n not in chosen]
    chosen += [rest[int(i)] for i in gen.choice(len(rest), N_CAPABILITIES - len(chosen), replace=False)]
    shown = [chosen[int(i)] for i in gen.permutation(len(chosen))]
    return {
        "items": {f"c{n + 1}": dict(MNR_CAPABILITIES[num][2]) for n, num in enumerate(shown)},
        "domains": {f"c{n + 1}": MNR_CAPABILITIES[num][0] for n, num in enumerate(shown)},
        "numbers": shown,
    }


# ---------------------------------------------------------------- figure

#: The services around the child in the figure: name and what they do, clockwise from the top (English).
CIRCLE = [
    ("police", {"ar": "الشرطة (الوحدة المتخصصة)", "en": "Police (specialised unit)"},
     {"ar": "التحقيق وحفظ الأدلة", "en": "investigation, evidence"}),
    ("justice", {"ar": "النيابة العامة والقضاء", "en": "Prosecution and courts"},
     {"ar": "الإجراءات والأوامر القضائية", "en": "proceedings, court orders"}),
    ("social", {"ar": "حماية الطفل والخدمات الاجتماعية", "en": "Child protection, social services"},
     {"ar": "الأمان في البيت وخطة الرعاية", "en": "safety at home, care plan"}),
    ("health", {"ar": "الخدمات الصحية", "en": "Health services"},
     {"ar": "العلاج والدعم النفسي", "en": "treatment, mental health"}),
    ("school", {"ar": "المدرسة", "en": "School"},
     {"ar": "الدعم والوقاية", "en": "support, prevention"}),
    ("ngo", {"ar": "المنظمات غير الحكومية وخطوط نجدة الطفل", "en": "NGOs and child helplines"},
     {"ar": "الإصغاء والإرشاد والإحالة", "en": "listening, counselling, referral"}),
    ("industry", {"ar": "المنصات وشركات التقنية", "en": "Platforms and tech companies"},
     {"ar": "الإبلاغ والإزالة والتحفّظ على البيانات", "en": "reporting, takedown, preserving data"}),
]

CENTRE = {"ar": "الطفل\nوأسرته", "en": "The child\nand family"}
#: Border colours of the boxes (the course palette without its pale yellow).
BOX_COLOURS = [PALETTE[i] for i in (0, 1, 2, 3, 4, 5, 7)]
FIGURE_TITLE = {"ar": "من يعمل حول الطفل؟ خطة واحدة مشتركة", "en": "Who works around the child? One shared plan"}
FIGURE_NOTE = {"ar": "كل جهة تؤدي دورها، ويروي الطفل ما حدث أقلّ عدد ممكن من المرات",
               "en": "Each service plays its part; the child tells what happened as few times as possible"}


def agencies_figure(lang: str | None = None):
    """The services around the child: a ring of labelled boxes joined to the centre.

    In Arabic the ring runs counter-clockwise from the top, mirroring the
    English figure, so the reading order follows the text's direction.
    """
    import math

    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle

    lang = lang or settings.language
    use_course_style()
    fig, ax = plt.subplots(figsize=(8.6, 5.8), layout="constrained")
    ax.set_xlim(-1.55, 1.55)
    ax.set_ylim(-1.18, 1.18)
    ax.set_aspect("equal")
    ax.axis("off")
    side = -1 if lang == "ar" else 1
    n = len(CIRCLE)
    for i, (key, name, role) in enumerate(CIRCLE):
        angle = math.pi / 2 - side * 2 * math.pi * i / n
        x, y = 1.02 * math.cos(angle), 0.93 * math.sin(angle)
        colour = BOX_COLOURS[i % len(BOX_COLOURS)]
        ax.annotate("", xy=(0.80 * x, 0.80 * y), xytext=(0.33 * x, 0.33 * y),
                    arrowprops={"arrowstyle": "<->", "color": "#888888", "linewidth": 1.2})
        ax.text(x, y, f"{pick(name, lang)}\n{pick(role, lang)}", ha="center", va="center", fontsize=9.5,
                gid=f"agency-{key}",
                bbox={"boxstyle": "round,pad=0.45", "facecolor": "white", "edgecolor": colour, "linewidth": 2})
    ax.add_patch(Circle((0, 0), 0.28, facecolor="#FFF4D6", edgecolor="#888888", linewidth=2))
    ax.text(0, 0, pick(CENTRE, lang), ha="center", va="center", fontsize=12, fontweight="bold", gid="centre",
            linespacing=1.4)
    ax.set_title(pick(FIGURE_TITLE, lang), fontsize=12)
    footnote(fig, FIGURE_NOTE, lang, fontsize=9)
    return fig
