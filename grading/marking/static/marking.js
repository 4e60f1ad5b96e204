// Himaya's grading page: one written item across the cohort, criteria on the keyboard.
// Everything a trainee wrote is put into the page with textContent only: no HTML, no Markdown.
"use strict";
(function () {
  const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
  const BASE = meta("himaya-base"), XSRF = meta("himaya-xsrf");
  const TEXT = {
    en: {
      title: "Written answers", item: "Item", prompt: "Question", answer: "Trainee's answer", rubric: "Criteria",
      notes: "Notes for graders", adjustment: "Adjustment (±)", reason: "Reason for the adjustment",
      comment: "Comment to the trainee (optional)", score: "Score:", prev: "Previous", save: "Save and next",
      next: "Next", ungraded: "Next ungraded", reveal: "Reveal", similar: "Similar answers together",
      keys: "Keys: 1–9 tick or untick a criterion · Enter saves and moves on · ← → previous and next · " +
        "A adjustment · C comment · S similar answers together · in a text box, Enter (Ctrl+Enter in the comment) saves and moves on, Esc leaves it",
      progress: (g, n) => `graded ${g} of ${n}`, position: (p, n) => `Answer ${p} of ${n}`,
      graded: "graded", waiting: "not graded yet", elsewhere: "graded in formgrader", held: "another grader has it open",
      again: "to grade again: the rubric changed",
      settle: "Next disagreement", noSettle: "No disagreement to settle in this item.",
      blind: "second marking: grade it on your own (the first mark stays hidden)", second: "your second marking is saved",
      disagree: "the two markings differ: choose the criteria and save to settle", settled: "settled",
      twice: (d, n, k) => ` · second markings ${d} of ${n}` + (k ? ` · ${k} to settle` : ""),
      mark: (role, who, met, s) => `${role === "first" ? "First" : "Second"} marking (${who}): criteria ` +
        `${met.length ? met.join(", ") : "none"}, score ${s}`,
      waitingAgain: (n) => `${n === 1 ? "1 answer waits" : `${n} answers wait`} for a grader to look again after a ` +
        "criterion was removed, added or renumbered; \"Next ungraded\" brings them.",
      before: (why, met, s) => `The rubric changed since this answer was graded (${why}). Graded before: ` +
        `${met.length ? met.join("; ") : "no criterion met"}, score ${s}. Choose the criteria again and save.`,
      saved: (s, m) => `Saved: ${s} / ${m}.`, done: "Every answer to this item is graded.",
      kept: (s) => `Nothing chosen here: the grade given in formgrader (${s}) is kept.`,
      replaced: (met, s) => `Graded in formgrader (${s}) after your marking here (criteria ` +
        `${met.length ? met.join(", ") : "none"}). Enter keeps formgrader's grade; choose criteria to replace it.`,
      others: "The answers left are open with other graders; one comes back to you if it is not saved in time.",
      none: "No written answers to grade yet: collect and autograde the module first.",
      pt: (p) => (p === 1 ? "1 pt" : `${p} pts`), choose: "Choose an item", of: (s, m) => `${s} / ${m}`,
    },
    ar: {
      title: "الإجابات المكتوبة", item: "السؤال", prompt: "نص السؤال", answer: "إجابة المتدرّب", rubric: "المعايير",
      notes: "ملاحظات للمقيّمين", adjustment: "تعديل الدرجة (±)", reason: "سبب التعديل",
      comment: "تعليق للمتدرّب (اختياري)", score: "الدرجة:", prev: "السابقة", save: "احفظ وانتقل",
      next: "التالية", ungraded: "التالية غير المقيّمة", reveal: "أظهر الاسم", similar: "الإجابات المتشابهة معًا",
      keys: "المفاتيح: 1–9 تحديد المعيار أو إلغاؤه · Enter يحفظ وينتقل · → ← السابقة والتالية · " +
        "A تعديل الدرجة · C التعليق · S الإجابات المتشابهة معًا · في مربع نص: Enter (وCtrl+Enter في التعليق) يحفظ وينتقل، وEsc يخرج منه",
      progress: (g, n) => `قُيّمت ${g} من ${n}`, position: (p, n) => `الإجابة ${p} من ${n}`,
      graded: "مقيّمة", waiting: "لم تُقيَّم بعد", elsewhere: "قُيّمت في formgrader", held: "يفتحها مقيّم آخر الآن",
      again: "تُقيَّم من جديد: تغيّرت المعايير",
      settle: "الخلاف التالي", noSettle: "لا خلاف يحتاج إلى حسم في هذا السؤال.",
      blind: "تصحيح ثانٍ: قيّمها بنفسك (التصحيح الأول مخفي)", second: "حُفظ تصحيحك الثاني",
      disagree: "التصحيحان مختلفان: اختر المعايير واحفظ لحسم الخلاف", settled: "حُسم الخلاف",
      twice: (d, n, k) => ` · التصحيح الثاني ${d} من ${n}` + (k ? ` · ${k} للحسم` : ""),
      mark: (role, who, met, s) => `${role === "first" ? "التصحيح الأول" : "التصحيح الثاني"} (${who}): المعايير ` +
        `${met.length ? met.join("، ") : "لا شيء"}، الدرجة ${s}`,
      waitingAgain: (n) => `إجابات تنتظر مقيّمًا يراجعها بعد حذف معيار أو إضافته أو تغيير رقمه: ${n}؛ ` +
        "يأتي بها زر «التالية غير المقيّمة».",
      before: (why, met, s) => `تغيّرت المعايير منذ تقييم هذه الإجابة (${why}). التقييم السابق: ` +
        `${met.length ? met.join("؛ ") : "لم يُستوفَ أي معيار"}، والدرجة ${s}. اختر المعايير من جديد واحفظ.`,
      saved: (s, m) => `حُفظت: ${s} من ${m}.`, done: "قُيّمت كل الإجابات عن هذا السؤال.",
      kept: (s) => `لم يُختر شيء هنا: بقيت الدرجة المعطاة في formgrader (${s}).`,
      replaced: (met, s) => `قُيّمت في formgrader (${s}) بعد تقييمك هنا (المعايير ` +
        `${met.length ? met.join("، ") : "لا شيء"}). يُبقي Enter درجة formgrader؛ اختر المعايير لتحلّ محلها.`,
      others: "الإجابات المتبقية مفتوحة لدى مقيّمين آخرين، وتعود إليك إن لم تُحفظ في الوقت المحدد.",
      none: "لا إجابات مكتوبة للتقييم بعد: اجمع الوحدة وصحّحها آليًا أولًا.",
      pt: (p) => (p === 1 ? "درجة واحدة" : `${p} درجات`), choose: "اختر سؤالًا", of: (s, m) => `${s} من ${m}`,
    },
  };
  const $ = (id) => document.getElementById(id);
  // arrangement: "random" (each grader's own stable order) or "similar" (similar answers side by side)
  const state = { lang: localStorage.getItem("himaya-marking-lang") || "ar", items: [], item: null, order: [],
                  arrangement: localStorage.getItem("himaya-marking-order") === "similar" ? "similar" : "random",
                  index: 0, view: null, met: new Set(), busy: false };
  const t = (key, ...args) => { const v = TEXT[state.lang][key]; return typeof v === "function" ? v(...args) : v; };
  const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/g;
  const LATIN = /[A-Za-z]/g;
  const direction = (text) => ((text.match(ARABIC) || []).length >= (text.match(LATIN) || []).length ? "rtl" : "ltr");
  const number = (x) => (Math.round(x * 100) / 100).toString();
  const plain = (md) => md.replace(/\*\*/g, "").replace(/(^|\s)\*(\S[^*]*)\*/g, "$1$2");

  async function api(path, method = "GET", body) {
    const query = path.startsWith("items/") ? `${path.includes("?") ? "&" : "?"}order=${state.arrangement}` : "";  // the grader's order
    const response = await fetch(`${BASE}/api/${path}${query}`, {
      method, credentials: "same-origin",
      headers: { "X-XSRFToken": XSRF, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || data.reason || `${response.status}`);
    return data;
  }
  function say(text, ok = false) {
    $("message").textContent = text;
    $("message").className = ok ? "message ok" : "message";
  }
  const itemPath = () => `items/${state.item.module}/${state.item.item}`;
  // what the server says about the whole item (a rubric that changed, points that differ): kept while it is open
  function showNotice() {
    const data = state.itemData || {}, lines = [...(data.warnings || [])];
    const changed = data.rubric_changes;
    if (changed && changed.checked) lines.unshift(changed.message[state.lang]);
    if (changed && changed.waiting && !changed.review) lines.push(t("waitingAgain", changed.waiting));  // from before
    $("notice").textContent = lines.join(" ");
    $("notice").hidden = !lines.length;
  }

  // -- the interface's language ------------------------------------------------------------
  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.documentElement.dir = state.lang === "ar" ? "rtl" : "ltr";
    document.querySelectorAll("[data-t]").forEach((e) => { e.textContent = t(e.dataset.t); });
    document.querySelectorAll(".lang").forEach((b) => b.setAttribute("aria-pressed", b.dataset.lang === state.lang));
    $("arrangement").setAttribute("aria-pressed", state.arrangement === "similar");
    document.title = `Himaya · ${t("title")}`;
    fillItems();
    showNotice();
    if (state.rubric) showRubric();
    if (state.view) showAnswer(state.view, false);
  }

  function fillItems() {
    const select = $("item"), chosen = select.value;
    select.replaceChildren();
    const first = new Option(t("choose"), "");
    first.disabled = true;
    select.add(first);
    for (const it of state.items) {
      const option = new Option(`${it.item} — ${(it.prompt[state.lang] || it.prompt.en || "").slice(0, 70)}…`,
                                `${it.module}/${it.item}`);
      select.add(option);
    }
    select.value = chosen || (state.item ? `${state.item.module}/${state.item.item}` : "");
  }

  // -- the rubric -------------------------------------------------------------------------------
  function showRubric() {
    const list = $("criteria");
    list.replaceChildren();
    for (const c of state.rubric.criteria) {
      const li = document.createElement("li");
      li.dataset.number = c.number;
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = state.met.has(c.number);
      box.addEventListener("change", () => toggle(c.number, box.checked));
      const key = document.createElement("kbd");
      key.textContent = c.number;
      const head = document.createElement("span");
      head.className = "head";
      const title = document.createElement("b");
      title.textContent = state.lang === "ar" ? t("pt", c.points) : `${t("pt", c.points)} — ${c.title}`;
      head.append(title);
      const text = document.createElement("span");
      text.className = "text";
      text.lang = state.lang;
      text.textContent = plain(state.lang === "ar" ? c.ar.replace(/^[^:]{0,20}:\s*/, "") : c.en);
      label.append(box, key, head, text);
      li.append(label);
      li.classList.toggle("met", state.met.has(c.number));
      list.append(li);
    }
    $("notes-text").replaceChildren(...state.rubric.notes.filter((n) => direction(n) === (state.lang === "ar" ? "rtl" : "ltr"))
      .map((n) => { const p = document.createElement("p"); p.textContent = plain(n); return p; }));
    $("prompt").textContent = state.prompt[state.lang] || state.prompt.en || "";
    showScore();
  }

  function toggle(n, on) {
    if (!state.rubric.criteria.some((c) => c.number === n)) return;
    if (on === undefined) on = !state.met.has(n);
    if (on) state.met.add(n); else state.met.delete(n);
    const li = document.querySelector(`#criteria li[data-number="${n}"]`);
    li.classList.toggle("met", on);
    li.querySelector("input").checked = on;
    showScore();
  }

  function adjustment() {
    const raw = $("adjustment").value.trim().replace("−", "-").replace("٫", ".");
    return raw === "" ? 0 : Number(raw);
  }

  function showScore() {
    if (state.view && untouched()) {  // nothing chosen here: the grade that stays is formgrader's
      $("score").textContent = `${t("of", number(state.view.score), number(state.rubric.max_points))} (${t("elsewhere")})`;
      return;
    }
    const sum = state.rubric.criteria.filter((c) => state.met.has(c.number)).reduce((s, c) => s + c.points, 0);
    const adj = adjustment();
    const total = Math.min(state.rubric.max_points, Math.max(0, sum + (Number.isFinite(adj) ? adj : 0)));
    $("score").textContent = t("of", number(total), number(state.rubric.max_points));
  }

  // -- answers ------------------------------------------------------------------------------------
  function showProgress(p) {
    $("progress").textContent = t("progress", p.graded, p.total) +
      (p.second && p.second.total ? t("twice", p.second.done, p.second.total, p.to_settle) : "");
    $("progress").dataset.graded = p.graded;
    $("progress").dataset.total = p.total;
  }

  function showAnswer(view, fresh = true) {
    state.view = view;
    state.index = view.position - 1;
    if (fresh) {
      // choices saved under an earlier rubric: only criteria it still has; none when the rubric's criteria were
      // removed, added or renumbered since (the server says so in view.review): the grader chooses again
      const numbers = new Set(state.rubric.criteria.map((c) => c.number));
      // graded in formgrader after this page's marking: the form starts empty, so that Enter keeps formgrader's
      // grade; the marking made here is said, not ticked (ticked, Enter would put it back over formgrader's)
      const mine = view.marks && !view.graded_elsewhere ? view.marks : null;
      state.met = new Set((mine && !view.review ? mine.met : []).filter((n) => numbers.has(n)));
      $("adjustment").value = mine && mine.adjustment ? number(mine.adjustment) : "";
      $("reason").value = mine ? mine.reason : "";
      $("comment").value = mine ? mine.comment : "";
      say(view.review ? t("before", view.review[state.lang], view.review.before.met, number(view.review.before.score))
        : (view.marks && view.graded_elsewhere ? t("replaced", view.marks.met, number(view.score)) : ""));
      $("pseudonym").textContent = view.code;
      $("pseudonym").classList.remove("revealed");
      $("reveal").hidden = false;
    }
    $("position").textContent = t("position", view.position, state.order.length);
    const answer = $("answer");
    answer.textContent = view.text;            // inert: never innerHTML
    answer.dir = direction(view.text);
    answer.lang = view.lang;
    const status = view.graded ? (view.graded_elsewhere ? t("elsewhere") + `: ${number(view.score)}` : t("graded"))
                               : (view.held_by_other ? t("held") : (view.review ? t("again") : t("waiting")));
    // double marking (grading/marking/double.py): blind second marking, a disagreement to settle, settled
    const dbl = view.double || {};
    const doubled = { blind: t("blind"), second: t("second"), disagree: t("disagree"),
                      settled: `${t("settled")}: ${number(view.score)}` }[dbl.state];
    $("state").textContent = doubled || status;
    $("both").replaceChildren(...(dbl.both || []).map((m) => {
      const line = document.createElement("li");
      line.textContent = t("mark", m.role, m.grader, m.met, number(m.score)) + (m.reason ? ` (${m.reason})` : "");
      return line;
    }));
    $("both").hidden = !(dbl.both || []).length;
    $("state").className = `state ${view.graded ? "is-graded" : "is-waiting"}`;
    document.body.dataset.code = view.code;
    showRubric();
    showProgress(view.progress);
  }

  // nothing handed out: every answer graded, or the rest lent to other graders for now
  const finished = (progress) => (progress.graded < progress.total ? "others" : "done");

  async function open(code) {
    const view = await api(`${itemPath()}/answers/${code}`);
    showAnswer(view);
  }

  async function nextUngraded() {
    const found = await api(`${itemPath()}/next`, "POST");
    showProgress(found.progress);
    if (found.view) { showAnswer(found.view); return found.view; }  // sent with it: no second request
    if (found.code) return open(found.code);
    say(t(finished(found.progress)), true);
    return null;
  }

  async function nextToSettle() {
    const found = await api(`${itemPath()}/next?settle=1`, "POST");
    showProgress(found.progress);
    if (found.code) return open(found.code);
    say(t("noSettle"), true);
    return null;
  }

  async function step(delta) {
    const index = state.index + delta;
    if (index < 0 || index >= state.order.length) return;
    await open(state.order[index]);
  }

  async function save() {
    const adj = adjustment();
    const view = await api(`${itemPath()}/answers/${state.view.code}`, "PUT", {
      met: [...state.met].sort((a, b) => a - b), adjustment: Number.isFinite(adj) ? adj : $("adjustment").value,
      reason: $("reason").value, comment: $("comment").value,
    });
    state.view = view;
    showProgress(view.progress);
    return view;
  }

  // an answer graded in formgrader, with nothing chosen here: Enter moves on and keeps that grade (saving the empty
  // form would replace it with 0)
  function untouched() {
    return state.view.graded_elsewhere && !state.met.size && adjustment() === 0 && !$("reason").value.trim() &&
      !$("comment").value.trim();
  }

  async function saveAndNext() {
    if (untouched()) {
      const kept = state.view, left = await nextUngraded();
      say(t("kept", number(kept.score)) + (left === null ? ` ${t(finished(kept.progress))}` : ""), true);
      return;
    }
    const view = await save();
    const left = await nextUngraded();
    if (left === null) {
      showAnswer(view, false);
      say(`${t("saved", number(view.score), number(state.rubric.max_points))} ${t(finished(view.progress))}`, true);
    }
  }

  // one action at a time: a second key press while saving waits its turn, in order
  let queue = Promise.resolve();
  function run(action) {
    queue = queue.then(async () => {
      document.body.classList.add("busy");
      try { await action(); } catch (error) { say(error.message); }
      finally { document.body.classList.remove("busy"); }
    });
    return queue;
  }

  async function chooseItem(value) {
    const [module, item] = value.split("/");
    state.item = state.items.find((it) => it.module === module && it.item === item);
    const data = await api(itemPath());
    state.rubric = data.rubric;
    state.prompt = data.prompt;
    state.order = data.order;
    state.view = null;
    state.itemData = data;
    showNotice();
    showProgress(data.progress);
    if (!data.order.length) {
      $("work").hidden = true;
      $("empty").hidden = false;
      $("empty").textContent = t("none");
      return;
    }
    $("empty").hidden = true;
    $("work").hidden = false;
    const found = await nextUngraded();   // resumes: the grader's own open answer first
    if (found === null) await open(data.order[0]);
    document.activeElement && document.activeElement.blur();
  }

  // similar answers together, or not: the same answer stays open, the order around it changes
  async function arrange(how) {
    state.arrangement = how;
    localStorage.setItem("himaya-marking-order", how);
    $("arrangement").setAttribute("aria-pressed", how === "similar");
    document.body.dataset.order = how;
    if (!state.item) return;
    const data = await api(itemPath());
    state.order = data.order;
    if (state.view) await open(state.view.code);
  }
  const toggleArrangement = () => run(() => arrange(state.arrangement === "similar" ? "random" : "similar"));

  // -- the keyboard ----------------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if (!state.view || event.altKey) return;
    const field = event.target.closest && event.target.closest("input[type=text], textarea, select");
    if (field) {
      if (event.key === "Escape") { field.blur(); event.preventDefault(); }
      else if (event.key === "Enter" && (field.tagName === "INPUT" || event.ctrlKey || event.metaKey)) {
        event.preventDefault(); field.blur(); run(saveAndNext);
      } else if (field.tagName === "INPUT" && field.id === "adjustment") { setTimeout(showScore); }
      return;
    }
    if (event.ctrlKey || event.metaKey) return;
    const rtl = document.documentElement.dir === "rtl";
    // every key waits its turn: a criterion typed while the next answer loads applies to that answer
    if (/^[1-9]$/.test(event.key)) { event.preventDefault(); const n = Number(event.key); run(async () => toggle(n)); }
    else if (event.key === "a" || event.key === "ش") { event.preventDefault(); $("adjustment").focus(); }
    else if (event.key === "c" || event.key === "ؤ") { event.preventDefault(); $("comment").focus(); }
    else if (event.key === "s" || event.key === "س") { event.preventDefault(); toggleArrangement(); }
    else if (event.key === "Enter") { event.preventDefault(); run(saveAndNext); }
    else if (event.key === "ArrowRight") { event.preventDefault(); run(() => step(rtl ? -1 : 1)); }
    else if (event.key === "ArrowLeft") { event.preventDefault(); run(() => step(rtl ? 1 : -1)); }
  });
  // the score line shows what Enter will save (on an answer graded in formgrader, typing here replaces its grade)
  for (const box of ["adjustment", "reason", "comment"]) $(box).addEventListener("input", showScore);

  // -- buttons -------------------------------------------------------------------------------------------
  $("item").addEventListener("change", (e) => run(() => chooseItem(e.target.value)));
  $("save").addEventListener("click", () => run(saveAndNext));
  $("prev").addEventListener("click", () => run(() => step(-1)));
  $("next").addEventListener("click", () => run(() => step(1)));
  $("ungraded").addEventListener("click", () => run(nextUngraded));
  $("settle").addEventListener("click", () => run(nextToSettle));
  $("arrangement").addEventListener("click", (e) => { toggleArrangement(); e.currentTarget.blur(); });
  $("reveal").addEventListener("click", () => run(async () => {
    const found = await api(`${itemPath()}/answers/${state.view.code}/reveal`, "POST");
    $("pseudonym").textContent = found.trainee;
    $("pseudonym").classList.add("revealed");
    $("reveal").hidden = true;
  }));
  document.querySelectorAll(".lang").forEach((b) => b.addEventListener("click", () => {
    state.lang = b.dataset.lang;
    localStorage.setItem("himaya-marking-lang", state.lang);
    applyLanguage();
    b.blur();
  }));

  // -- start: ?lang=ar|en, and #module/item opens that item ----------------------------------------
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "ar" || asked === "en") state.lang = asked;
  const askedOrder = new URLSearchParams(location.search).get("order");
  if (askedOrder === "similar" || askedOrder === "random") state.arrangement = askedOrder;
  document.body.dataset.order = state.arrangement;
  run(async () => {
    const data = await api("items");
    state.items = data.items;
    applyLanguage();
    const wanted = decodeURIComponent(location.hash.slice(1));
    if (state.items.some((it) => `${it.module}/${it.item}` === wanted)) {
      $("item").value = wanted;
      await chooseItem(wanted);
    }
    document.body.dataset.ready = "true";
  });
})();
