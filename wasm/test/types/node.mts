// Compiled (not run) by wasm/test/types.test.mjs: the declarations as a Node.js user
// sees them (moduleResolution "node16": the package's `node` condition).
import { Checker } from "wastecheck";
import type { Report, Failure, Declaration } from "wastecheck";

const checker = Checker.builtin();
const declaration: Declaration = { kind: "declaration" };
const out: Report | Failure = checker.check(declaration, null, { locale: "zh-CN" });
const text: string = checker.checkJson(JSON.stringify({ document: declaration }));
const many: Array<Report | Failure> | Failure = checker.checkBatch([declaration], null, { locale: "en" });
const manyText: string = checker.checkBatchJson(JSON.stringify([{ document: declaration }]));
export { out, text, many, manyText };
