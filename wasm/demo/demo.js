// The demo manifest form: plain ES modules, no framework. The form edits one JSON
// document; after every change the whole document is checked in the browser by the
// wastecheck package (the same rules the regulator's server runs) and each violation
// is shown under the field its JSON Pointer names.
//
// Two modules: the first check runs in the smaller one built without rule scripts
// (`web-lite`), which lists the script rules as not evaluated; the full module loads
// meanwhile and checks again, with every rule.

import init, { Checker } from "../dist/web-lite/wastecheck.js";

// ---------------------------------------------------------------------------
// Texts of the page (the checker's messages come from the rule packs)
// ---------------------------------------------------------------------------

const TEXT = {
  "title": ["危险废物转移联单", "Hazardous waste transfer manifest"],
  "subtitle": ["边填边查：每个问题显示在对应的栏目下方，并注明依据。",
    "Checked as you type: each problem appears under its field, with the rule it rests on."],
  "start": ["示例", "Example"],
  "example.valid": ["完整的联单", "A complete manifest"],
  "example.mistakes": ["有错误的联单", "A manifest with mistakes"],
  "example.blank": ["空白联单", "A blank manifest"],
  "loading": ["正在加载检查规则…", "Loading the rules…"],
  "section.manifest": ["联单", "Manifest"],
  "number": ["联单编号", "Manifest number"],
  "hint.number": ["14 位：年份 4 位 + 省 2 位 + 市 2 位 + 流水号 6 位",
    "14 digits: year (4), province (2), city (2), serial number (6)"],
  "stage": ["阶段", "Stage"],
  "choose": ["请选择", "Choose…"],
  "stage.draft": ["草稿", "Draft"],
  "stage.submitted": ["已提交", "Submitted"],
  "stage.in_transit": ["运输中", "In transit"],
  "stage.received": ["已接收", "Received"],
  "stage.confirmed": ["已确认", "Confirmed"],
  "created_at": ["填写时间", "Filled in at"],
  "dispatched_at": ["转移（出厂）时间", "Dispatched at"],
  "received_at": ["接收时间", "Received at"],
  "confirmed_at": ["确认时间", "Confirmed at"],
  "section.consignor": ["移出单位（产生单位）", "Consignor (the waste producer)"],
  "section.carrier": ["运输单位", "Carrier"],
  "section.receiver": ["接收单位（利用/处置单位）", "Receiver (utilisation or disposal)"],
  "party.name": ["单位名称", "Name"],
  "party.credit_code": ["统一社会信用代码", "Unified social credit code"],
  "party.region": ["行政区划代码", "Region code"],
  "party.address": ["地址", "Address"],
  "carrier.permit_number": ["道路运输经营许可证号", "Road transport permit number"],
  "carrier.vehicle_plate": ["车牌号", "Vehicle plate"],
  "carrier.vehicle_licence": ["车辆营运证号", "Vehicle operating licence"],
  "carrier.driver.name": ["驾驶员", "Driver"],
  "carrier.driver.qualification_number": ["驾驶员从业资格证号", "Driver's qualification number"],
  "receiver.licence_number": ["危险废物经营许可证号", "Hazardous waste operating licence"],
  "section.wastes": ["危险废物", "Wastes"],
  "add_line": ["＋ 添加一种废物", "+ Add a waste"],
  "remove_line": ["删除", "Remove"],
  "line": ["第 {n} 种废物", "Waste {n}"],
  "waste.code": ["废物代码", "Waste code"],
  "waste.code.placeholder": ["输入代码或名称，如 900-041 或 废矿物油", "Type a code or words, e.g. 900-041 or 废矿物油"],
  "waste.category": ["废物类别", "Category"],
  "waste.name": ["废物名称", "Name"],
  "waste.hazards": ["危险特性", "Hazard characteristics"],
  "waste.form": ["形态", "Physical form"],
  "form.solid": ["固态", "Solid"],
  "form.semi_solid": ["半固态", "Semi-solid"],
  "form.liquid": ["液态", "Liquid"],
  "form.gas": ["气态", "Gas"],
  "waste.quantity": ["转移数量", "Quantity dispatched"],
  "waste.packaging": ["包装（方式 × 数量）", "Packaging (type × count)"],
  "waste.packaging.type": ["吨袋", "e.g. tonne bag"],
  "waste.method": ["利用/处置方式", "Utilisation/disposal method"],
  "waste.received_quantity": ["接收数量", "Quantity received"],
  "section.other": ["其他问题", "Other problems"],
  "hint.other": ["以下问题所在的栏目不在本表单上（例如付款记录），或涉及整张联单。",
    "These problems are in parts of the document this form does not show (payments, for example), or concern the whole manifest."],
  "section.packs": ["适用的规则", "Rules in force"],
  "section.facts": ["参考数据", "Reference records"],
  "use_facts": ["使用示例参考数据（企业、经营许可证、运输许可、保险）",
    "Use the example reference records (enterprises, licences, transport permits, insurance)"],
  "hint.facts": ["监管部门掌握的记录。没有它们，许可证、运输资质和保险类规则无法判断，会列为“未评估”。",
    "Records the regulator holds. Without them the licence, permit and insurance rules cannot decide and are listed as not evaluated."],
  "footer": ["由 wastecheck 在浏览器中检查（WebAssembly），与监管端使用同一套规则。",
    "Checked in your browser by wastecheck (WebAssembly), with the same rules the regulator uses."],
  "status.valid": ["没有发现问题，联单可以提交", "No problems found: the manifest can be submitted"],
  "status.invalid": ["{n} 个问题需要修改", "{n} problem(s) to fix"],
  "status.warnings": ["另有 {n} 条提醒", "and {n} warning(s)"],
  "status.incomplete": ["{n} 条规则未能评估", "{n} rule(s) could not be evaluated"],
  "status.scripts_loading": ["脚本规则加载中", "loading the scripted rules"],
  "basis": ["依据", "Basis"],
  "packs.rules": ["{n} 条规则", "{n} rules"],
  "packs.since": ["自 {d} 起施行", "in force from {d}"],
  "packs.catalogue": ["名录", "Catalogue"],
  "packs.as_of": ["检查日期", "Checked as of"],
  "packs.as_of_none": ["（按最新规则）", "(newest rules)"],
  "packs.not_evaluated": ["未评估的规则", "Rules not evaluated"],
  "path": ["位置", "At"],
  "checked_in": ["检查用时 {ms} 毫秒", "checked in {ms} ms"],
  "no_hits": ["没有找到匹配的废物代码", "No matching waste code"],
  "fix": ["修正", "Fix"],
  "choose_one": ["可选：", "Choose:"],
  "section.next": ["下一步", "What is next"],
  "next.stage": ["进入“{stage}”环节还需填写：", "To move to “{stage}”, still fill in:"],
  "next.now": ["还需填写：", "Still to fill in:"],
  "next.none": ["必填项已齐全", "Every required field is filled in"],
  "next.waiting": ["尚待判断的规则（缺少以下信息）：", "Rules still waiting (for what follows):"],
  "next.facts": ["参考数据“{c}”", "reference records “{c}”"],
  "receiver.pick": ["从持证单位中选择（许可范围覆盖全部废物）", "Pick a licensed receiver (licence covering every waste)"],
  "receiver.pick.none": ["—", "—"],
  "receiver.pick.count": ["{n} 家可选", "{n} to choose from"],
};

let locale = "zh-CN";
const t = (key, vars = {}) => {
  const pair = TEXT[key];
  let s = pair ? pair[locale === "en" ? 1 : 0] : key;
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, v);
  return s;
};

// ---------------------------------------------------------------------------
// JSON Pointers
// ---------------------------------------------------------------------------

const escapeToken = (s) => String(s).replace(/~/g, "~0").replace(/\//g, "~1");
const tokens = (ptr) => ptr.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
const parent = (ptr) => ptr.slice(0, ptr.lastIndexOf("/"));

function getAt(doc, ptr) {
  let v = doc;
  for (const k of tokens(ptr)) {
    if (v === null || typeof v !== "object") return undefined;
    v = v[k];
  }
  return v;
}

// Sets (or, for `undefined`, removes) the member at `ptr`, creating objects on the way.
function setAt(doc, ptr, value) {
  const ks = tokens(ptr);
  let v = doc;
  for (const k of ks.slice(0, -1)) {
    if (v[k] === null || typeof v[k] !== "object") {
      if (value === undefined) return;
      v[k] = {};
    }
    v = v[k];
  }
  const last = ks[ks.length - 1];
  if (value === undefined) delete v[last];
  else v[last] = value;
}

// Applies a JSON Patch (RFC 6902: add, replace, remove) that the checker offered.
function applyPatch(ops) {
  for (const op of ops) {
    const ks = tokens(op.path);
    const last = ks[ks.length - 1];
    const holder = ks.length > 1 ? getAt(doc, parent(op.path)) : doc;
    if (Array.isArray(holder)) {
      const i = last === "-" ? holder.length : Number(last);
      if (op.op === "remove") holder.splice(i, 1);
      else if (op.op === "add") holder.splice(i, 0, op.value);
      else holder[i] = op.value;
    } else {
      setAt(doc, op.path, op.op === "remove" ? undefined : structuredClone(op.value));
    }
  }
  bindAll();
  renderLines();
  schedule();
}

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

let checker;
// Whether `checker` runs rule scripts (the full module has loaded).
let scripted = false;
let doc = {};
let facts = null;
let report = null;
let packInfo = [];
let ruleTitles = new Map();
const examples = {};

const BLANK = () => ({ kind: "manifest", stage: "draft", wastes: [{}] });

// ---------------------------------------------------------------------------
// Binding inputs to the document
// ---------------------------------------------------------------------------

function pointerOf(el) {
  if (el.dataset.bind !== undefined) return el.dataset.bind;
  const line = el.closest(".line");
  return `${line.dataset.base}/${el.dataset.bindRel}`;
}

// China Standard Time: the form's date-times are local times in +08:00.
const toDateTime = (local) => (local ? `${local.length === 16 ? local + ":00" : local}+08:00` : undefined);
const fromDateTime = (v) => {
  const m = typeof v === "string" && v.match(/^(\d{4}-\d\d-\d\dT\d\d:\d\d)/);
  return m ? m[1] : "";
};

function readInput(el) {
  if (el.dataset.type === "hazards") {
    const checked = $$("input:checked", el).map((c) => c.value);
    return checked.length ? checked : undefined;
  }
  const raw = el.value;
  if (raw === "") return undefined;
  if (el.dataset.type === "datetime") return el.type === "text" ? raw : toDateTime(raw);
  if (el.dataset.type === "integer") return /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  return raw;
}

function writeInput(el, value) {
  if (el.dataset.type === "hazards") {
    const list = Array.isArray(value) ? value : [];
    for (const c of $$("input", el)) c.checked = list.includes(c.value);
    return;
  }
  if (el.dataset.type === "datetime") {
    // A value the date-time picker cannot show as it is (no offset, another
    // offset, seconds) is shown as text, so the user sees what the message is about.
    const local = fromDateTime(value);
    const exact = value === undefined || value === null || toDateTime(local) === value;
    el.type = exact ? "datetime-local" : "text";
    el.value = exact ? local : typeof value === "string" ? value : JSON.stringify(value);
    return;
  }
  if (el.tagName === "SELECT" && value === undefined) {
    el.value = el.options[0]?.value ?? "";
    return;
  }
  el.value = value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
}

function bindAll(root = document) {
  for (const el of $$("[data-bind], [data-bind-rel]", root)) writeInput(el, getAt(doc, pointerOf(el)));
}

function onEdit(event) {
  const el = event.target.closest("[data-bind], [data-bind-rel]");
  if (!el) return;
  const ptr = pointerOf(el);
  setAt(doc, ptr, readInput(el));
  // A quantity typed with the unit still at its default: write the unit too.
  if (ptr.endsWith("/value")) {
    const unit = el.parentElement.querySelector("select");
    const unitPtr = `${parent(ptr)}/unit`;
    if (unit && getAt(doc, ptr) !== undefined && getAt(doc, unitPtr) === undefined) setAt(doc, unitPtr, unit.value);
  }
  schedule();
}

// ---------------------------------------------------------------------------
// Waste lines
// ---------------------------------------------------------------------------

function renderLines() {
  const box = $("#lines");
  box.textContent = "";
  const wastes = Array.isArray(doc.wastes) ? doc.wastes : [];
  wastes.forEach((_, i) => {
    const line = $("#line-template").content.firstElementChild.cloneNode(true);
    const base = `/wastes/${i}`;
    line.dataset.base = base;
    line.dataset.path = base;
    line.dataset.testid = `line-${i}`;
    $(".line-no", line).textContent = t("line", { n: i + 1 });
    for (const f of $$(".field[data-field]", line)) f.dataset.path = `${base}/${f.dataset.field}`;
    $(".remove", line).addEventListener("click", () => {
      doc.wastes.splice(i, 1);
      renderLines();
      schedule();
    });
    setupCombo(line);
    box.append(line);
  });
  translate(box);
  bindAll(box);
}

$("#add-line").addEventListener("click", () => {
  if (!Array.isArray(doc.wastes)) doc.wastes = [];
  doc.wastes.push({});
  renderLines();
  schedule();
  $(`#lines .line:last-child .code-field input`)?.focus();
});

// ---------------------------------------------------------------------------
// Waste-code autocomplete from the catalogue
// ---------------------------------------------------------------------------

function setupCombo(line) {
  const input = $(".code-field input", line);
  const list = $(".suggestions", line);
  let hits = [];
  let active = -1;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  };
  const highlight = (i) => {
    active = i;
    $$("li", list).forEach((li, j) => li.classList.toggle("active", j === i));
  };
  const pick = (hit) => {
    const base = line.dataset.base;
    // The choice's patch: the code with its category (and the list's hazards).
    applyPatch(hit.patch);
    const waste = getAt(doc, base) ?? {};
    if (!waste.name) setAt(doc, `${base}/name`, hit.description);
    close();
    bindAll();
    schedule();
  };
  const open = () => {
    // Lawful codes only: the checker's choices for this field (the consignor's
    // planned codes first, then by what was typed), each shown as the list has it.
    // This listener runs before the form's: the document takes the text first.
    setAt(doc, `${line.dataset.base}/code`, input.value === "" ? undefined : input.value);
    const offered = checker.choices(doc, `${line.dataset.base}/code`, $("#use-facts").checked ? facts : null, { locale });
    hits = (offered.choices ?? []).slice(0, 8).flatMap((c) => {
      const entry = checker.catalogue.get(c.value);
      return entry ? [{ ...entry, patch: c.patch }] : [];
    });
    list.textContent = "";
    if (!input.value.trim() || (hits.length === 1 && hits[0].code === input.value.trim())) {
      close();
      return;
    }
    if (hits.length === 0) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = t("no_hits");
      list.append(li);
    }
    hits.forEach((hit, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.code = hit.code;
      const code = document.createElement("span");
      code.className = "mono code";
      code.textContent = hit.code;
      const cat = document.createElement("span");
      cat.className = "cat";
      cat.textContent = `${hit.category}${hit.category_name ? " " + hit.category_name : ""} · ${hit.hazards}`;
      const desc = document.createElement("span");
      desc.className = "desc";
      desc.textContent = hit.description;
      li.append(code, cat, desc);
      li.addEventListener("mousedown", (e) => {
        e.preventDefault(); // keep the focus in the input
        pick(hit);
      });
      li.addEventListener("mousemove", () => highlight(i));
      list.append(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(hits.length ? 0 : -1);
  };

  input.addEventListener("input", open);
  input.addEventListener("focus", () => input.value && !getAt(doc, `${line.dataset.base}/category`) && open());
  input.addEventListener("blur", () => setTimeout(close, 100));
  input.addEventListener("keydown", (e) => {
    if (list.hidden) return;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      highlight(Math.min(active + 1, hits.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      pick(hits[active]);
    } else if (e.key === "Escape") {
      close();
    }
  });
}

// ---------------------------------------------------------------------------
// Checking and showing the violations
// ---------------------------------------------------------------------------

let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    run();
  });
}

function run() {
  const started = performance.now();
  const out = checker.check(doc, $("#use-facts").checked ? facts : null, { locale });
  const ms = performance.now() - started;
  if (out.error) {
    showStatus("failed", `${out.error.code}: ${out.error.message}`);
    return;
  }
  report = out;
  $("#timing").textContent = t("checked_in", { ms: ms.toFixed(1) });
  render();
  renderNext();
  renderReceiverPick();
  document.body.dataset.state = report.valid ? "valid" : "invalid";
}

// What the document still needs: the next stage's required fields, the rules waiting.
function renderNext() {
  const next = checker.next(doc, $("#use-facts").checked ? facts : null, { locale });
  if (next.error) return;
  const stageName = next.next_stage ? t(`stage.${next.next_stage}`) : null;
  $("#next-stage").textContent = next.required.length
    ? stageName ? t("next.stage", { stage: stageName }) : t("next.now")
    : t("next.none");
  const label = (l) => l[locale] ?? l["zh-CN"];
  const required = $("#next-required");
  required.textContent = "";
  for (const needed of next.required) {
    const li = document.createElement("li");
    // Not `data-path`: that attribute places violations under form fields.
    li.dataset.field = needed.path;
    const a = document.createElement("a");
    a.href = "#";
    a.textContent = label(needed.label);
    a.addEventListener("click", (e) => {
      e.preventDefault();
      const input = $(`[data-bind="${needed.path}"]`) ?? $(`.field[data-path="${needed.path}"] input, .field[data-path="${needed.path}"] select`);
      input?.focus();
    });
    li.append(a);
    required.append(li);
  }
  const waiting = $("#next-waiting");
  waiting.textContent = "";
  for (const u of next.undecided) {
    const li = document.createElement("li");
    li.dataset.rule = u.rule;
    const needs = u.needs.map((n) => (n.type === "field" ? label(n.label) : t("next.facts", { c: n.collection })));
    li.textContent = `${label(u.title)}：${needs.join("、")}`;
    waiting.append(li);
  }
  $("#next-waiting-title").hidden = next.undecided.length === 0;
}

// The receiver picker: only holders whose licences cover every line on the date.
let receiverChoices = [];
function renderReceiverPick() {
  const select = $("#receiver-pick");
  const offered = checker.choices(doc, "/receiver", $("#use-facts").checked ? facts : null, { locale });
  receiverChoices = offered.choices ?? [];
  select.textContent = "";
  const none = document.createElement("option");
  none.value = "";
  none.textContent = receiverChoices.length ? t("receiver.pick.count", { n: receiverChoices.length }) : t("receiver.pick.none");
  select.append(none);
  receiverChoices.forEach((c, i) => {
    const option = document.createElement("option");
    option.value = String(i);
    option.textContent = c.label[locale] ?? c.label["zh-CN"];
    select.append(option);
  });
}

// A message with `code` spans for the backquoted parts.
function messageNode(text) {
  const span = document.createElement("span");
  span.className = "msg";
  text.split("`").forEach((part, i) => {
    if (i % 2) {
      const code = document.createElement("code");
      code.textContent = part;
      span.append(code);
    } else {
      span.append(part);
    }
  });
  return span;
}

function violationNode(v, showPath) {
  const li = document.createElement("li");
  li.className = `violation ${v.severity}`;
  li.dataset.rule = v.rule;
  li.dataset.path = v.path;
  li.title = v.rule;
  if (showPath) {
    const at = document.createElement("span");
    at.className = "at mono";
    at.textContent = v.path || "/";
    li.append(at);
  }
  li.append(messageNode(v.message));
  if (v.hint) {
    const hint = document.createElement("span");
    hint.className = "fix-hint";
    hint.textContent = v.hint;
    li.append(hint);
  }
  if (v.fix?.length) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "fix secondary";
    button.dataset.testid = "fix";
    button.textContent = t("fix");
    button.title = v.fix.map((op) => `${op.op} ${op.path}${"value" in op ? " = " + JSON.stringify(op.value) : ""}`).join("; ");
    button.addEventListener("click", () => applyPatch(v.fix));
    li.append(button);
  }
  if (v.choices?.length) {
    const box = document.createElement("span");
    box.className = "choices";
    box.append(t("choose_one"));
    for (const c of v.choices.slice(0, 6)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "choice link";
      button.dataset.value = JSON.stringify(c.value);
      button.textContent = c.label[locale] ?? c.label["zh-CN"];
      button.addEventListener("click", () => applyPatch(c.patch));
      box.append(button);
    }
    li.append(box);
  }
  if (v.basis?.length) {
    const basis = document.createElement("span");
    basis.className = "basis";
    basis.textContent = `${t("basis")}：${v.basis.map((b) => `${b.instrument}${b.article ? " " + b.article : ""}`).join("；")}`;
    li.append(basis);
  }
  return li;
}

function render() {
  for (const ul of $$("ul.errors.attached")) ul.remove();
  for (const el of $$(".invalid, .warned")) el.classList.remove("invalid", "warned");
  const targets = new Map($$("[data-path]").filter((el) => el.dataset.path !== "").map((el) => [el.dataset.path, el]));
  const other = [];
  for (const v of report.violations) {
    let p = v.path;
    while (p && !targets.has(p)) p = parent(p);
    const target = p ? targets.get(p) : null;
    if (!target) {
      other.push(v);
      continue;
    }
    let ul = target.querySelector(":scope > ul.errors.attached");
    if (!ul) {
      ul = document.createElement("ul");
      ul.className = "errors attached";
      const head = target.matches("section, fieldset") ? target.querySelector(":scope > h2, :scope > .card-head, :scope > legend") : null;
      if (head) head.after(ul);
      else target.append(ul);
    }
    ul.append(violationNode(v, p !== v.path && !target.matches(".field")));
    target.classList.add(v.severity === "error" ? "invalid" : "warned");
  }
  const otherBox = $("#other");
  const list = $("#other-list");
  list.textContent = "";
  for (const v of other) list.append(violationNode(v, true));
  otherBox.hidden = other.length === 0;

  const { error, warning } = report.counts;
  const notEvaluated = report.not_evaluated?.length ?? 0;
  let text = report.valid ? t("status.valid") : t("status.invalid", { n: error });
  if (warning) text += `，${t("status.warnings", { n: warning })}`.replace("，", locale === "en" ? ", " : "，");
  const notes = [];
  if (notEvaluated) notes.push(t("status.incomplete", { n: notEvaluated }));
  if (!scripted) notes.push(t("status.scripts_loading"));
  showStatus(report.valid ? "valid" : "invalid", text, notes.join(locale === "en" ? "; " : "；"));
  renderPacks();
}

function showStatus(kind, text, note = "") {
  const s = $("#status");
  s.className = `status ${kind}`;
  s.textContent = "";
  const icon = document.createElement("span");
  icon.className = "icon";
  icon.textContent = kind === "valid" ? "✓" : kind === "invalid" ? "!" : "…";
  const main = document.createElement("strong");
  main.textContent = text;
  s.append(icon, main);
  if (note) {
    const n = document.createElement("span");
    n.className = "note";
    n.textContent = note;
    s.append(n);
  }
}

function renderPacks() {
  const box = $("#packs");
  box.textContent = "";
  const en = locale === "en";
  for (const ref of report.packs) {
    const info = packInfo.find((p) => p.id === ref.id && p.version === ref.version);
    const div = document.createElement("div");
    div.className = "pack";
    div.dataset.pack = `${ref.id}@${ref.version}`;
    const title = document.createElement("strong");
    title.textContent = info ? (en ? info.title.en : info.title["zh-CN"]) : ref.id;
    const meta = document.createElement("span");
    meta.className = "meta";
    const parts = [`${ref.id}@${ref.version}`];
    if (info) parts.push(t("packs.since", { d: info.effective_from }), t("packs.rules", { n: info.rules }));
    meta.textContent = parts.join(" · ");
    const digest = document.createElement("span");
    digest.className = "digest mono";
    digest.textContent = ref.digest ?? "";
    div.append(title, meta, digest);
    box.append(div);
  }
  const dl = document.createElement("dl");
  const row = (k, v) => {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    dl.append(dt, dd);
  };
  const edition = checker.catalogue.edition;
  row(t("packs.catalogue"), edition ? (en ? edition.title.en : edition.title["zh-CN"]) : report.catalogue ?? "—");
  row(t("packs.as_of"), report.as_of ?? t("packs.as_of_none"));
  box.append(dl);
  if (report.not_evaluated?.length) {
    const h = document.createElement("h3");
    h.textContent = t("packs.not_evaluated");
    const ul = document.createElement("ul");
    ul.className = "not-evaluated";
    for (const n of report.not_evaluated) {
      const li = document.createElement("li");
      const title = ruleTitles.get(n.rule);
      li.textContent = `${title ? (en ? title.en : title["zh-CN"]) : n.rule} — ${n.reason}`;
      li.title = n.rule;
      ul.append(li);
    }
    box.append(h, ul);
  }
}

// ---------------------------------------------------------------------------
// Language
// ---------------------------------------------------------------------------

function translate(root = document) {
  for (const el of $$("[data-t]", root)) el.textContent = t(el.dataset.t);
  for (const el of $$("[data-t-placeholder]", root)) el.placeholder = t(el.dataset.tPlaceholder);
  $$(".line", root).forEach((line) => {
    const i = Number(line.dataset.base.split("/").pop());
    $(".line-no", line).textContent = t("line", { n: i + 1 });
  });
}

$("#lang").addEventListener("click", () => {
  locale = locale === "en" ? "zh-CN" : "en";
  document.documentElement.lang = locale;
  $("#lang").textContent = locale === "en" ? "中文" : "English";
  document.title = `${t("title")} · wastecheck`;
  translate();
  run();
});

// ---------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------

async function loadExample(name) {
  if (name === "blank") return BLANK();
  if (!examples[name]) {
    const res = await fetch(`../../spec/examples/manifest.${name}.json`);
    examples[name] = await res.json();
  }
  return structuredClone(examples[name]);
}

async function start() {
  const [, factsText] = await Promise.all([
    init(),
    fetch("../../spec/examples/facts.example.json").then((r) => r.json()),
  ]);
  facts = factsText;
  checker = Checker.builtin();
  packInfo = checker.packs();
  ruleTitles = new Map(checker.rules().map((r) => [r.id, r.title]));
  doc = await loadExample("valid");

  $("#form").addEventListener("input", onEdit);
  $("#form").addEventListener("change", onEdit);
  $("#form").addEventListener("submit", (e) => e.preventDefault());
  $("#use-facts").addEventListener("change", schedule);
  $("#receiver-pick").addEventListener("change", (e) => {
    const choice = receiverChoices[Number(e.target.value)];
    if (e.target.value !== "" && choice) applyPatch(choice.patch);
  });
  $("#example").addEventListener("change", async (e) => {
    doc = await loadExample(e.target.value);
    bindAll();
    renderLines();
    run();
  });

  bindAll();
  renderLines();
  run();
  window.wastecheckDemo = {
    // The full module has loaded and checked: every rule runs from here on.
    ready: false,
    // The first report, from the module without rule scripts.
    first: report,
    get scripted() {
      return scripted;
    },
    get checker() {
      return checker;
    },
    get report() {
      return report;
    },
    get document() {
      return doc;
    },
  };

  const full = await import("../dist/web/wastecheck.js");
  await full.default();
  checker = full.Checker.builtin();
  scripted = true;
  packInfo = checker.packs();
  ruleTitles = new Map(checker.rules().map((r) => [r.id, r.title]));
  run();
  window.wastecheckDemo.ready = true;
}

start().catch((error) => {
  showStatus("failed", String(error));
  console.error(error);
});
