#!/usr/bin/env python3
"""Check a transfer manifest with wastecheck.wasm from Python, through the `wasmtime`
package from PyPI (pip install wasmtime). The ABI is spec/abi.md.

usage: check.py WASTECHECK.wasm DOCUMENT.json... [--native DIR]
"""
import json
import sys

from wasmtime import Config, Engine, Instance, Module, Store


class Wastecheck:
    """One instance of the module, reused for many checks, with fuel and a memory cap."""

    def __init__(self, path, fuel=20_000_000_000, memory_bytes=512 << 20):
        config = Config()
        config.consume_fuel = True
        self.engine = Engine(config)
        self.module = Module.from_file(self.engine, path)
        imports = [i.name for i in self.module.imports]
        assert not imports, f"wastecheck.wasm imports nothing, found {imports}"
        self.store = Store(self.engine)
        self.store.set_limits(memory_size=memory_bytes)
        self.fuel = fuel
        self.instance = Instance(self.store, self.module, [])
        exports = self.instance.exports(self.store)
        self.memory = exports["memory"]
        self._alloc = exports["alloc"]
        self._free = exports["free"]
        self._check = exports["check"]

    def _call(self, func, *buffers):
        self.store.set_fuel(self.fuel)
        args = []
        for data in buffers:
            ptr = self._alloc(self.store, len(data))
            self.memory.write(self.store, data, ptr)
            args += [ptr, len(data)]
        packed = func(self.store, *args) % (1 << 64)  # an i64 comes back signed
        out_ptr, out_len = packed >> 32, packed & 0xFFFFFFFF
        out = bytes(self.memory.read(self.store, out_ptr, out_ptr + out_len))
        self._free(self.store, out_ptr, out_len)
        for ptr, length in zip(args[::2], args[1::2]):
            self._free(self.store, ptr, length)
        return out

    def check(self, document, facts=None, locale="zh-CN", as_of=None):
        request = {"document": document, "locale": locale}
        if facts is not None:
            request["facts"] = facts
        if as_of is not None:
            request["as_of"] = as_of
        return json.loads(self._call(self._check, json.dumps(request).encode()))


def main():
    args = sys.argv[1:]
    native = None
    if "--native" in args:
        # Reports of `wastecheck check --format json --locale en`, DIR/NAME.report.json
        # for each DOCUMENT: the module must give the same reports as the native build.
        at = args.index("--native")
        native = args[at + 1]
        del args[at : at + 2]
    wasm, documents = args[0], args[1:]
    checker = Wastecheck(wasm)  # one instance, reused for every document
    for path in documents:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        report = checker.check(document, locale="en")
        packs = ", ".join(f"{p['id']}@{p['version']} {p['digest'][:19]}…" for p in report["packs"])
        print(f"{path}: valid={report['valid']} {report['counts']} [{packs}]")
        for v in report["violations"]:
            print(f"  {v['severity']:7} {v['rule']} at {v['path'] or '/'}: {v['message']}")
        assert report["packs"] and all(p["digest"].startswith("sha256:") for p in report["packs"])
        # In Chinese: the same findings.
        again = checker.check(document)
        assert [v["rule"] for v in again["violations"]] == [v["rule"] for v in report["violations"]]
        if native is not None:
            name = path.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".json")
            with open(f"{native}/{name}.report.json", encoding="utf-8") as f:
                expected = json.load(f)
            assert report == expected, f"{path}: the module's report differs from the native one"
            print(f"  same report as the native build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
