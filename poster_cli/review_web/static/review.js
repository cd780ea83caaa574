// poster-cli review --web: the page. Plain JavaScript, no build step, nothing from the network but
// this server. Every decision is sent at once; the server writes it to mapping.toml under the
// data folder's lock, only if the item is still as this page showed it (else 409: reload).
"use strict";

const T = {
  en: {
    title: "Site items ↔ Poster menu", status: "Status", category: "Category", all: "all", any: "any",
    find_item: "Site item", find_item_ph: "name or id", bulk_label: "Accept the best candidate where score ≥",
    bulk_go: "Accept all", no_items: "No site items here.",
    keys: "1–9 choose · n no counterpart · s skip · u undo · / search the menu · j/k move",
    st_auto: "auto", st_confirmed: "confirmed", st_manual: "manual", st_unmatched: "unmatched", st_ignored: "ignored",
    n_all: "items", n_open: "to decide",
    hidden: "hidden", not_at_spot: "not at spot", score: "score", linked_to: "linked to",
    none: "No counterpart", skip: "Skip", undo: "Undo", search: "Search the menu", search_ph: "search the whole Poster menu",
    no_cands: "No candidates scored high enough: search the menu (/) or say there is no counterpart (n).",
    found_for: "Menu search results for", nothing_found: "Nothing like that in the menu.",
    page: "page", of: "of", saved: "Saved", undone: "Undone", nothing_undo: "Nothing to undo.",
    changed: "This item was changed elsewhere (another tab, the terminal or sync); here is what it is now.",
    bulk_confirm: "Accept the best candidate for {n} items?", bulk_none: "No item waiting for a decision has a best candidate at that score (or it is taken).",
    accepted: "Accepted {n} items.", busy: "Busy: ", error: "Error: ", session: "The session ended: open the link poster-cli printed.",
    skipped: "Skipped", best: "best",
  },
  uk: {
    title: "Товари сайту ↔ меню Poster", status: "Статус", category: "Категорія", all: "усі", any: "будь-яка",
    find_item: "Товар сайту", find_item_ph: "назва або код", bulk_label: "Прийняти найкращий варіант, де оцінка ≥",
    bulk_go: "Прийняти все", no_items: "Тут немає товарів.",
    keys: "1–9 вибрати · n немає відповідника · s пропустити · u скасувати · / пошук у меню · j/k рух",
    st_auto: "авто", st_confirmed: "підтверджено", st_manual: "вручну", st_unmatched: "не зіставлено", st_ignored: "без відповідника",
    n_all: "товарів", n_open: "чекають рішення",
    hidden: "прихований", not_at_spot: "немає в закладі", score: "оцінка", linked_to: "пов'язано з",
    none: "Немає відповідника", skip: "Пропустити", undo: "Скасувати", search: "Пошук у меню", search_ph: "пошук по всьому меню Poster",
    no_cands: "Немає варіантів з достатньою оцінкою: знайдіть у меню (/) або вкажіть, що відповідника немає (n).",
    found_for: "Знайдено в меню для", nothing_found: "У меню нічого схожого.",
    page: "сторінка", of: "з", saved: "Збережено", undone: "Скасовано", nothing_undo: "Нічого скасовувати.",
    changed: "Цей товар змінили деінде (інша вкладка, термінал чи sync); ось як він виглядає зараз.",
    bulk_confirm: "Прийняти найкращий варіант для {n} товарів?", bulk_none: "Жоден товар, що чекає рішення, не має варіанта з такою оцінкою (або його вже зайнято).",
    accepted: "Прийнято {n} товарів.", busy: "Зайнято: ", error: "Помилка: ", session: "Сеанс завершено: відкрийте посилання, яке надрукувала poster-cli.",
    skipped: "Пропущено", best: "найкращий",
  },
};
const STATUSES = ["unmatched", "auto", "confirmed", "manual", "ignored"];

let lang = localStorage.getItem("poster-review-lang") || ((navigator.language || "").startsWith("uk") ? "uk" : "en");
const view = { status: "all", category: "", q: "", page: 0 };
let data = null;           // the last page from /api/items
let focusId = null;        // the focused site item
let searchFor = null;      // { id, text, candidates } while a menu search is shown
let busy = false;
let undoStack = JSON.parse(sessionStorage.getItem("poster-review-undo") || "[]");

const $ = (id) => document.getElementById(id);
const t = (key) => T[lang][key] || T.en[key] || key;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function price(kopecks) {
  if (kopecks === null || kopecks === undefined) return "";
  const whole = Math.trunc(kopecks / 100), cents = Math.abs(kopecks % 100);
  return `${whole}.${String(cents).padStart(2, "0")}`;
}

function say(text, isError) {
  const m = $("message");
  m.textContent = text;
  m.className = isError ? "error" : "";
}

function saveUndo() {
  sessionStorage.setItem("poster-review-undo", JSON.stringify(undoStack.slice(-200)));
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, { credentials: "same-origin", ...options });
  let payload = {};
  try { payload = await response.json(); } catch (e) { payload = {}; }
  if (response.status === 401 || response.status === 403) {
    say(t("session"), true);
  } else if (response.status === 503) {
    say(t("busy") + (payload.error || ""), true);
  } else if (response.status >= 400 && response.status !== 409) {
    say(t("error") + (payload.error || response.status), true);
  }
  return { status: response.status, data: payload };
}

function query(extra) {
  const p = new URLSearchParams({ status: view.status, category: view.category, q: view.q, page: String(view.page), ...extra });
  return "/api/items?" + p.toString();
}

async function load(focus) {
  const extra = focus ? { focus } : {};
  const r = await api(query(extra));
  if (r.status !== 200) return;
  data = r.data;
  view.page = data.page;
  if (data.focus) focusId = data.focus;
  else if (!data.items.some((i) => i.local_id === focusId)) focusId = data.items.length ? data.items[0].local_id : null;
  if (searchFor && searchFor.id !== focusId) searchFor = null;
  render();
}

function current() {
  return data ? data.items.find((i) => i.local_id === focusId) : null;
}

function shownCandidates(item) {
  return searchFor && searchFor.id === item.local_id ? searchFor.candidates : item.candidates;
}

function renderCounts() {
  const box = $("counts");
  box.replaceChildren();
  if (!data) return;
  const c = data.counts;
  box.append(el("span", {}, el("b", { text: String(c.all) }), " " + t("n_all")));
  box.append(el("span", { id: "open-count" }, el("b", { text: String(c.unmatched) }), " " + t("n_open")));
  for (const s of STATUSES.slice(1)) box.append(el("span", { class: "count-" + s }, el("b", { text: String(c[s]) }), " " + t("st_" + s)));
}

function renderCandidate(item, c, n) {
  const marks = [];
  if (c.hidden) marks.push(el("span", { class: "mark", text: t("hidden") }));
  if (!c.visible) marks.push(el("span", { class: "mark", text: t("not_at_spot") }));
  const details = [c.category, price(c.price), c.size].filter((x) => x).join(" · ");
  const button = el("button", { type: "button", "data-n": String(n), onclick: () => choose(n) },
    el("span", { class: "num", text: String(n) }),
    el("span", {}, el("span", { class: "cname", text: c.name }), ...marks, details ? el("span", { class: "meta", text: " · " + details }) : null),
    el("span", { class: "score", title: t("score"), text: String(Math.round(c.score)) }),
    el("span", { class: "why", text: c.reason }));
  return el("li", { class: "cand" + (c.linked ? " linked" : "") }, button);
}

function renderDetail(item) {
  const detail = el("div", { class: "detail" });
  const cands = shownCandidates(item);
  if (searchFor && searchFor.id === item.local_id) {
    detail.append(el("p", { class: "searching", text: `${t("found_for")} “${searchFor.text}”` }));
  }
  if (cands.length) {
    detail.append(el("ol", { class: "cands" }, ...cands.slice(0, 9).map((c, i) => renderCandidate(item, c, i + 1))));
  } else {
    detail.append(el("p", { class: "none-found", text: searchFor && searchFor.id === item.local_id ? t("nothing_found") : t("no_cands") }));
  }
  const input = el("input", { type: "search", id: "menu-search", autocomplete: "off", placeholder: t("search_ph"), "aria-label": t("search") });
  if (searchFor && searchFor.id === item.local_id) input.value = searchFor.text;
  const form = el("form", { class: "find", onsubmit: (e) => { e.preventDefault(); search(input.value); } },
    input, el("button", { type: "submit", text: t("search") }));
  detail.append(form);
  detail.append(el("div", { class: "actions" },
    el("button", { type: "button", class: "act-none", onclick: () => noCounterpart() }, el("kbd", { text: "n" }), " " + t("none")),
    el("button", { type: "button", class: "act-skip", onclick: () => skip() }, el("kbd", { text: "s" }), " " + t("skip")),
    el("button", { type: "button", class: "act-undo", onclick: () => undo() }, el("kbd", { text: "u" }), " " + t("undo"))));
  return detail;
}

function renderItem(item) {
  const focused = item.local_id === focusId;
  const meta = [item.local_id, item.category, price(item.price)].filter((x) => x).join(" · ");
  const head = el("div", { class: "head", onclick: () => { focusId = item.local_id; searchFor = null; render(); } },
    el("span", { class: "badge " + item.status, text: t("st_" + item.status) }),
    el("span", { class: "name", text: item.name }),
    el("span", { class: "meta", text: meta }));
  if (item.link) {
    const score = item.link.score === null || item.link.score === undefined ? "" : ` (${Math.round(item.link.score)})`;
    head.append(el("span", { class: "linkto" }, "→ ", el("b", { text: item.link.name }), score));
  } else if (!focused && item.status === "unmatched" && item.candidates.length) {
    const best = item.candidates[0];
    head.append(el("span", { class: "linkto best" }, t("best") + ": ", el("b", { text: best.name }), ` (${Math.round(best.score)})`));
  }
  const li = el("li", { class: "item" + (focused ? " focused" : ""), "data-id": item.local_id, "data-status": item.status }, head);
  if (focused) li.append(renderDetail(item));
  return li;
}

function render() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const node of document.querySelectorAll("[data-tp]")) node.placeholder = t(node.dataset.tp);
  $("lang").textContent = lang === "uk" ? "EN" : "УКР";
  renderCounts();
  if (!data) return;
  const categories = $("category");
  if (categories.options.length !== data.categories.length + 1) {
    categories.replaceChildren(el("option", { value: "", "data-t": "any", text: t("any") }),
      ...data.categories.map((c) => el("option", { value: c, text: c })));
    categories.value = view.category;
  }
  const list = $("items");
  list.replaceChildren(...data.items.map(renderItem));
  $("empty").hidden = data.items.length > 0;
  $("pageinfo").textContent = `${t("page")} ${data.page + 1} ${t("of")} ${data.pages}`;
  $("prev").disabled = data.page <= 0;
  $("next").disabled = data.page >= data.pages - 1;
  if (!performance.getEntriesByName("review-first-items").length) performance.mark("review-first-items");
  const node = list.querySelector(".item.focused");
  if (node) {
    const box = node.getBoundingClientRect();
    const footer = $("keys").getBoundingClientRect().height || 0;
    if (box.top < 80 || box.bottom > window.innerHeight - footer) node.scrollIntoView({ block: "center" });
  }
}

async function decide(body) {
  const item = current();
  if (!item || busy) return;
  busy = true;
  try {
    const r = await api("/api/decide", { local_id: item.local_id, tag: item.tag, ...body });
    if (r.status === 200) {
      undoStack.push({ decision: r.data.decision, id: item.local_id });
      saveUndo();
      say(`${t("saved")}: ${item.name} → ${t("st_" + r.data.item.status)}`);
      searchFor = null;
      await load("next:" + item.local_id);
    } else if (r.status === 409) {
      say(t("changed"), true);
      searchFor = null;
      await load(item.local_id);
    }
  } finally {
    busy = false;
  }
}

function choose(n) {
  const item = current();
  if (!item) return;
  const c = shownCandidates(item)[n - 1];
  if (c) decide({ action: "choose", candidate: c.key });
}

function noCounterpart() {
  decide({ action: "none" });
}

async function skip() {
  const item = current();
  if (!item || busy) return;
  undoStack.push({ skip: true, id: item.local_id });
  saveUndo();
  say(`${t("skipped")}: ${item.name}`);
  searchFor = null;
  await load("next:" + item.local_id);
}

async function undo() {
  if (busy) return;
  const last = undoStack.pop();
  saveUndo();
  if (!last) { say(t("nothing_undo")); return; }
  searchFor = null;
  if (last.skip) { await load(last.id); say(t("undone")); return; }
  busy = true;
  try {
    const r = await api("/api/undo", { decision: last.decision });
    if (r.status === 200) say(t("undone"));
    else if (r.status === 409) say(t("changed"), true);
    await load(last.id);
  } finally {
    busy = false;
  }
}

async function search(text) {
  const item = current();
  if (!item) return;
  text = text.trim();
  if (!text) { searchFor = null; render(); return; }
  const r = await api("/api/search?" + new URLSearchParams({ id: item.local_id, q: text }).toString());
  if (r.status !== 200) return;
  searchFor = { id: item.local_id, text, candidates: r.data.candidates };
  render();
  const button = document.querySelector(".item.focused .cand button");
  if (button) button.focus(); else document.activeElement.blur();
}

async function move(step) {
  if (!data || !data.items.length) return;
  const at = data.items.findIndex((i) => i.local_id === focusId);
  const next = at + step;
  searchFor = null;
  if (next >= 0 && next < data.items.length) {
    focusId = data.items[next].local_id;
    render();
  } else if (next >= data.items.length && data.page < data.pages - 1) {
    view.page = data.page + 1;
    await load();
    focusId = data.items.length ? data.items[0].local_id : null;
    render();
  } else if (next < 0 && data.page > 0) {
    view.page = data.page - 1;
    await load();
    focusId = data.items.length ? data.items[data.items.length - 1].local_id : null;
    render();
  }
}

async function bulk(event) {
  event.preventDefault();
  const min = Number($("bulk-min").value);
  const scope = { min_score: min, status: view.status, category: view.category, q: view.q };
  const plan = await api("/api/bulk", { ...scope, dry_run: true });
  if (plan.status !== 200) return;
  if (!plan.data.count) { say(t("bulk_none")); return; }
  if (!window.confirm(t("bulk_confirm").replace("{n}", plan.data.count))) return;
  const r = await api("/api/bulk", scope);
  if (r.status !== 200 && r.status !== 409) return;
  if (r.data.decision) { undoStack.push({ decision: r.data.decision, id: plan.data.local_ids[0] }); saveUndo(); }
  say(t("accepted").replace("{n}", r.data.written));
  await load("open");
}

function onKey(event) {
  const target = event.target;
  const typing = target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA");
  if (typing) {
    if (event.key === "Escape") { target.blur(); if (target.id === "menu-search") { searchFor = null; render(); } }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key;
  if (key >= "1" && key <= "9") { choose(Number(key)); }
  else if (key === "n") noCounterpart();
  else if (key === "s") skip();
  else if (key === "u") undo();
  else if (key === "j" || key === "ArrowDown") move(1);
  else if (key === "k" || key === "ArrowUp") move(-1);
  else if (key === "/") { const box = $("menu-search"); if (box) box.focus(); }
  else if (key === "Escape") { searchFor = null; render(); }
  else return;
  event.preventDefault();
}

async function poll() {
  if (busy || !data || document.hidden) return;
  const r = await fetch("/api/revision", { credentials: "same-origin" }).catch(() => null);
  if (!r || r.status !== 200) return;
  const { revision } = await r.json();
  if (data && revision !== data.revision && !busy) {
    const keepSearch = searchFor;
    await load(focusId || "open");
    if (keepSearch && keepSearch.id === focusId) { searchFor = keepSearch; render(); }
  }
}

function start() {
  $("lang").addEventListener("click", () => {
    lang = lang === "uk" ? "en" : "uk";
    localStorage.setItem("poster-review-lang", lang);
    render();
  });
  $("status").addEventListener("change", (e) => { view.status = e.target.value; view.page = 0; load("open"); });
  $("category").addEventListener("change", (e) => { view.category = e.target.value; view.page = 0; load("open"); });
  let timer = null;
  $("filter").addEventListener("input", (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => { view.q = e.target.value; view.page = 0; load("open"); }, 200);
  });
  $("prev").addEventListener("click", () => { view.page -= 1; load(); });
  $("next").addEventListener("click", () => { view.page += 1; load(); });
  $("bulk").addEventListener("submit", bulk);
  document.addEventListener("keydown", onKey);
  setInterval(poll, 2000);
  render();
  load("open");
}

start();
