// What each part of the browser module costs, gzipped (issue 22): code grouped
// by crate (and by module of `wastecheck`), the data the module embeds (the
// built-in packs: catalogue, calendar, rules, scripts; the JSON Schemas), and
// the rest of the read-only data.
//
//   ./x budget            builds the module with names kept and prints the table
//   node wasm/scripts/budget.mjs MODULE.wasm [BUNDLE]
//
// MODULE must keep its name section (`wasm-opt -Oz -g`): names are how code is
// attributed. Each part is gzipped alone (-9), so the parts sum to more than the
// module gzipped whole; the figure to watch is the module's, printed first from
// the same module with its names stripped.
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const [modulePath, bundlePath, strippedPath] = process.argv.slice(2);
if (!modulePath) {
  console.error("usage: budget.mjs MODULE.wasm [BUNDLE [STRIPPED.wasm]]");
  process.exit(2);
}
const wasm = readFileSync(modulePath);
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

// Skips a constant expression (an active data segment's offset).
function skipExpr(bytes, at) {
  while (bytes[at] !== 0x0b) at++;
  return at + 1;
}

function sections(bytes) {
  const out = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = leb(bytes, at + 1);
    out.push({ id, start, end: start + size });
    at = start + size;
  }
  return out;
}

let imported = 0;
const bodies = [];
const segments = [];
const functionNames = new Map();
const dataNames = new Map();
const text = new TextDecoder();
for (const { id, start, end } of sections(wasm)) {
  let [count, at] = id === 0 ? [0, start] : leb(wasm, start);
  if (id === 2) {
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < 2; k++) {
        const [len, next] = leb(wasm, at);
        at = next + len;
      }
      const kind = wasm[at++];
      if (kind === 0) (([, at] = leb(wasm, at)), imported++);
      else if (kind === 1) {
        at++;
        let flags;
        [flags, at] = leb(wasm, at);
        [, at] = leb(wasm, at);
        if (flags & 1) [, at] = leb(wasm, at);
      } else if (kind === 2) {
        let flags;
        [flags, at] = leb(wasm, at);
        [, at] = leb(wasm, at);
        if (flags & 1) [, at] = leb(wasm, at);
      } else at += 2;
    }
  } else if (id === 10) {
    for (let i = 0; i < count; i++) {
      const [len, next] = leb(wasm, at);
      bodies.push(wasm.subarray(next, next + len));
      at = next + len;
    }
  } else if (id === 11) {
    for (let i = 0; i < count; i++) {
      let flags;
      [flags, at] = leb(wasm, at);
      if (flags === 0) at = skipExpr(wasm, at);
      else if (flags === 2)
        (([, at] = leb(wasm, at)), (at = skipExpr(wasm, at)));
      const [len, next] = leb(wasm, at);
      segments.push(wasm.subarray(next, next + len));
      at = next + len;
    }
  } else if (id === 0) {
    const [len, next] = leb(wasm, at);
    if (text.decode(wasm.subarray(next, next + len)) !== "name") continue;
    at = next + len;
    while (at < end) {
      const sub = wasm[at];
      const [size, body] = leb(wasm, at + 1);
      if (sub === 1 || sub === 9) {
        let [n, p] = leb(wasm, body);
        for (let i = 0; i < n; i++) {
          let index, l;
          [index, p] = leb(wasm, p);
          [l, p] = leb(wasm, p);
          (sub === 1 ? functionNames : dataNames).set(
            index,
            text.decode(wasm.subarray(p, p + l)),
          );
          p += l;
        }
      }
      at = body + size;
    }
  }
}
if (functionNames.size === 0) {
  console.error(
    `${modulePath} has no function names: build it with wasm-opt -g`,
  );
  process.exit(1);
}

// Crates grouped as a reader of the budget thinks of them.
const GROUPS = [
  [
    /^(core|alloc|std|hashbrown|dlmalloc|compiler_builtins|memchr|smallvec|fmt|num|str|math|ptr|slice|iter|mem|ops|cmp|hash|vec|string|f32|f64|char|option|result|panicking|sync|cell|boxed|rc|collections|any|convert|array)$/,
    "std (core, alloc, hashbrown, dlmalloc)",
  ],
  [/^(serde|serde_core|serde_json|serde_derive)$/, "serde, serde_json"],
  [
    /^(rhai|ahash|smartstring|thin_vec|num_traits|bitflags)$/,
    "rhai (and ahash, smartstring, thin_vec)",
  ],
  [
    /^(ed25519_dalek|curve25519_dalek|sha2|digest|signature|ed25519|block_buffer|subtle|base64)$/,
    "bundle signatures (ed25519, sha2, base64)",
  ],
  [/^(rust_decimal)$/, "rust_decimal"],
  [/^(chrono)$/, "chrono"],
  [/^(csv|csv_core)$/, "csv"],
  [/^(wasm_bindgen|js_sys)$/, "wasm-bindgen glue"],
  [/^wastecheck_wasm$/, "wastecheck_wasm (the JS facade)"],
];

function group(name) {
  if (
    name.includes("externref shim") ||
    name.startsWith("__wbg") ||
    name.startsWith("__wbindgen")
  ) {
    return "wasm-bindgen glue";
  }
  // Generic impls (`<T as Trait>`) are named by their first crate path.
  const crate = /([A-Za-z_][A-Za-z0-9_]*)::/.exec(name)?.[1];
  if (crate === "wastecheck") {
    const module = /wastecheck::([a-z_]+)/.exec(name)?.[1] ?? "";
    return `wastecheck::${module}`;
  }
  for (const [pattern, label] of GROUPS)
    if (crate && pattern.test(crate)) return label;
  return crate ? "other crates" : "unnamed";
}

const parts = new Map();
const add = (label, bytes) => {
  const part = parts.get(label) ?? { chunks: [], items: 0 };
  part.chunks.push(bytes);
  part.items++;
  parts.set(label, part);
};
// Crates too small to name alone are one part, labelled by its largest.
const others = new Map();
const otherBodies = [];
bodies.forEach((body, i) => {
  const name = functionNames.get(imported + i) ?? "";
  const label = group(name);
  if (label.startsWith("other crates")) {
    const crate = /([A-Za-z_][A-Za-z0-9_]*)::/.exec(name)[1];
    others.set(crate, (others.get(crate) ?? 0) + body.length);
    otherBodies.push(body);
  } else add(`code: ${label}`, body);
});
const largest = [...others.entries()]
  .sort((a, b) => b[1] - a[1])
  .slice(0, 4)
  .map(([c]) => c);
otherBodies.forEach((body) =>
  add(`code: other crates (${largest.join(", ")}…)`, body),
);

// Embedded files are found by their bytes in the data segments, and the rest of
// each segment counted as read-only data (strings, tables, vtables). The built-in
// packs are embedded file by file (rules/build.rs), as the bundle carries them.
const embedded = [];
const packFile = (path) =>
  path.includes("catalogue/")
    ? "catalogue (CSV)"
    : path.includes("calendar/")
      ? "calendar (CSV)"
      : path.endsWith(".rhai")
        ? "scripts (rhai)"
        : "rules and pack metadata";
const bundled = bundlePath
  ? JSON.parse(readFileSync(bundlePath, "utf8")).packs.flatMap((pack) =>
      Object.entries(pack.files).map(([path, content]) => [
        path,
        Buffer.from(
          typeof content === "string" ? content : JSON.stringify(content),
        ),
      ]),
    )
  : [];
for (const [, bytes] of bundled)
  embedded.push([
    "data: the built-in packs (catalogue, calendar, rules, scripts)",
    bytes,
  ]);
// The schemas are embedded without indentation (wasm/build.rs): serde_json's
// compact text, which is the pretty text less the whitespace outside strings
// (JSON.stringify would differ: it writes 90.0 as 90).
const withoutWhitespace = (text) => {
  let out = "";
  let inString = false;
  let escaped = false;
  for (const c of text) {
    if (inString) {
      out += c;
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (!/\s/.test(c)) out += c;
  }
  return out;
};
const schemas = join(import.meta.dirname, "..", "..", "spec", "schemas");
for (const file of readdirSync(schemas).sort()) {
  embedded.push([
    `data: JSON Schemas (spec/schemas)`,
    Buffer.from(withoutWhitespace(readFileSync(join(schemas, file), "utf8"))),
  ]);
}
for (const segment of segments) {
  let rest = Buffer.from(segment);
  for (const [label, bytes] of embedded) {
    const at = rest.indexOf(bytes);
    if (at < 0) continue;
    add(label, bytes);
    rest = Buffer.concat([
      rest.subarray(0, at),
      rest.subarray(at + bytes.length),
    ]);
  }
  add("data: other read-only data (strings, tables)", rest);
}

const whole = strippedPath ? readFileSync(strippedPath) : wasm;
console.log(
  `module: ${whole.length} bytes, gzip -9 ${gz(whole)} bytes${strippedPath ? " (names stripped, as shipped)" : ""}`,
);
const rows = [...parts.entries()]
  .map(([label, { chunks, items }]) => {
    const bytes = Buffer.concat(chunks);
    return { label, bytes: bytes.length, gzip: gz(bytes), items };
  })
  .sort((a, b) => b.gzip - a.gzip);
console.log("| part | bytes | gzip -9 alone | items |");
console.log("|---|---:|---:|---:|");
for (const { label, bytes, gzip, items } of rows)
  console.log(`| ${label} | ${bytes} | ${gzip} | ${items} |`);
if (bundlePath) {
  // The packs' own parts, gzipped alone.
  const kinds = new Map();
  for (const [path, bytes] of bundled)
    kinds.set(packFile(path), [...(kinds.get(packFile(path)) ?? []), bytes]);
  console.log("\nthe built-in packs' parts:");
  console.log("| part | bytes | gzip -9 alone |");
  console.log("|---|---:|---:|");
  for (const [kind, chunks] of [...kinds.entries()].sort()) {
    const bytes = Buffer.concat(chunks);
    console.log(`| ${kind} | ${bytes.length} | ${gz(bytes)} |`);
  }
}
