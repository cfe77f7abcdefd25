#!/usr/bin/env node
// A static file server for the demo (and the browser test): serves the repository
// root on 127.0.0.1 so the demo at /wasm/demo/ can load the package from
// /wasm/dist/web/ and its starting data from /spec/examples/.
//
//   node wasm/scripts/serve.mjs [PORT]     (default 8080; 0 picks a free port)
//
// As a module: `const { server, url } = await serve(0)`.

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".ts": "text/plain; charset=utf-8",
};

function handler(req, res) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (pathname === "/") {
    res.writeHead(302, { location: "/wasm/demo/" }).end();
    return;
  }
  let file = path.join(root, path.normalize(pathname));
  if (!file.startsWith(root + path.sep) || req.method !== "GET") {
    res.writeHead(403).end();
    return;
  }
  if (pathname.endsWith("/")) file = path.join(file, "index.html");
  fs.readFile(file, (err, data) => {
    if (err) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    res.end(data);
  });
}

export function serve(port = 0, host = "127.0.0.1") {
  const server = http.createServer(handler);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port } = server.address();
      resolve({ server, url: `http://${host}:${port}` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8080);
  const { url } = await serve(port);
  console.log(`wastecheck demo: ${url}/wasm/demo/`);
}
