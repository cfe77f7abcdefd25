// The demo form in a real browser: Debian's headless Chromium driven by
// playwright-core. Serves the repository on 127.0.0.1, opens /wasm/demo/, and does
// what a person would: types a wrong credit code and sees the problem under the
// field, switches to English, adds a waste line and picks its code from the
// autocomplete, fixes everything and sees the form become valid. Screenshots go to
// wasm/test/artefacts/ (ignored by git). Then checks, in the page, that the wasm
// module gives the native reports for every fixture and scenario.
//
//     node --test wasm/test/browser.test.mjs      (after ./x build-wasm)
//
// CHROMIUM=/path/to/chromium overrides the browser (default /usr/bin/chromium).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { serve } from "../scripts/serve.mjs";
import { root, requests, nativeReports } from "./parity.mjs";
import { cli } from "./cli.mjs";

const artefacts = path.join(root, "wasm", "test", "artefacts");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

let server, url, context, page, profile;
const pageErrors = [];

before(async () => {
  ({ server, url } = await serve(0));
  fs.mkdirSync(artefacts, { recursive: true });
  profile = fs.mkdtempSync(path.join(os.tmpdir(), "wastecheck-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && pageErrors.push(m.text()));
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await context?.close();
  server?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

const field = (pointer) => page.locator(`.field[data-path="${pointer}"]`);
const violationsAt = (pointer) => field(pointer).locator(".violation");
const report = () => page.evaluate(() => window.wastecheckDemo.report);

test("the demo form validates as the user types", async () => {
  await page.goto(`${url}/wasm/demo/`);
  await page.waitForFunction(() => window.wastecheckDemo?.ready === true);
  // The complete example with the reference records: valid.
  await page.waitForSelector("body[data-state=valid]");
  assert.match(await page.locator("#status").innerText(), /可以提交/);
  assert.match(await page.locator("#packs").innerText(), /cn@1\.0\.0/);

  // A wrong check character in the consignor's credit code.
  const code = page.locator("#f-consignor-code");
  await code.fill("");
  await code.pressSequentially("91330603MA2D7K4P5X", { delay: 5 });
  await page.waitForSelector('.field[data-path="/consignor/credit_code"] .violation[data-rule="schema.check-digit"]');
  const message = await violationsAt("/consignor/credit_code").first().innerText();
  assert.match(message, /[\u4e00-\u9fff]/, "the message is in Chinese");
  assert.match(message, /W/, "it names the expected check character");
  assert.match(message, /GB 32100/, "it names its basis");
  await page.waitForSelector("body[data-state=invalid]");
  assert.match(await page.locator("#status").innerText(), /1 个问题/);
  await page.screenshot({ path: path.join(artefacts, "demo-violation-zh.png"), fullPage: true });

  // English.
  await page.click("#lang");
  await page.waitForFunction(() =>
    /check/.test(document.querySelector('.field[data-path="/consignor/credit_code"] .violation')?.innerText ?? ""),
  );
  assert.match(await violationsAt("/consignor/credit_code").first().innerText(), /should be `?W/);
  assert.match(await page.locator("h1").innerText(), /transfer manifest/);

  // The first line's code half typed: a problem under the code field, then the
  // code picked from the autocomplete.
  const first = page.locator('.line[data-base="/wastes/0"]');
  const firstCode = first.locator(".code-field input");
  await firstCode.fill("");
  await firstCode.pressSequentially("900-04", { delay: 20 });
  await page.waitForSelector('.field[data-path="/wastes/0/code"] .violation');
  const pick = first.locator('.suggestions li[data-code="900-041-49"]');
  await pick.waitFor({ state: "visible" });
  await pick.click();
  assert.equal(await firstCode.inputValue(), "900-041-49");
  await page.waitForFunction(
    () => !document.querySelector('.field[data-path="/wastes/0/code"] .violation'),
  );

  // A third waste line: its code found by words, a quantity with a comma.
  await page.click("#add-line");
  const line = page.locator('.line[data-base="/wastes/2"]');
  await line.waitFor();
  const codeInput = line.locator(".code-field input");
  await codeInput.pressSequentially("废矿物油", { delay: 20 });
  await line.locator(".suggestions li").first().waitFor({ state: "visible" });
  await codeInput.fill("");
  await codeInput.pressSequentially("900-249", { delay: 20 });
  const option = line.locator('.suggestions li[data-code="900-249-08"]');
  await option.waitFor({ state: "visible" });
  assert.match(await option.innerText(), /HW08/);
  await codeInput.press("ArrowDown");
  await codeInput.press("ArrowUp");
  await option.click();
  assert.equal(await codeInput.inputValue(), "900-249-08");
  assert.equal(await line.locator('[data-bind-rel="category"]').inputValue(), "HW08");
  await page.waitForFunction(() => window.wastecheckDemo.document.wastes[2]?.code === "900-249-08");
  await line.locator('[data-bind-rel="quantity/value"]').fill("0,5");
  // The new line says at once what it lacks; then the comma is named under the field.
  const comma = violationsAt("/wastes/2/quantity").filter({ hasText: "0,5" }).first();
  await comma.waitFor();
  assert.match(await comma.innerText(), /0,5/);

  // Fill the line in properly and fix the credit code.
  await line.locator('[data-bind-rel="form"]').selectOption("liquid");
  await line.locator('[data-bind-rel="quantity/value"]').fill("0.500");
  await line.locator('[data-bind-rel="packaging/type"]').fill("200L铁桶");
  await line.locator('[data-bind-rel="packaging/count"]').fill("3");
  await line.locator('[data-bind-rel="method"]').fill("D10");
  await line.locator('[data-bind-rel="received_quantity/value"]').fill("0.500");
  await code.fill("91330603MA2D7K4P5W");
  try {
    await page.waitForSelector("body[data-state=valid]", { timeout: 5_000 });
  } catch (e) {
    const r = await report();
    assert.fail(`still invalid: ${JSON.stringify(r.violations.map((v) => [v.path, v.rule, v.message]))}`);
  }
  assert.equal(await page.locator(".violation.error").count(), 0);
  assert.match(await page.locator("#status").innerText(), /can be submitted/);
  await page.screenshot({ path: path.join(artefacts, "demo-valid-en.png"), fullPage: true });

  // Removing a line re-checks too.
  await line.locator(".remove").click();
  await page.waitForFunction(() => window.wastecheckDemo.document.wastes.length === 2);
  assert.equal((await report()).valid, true);

  // The example with mistakes: problems of parts the form does not show are listed too.
  await page.selectOption("#example", "mistakes");
  await page.waitForSelector("body[data-state=invalid]");
  await page.screenshot({ path: path.join(artefacts, "demo-mistakes-en.png"), fullPage: true });
  const shown = await page.locator(".violation").count();
  assert.equal(shown, (await report()).violations.length, "every violation is shown somewhere");

  assert.deepEqual(pageErrors, []);
});

// Issue 22: what a form downloads before its first check is the module without rule
// scripts; the full module then checks again, with every rule.
test("the first check runs in the module without scripts, then the full module checks every rule", async () => {
  await page.goto(`${url}/wasm/demo/`);
  await page.waitForFunction(() => window.wastecheckDemo?.ready === true);
  const seen = await page.evaluate(() => ({
    first: window.wastecheckDemo.first,
    last: window.wastecheckDemo.report,
    scripted: window.wastecheckDemo.scripted,
    fetched: performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname),
  }));
  assert.equal(seen.scripted, true);
  // The first report is the full one less the script rules it could not run (for the
  // complete example, whose script rules' guards do not hold, none: it is the same).
  const unavailable = new Set(
    (seen.first.not_evaluated ?? []).filter((n) => n.code === "script.unavailable").map((n) => n.rule),
  );
  assert.deepEqual(seen.first.violations, seen.last.violations.filter((v) => !unavailable.has(v.rule)));
  assert.deepEqual(
    (seen.first.not_evaluated ?? []).filter((n) => n.code !== "script.unavailable"),
    (seen.last.not_evaluated ?? []).filter((n) => !unavailable.has(n.rule)),
  );
  assert.ok(!(seen.last.not_evaluated ?? []).some((n) => n.code === "script.unavailable"));
  const lite = seen.fetched.indexOf("/wasm/dist/web-lite/wastecheck_bg.wasm");
  const full = seen.fetched.indexOf("/wasm/dist/web/wastecheck_bg.wasm");
  assert.ok(lite >= 0 && full > lite, `fetched: ${seen.fetched.join(", ")}`);
  assert.deepEqual(pageErrors, []);
});

// Issue 21: the form guides — a fix button beside a fixable finding, the next step,
// a receiver picker offering only licensed receivers.
test("the demo form offers fixes, the next step and lawful receivers", async () => {
  await page.goto(`${url}/wasm/demo/`);
  await page.waitForFunction(() => window.wastecheckDemo?.ready === true);
  await page.selectOption("#example", "mistakes");
  await page.waitForSelector("body[data-state=invalid]");

  // A wrong check character: its fix button puts the right one in.
  const digit = '.violation[data-rule="schema.check-digit"]';
  await page.click(`${digit} button.fix`);
  await page.waitForFunction((sel) => !document.querySelector(sel), digit);
  assert.equal(await page.locator("#f-consignor-code").inputValue(), "91330603MA2D7K4P5W");
  // A date-time without its offset: fixed, with the hint saying how it was read.
  const offset = '.field[data-path="/dispatched_at"] .violation[data-rule="schema.format"]';
  assert.match(await page.locator(offset).innerText(), /UTC\+8|北京时间/);
  await page.click(`${offset} button.fix`);
  await page.waitForFunction((sel) => !document.querySelector(sel), offset);

  // The next step lists what the stage still needs, with the fields' names.
  await page.selectOption("#example", "blank");
  await page.waitForFunction(() => document.querySelectorAll("#next-required li").length > 3);
  assert.match(await page.locator("#next").innerText(), /联单编号/);
  assert.match(await page.locator("#next-stage").innerText(), /已提交/);

  // A receiver whose licence does not cover the waste: the picker offers only the
  // licensed receivers, and picking one resolves the finding.
  await page.selectOption("#example", "valid");
  await page.waitForSelector("body[data-state=valid]");
  const firstCode = page.locator('.line[data-base="/wastes/0"] .code-field input');
  await firstCode.fill("900-402-06");
  const scope = '.violation[data-rule="cn.transfer.receiver-licence-scope"]';
  await page.waitForSelector(scope);
  // The category follows the code through its fix.
  await page.click('.violation[data-rule="cn.catalogue.category-mismatch"] button.fix');
  await page.waitForFunction(() => window.wastecheckDemo.document.wastes[0].category === "HW06");
  await page.waitForFunction(() => document.querySelectorAll("#receiver-pick option").length === 2);
  const offered = await page.locator("#receiver-pick option").nth(1).innerText();
  assert.match(offered, /绍兴某某固废处置有限公司/);
  await page.screenshot({ path: path.join(artefacts, "demo-guidance-zh.png"), fullPage: true });
  await page.selectOption("#receiver-pick", "0");
  await page.waitForFunction((sel) => !document.querySelector(sel), scope);
  const doc = await page.evaluate(() => window.wastecheckDemo.document);
  assert.equal(doc.receiver.credit_code, "91330602MA2C4T7R5A");
  assert.equal(doc.receiver.licence_number, "浙危废经第3306020031号");
  await page.screenshot({ path: path.join(artefacts, "demo-receiver-picked-zh.png"), fullPage: true });

  // In the browser, next and choices answer what the native core answers.
  const facts = JSON.parse(fs.readFileSync(path.join(root, "spec/examples/facts.example.json"), "utf8"));
  const draft = { kind: "manifest", stage: "draft", created_at: "2026-03-02T08:00:00+08:00",
    consignor: { credit_code: "91330603MA2D7K4P5W", region: "330603" }, wastes: [{ code: "900-249-08" }] };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wastecheck-next-"));
  fs.writeFileSync(path.join(dir, "draft.json"), JSON.stringify(draft));
  const native = JSON.parse(cli("next", "--format", "json", "--facts", "spec/examples/facts.example.json", path.join(dir, "draft.json")));
  const inPage = await page.evaluate(([d, f]) => window.wastecheckDemo.checker.next(d, f), [draft, facts]);
  assert.deepEqual(inPage, native);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(pageErrors, []);
});

test("in Chromium the wasm module gives the native reports for every fixture and scenario", async () => {
  const files = requests();
  const native = nativeReports(files);
  const texts = files.map((f) => requests.read(f));
  const outputs = await page.evaluate((texts) => {
    const checker = window.wastecheckDemo.checker;
    return texts.map((t) => checker.checkJson(t));
  }, texts);
  files.forEach((file, i) => assert.equal(outputs[i], native[file].request, file));
});
