// Compiled (not run) by wasm/test/types.test.mjs: the package's declarations as a
// browser/bundler user sees them (moduleResolution "bundler").
import init, { Checker, Catalogue } from "wastecheck";
import type {
  Manifest, Facts, Report, Failure, CheckOptions, SearchHit, CatalogueEntry, RuleInfo,
  PackInfo, Violation, Document, Severity, DocumentKind,
} from "wastecheck";

export async function demo(): Promise<string[]> {
  await init();
  const checker: Checker = Checker.builtin();
  const manifest: Manifest = {
    kind: "manifest",
    stage: "draft",
    consignor: { credit_code: "91330603MA2D7K4P5W", name: "绍兴某某化工有限公司" },
    wastes: [{ code: "900-041-49", category: "HW49", hazards: ["T"], quantity: { value: "1.5", unit: "t" } }],
  };
  const facts: Facts = { enterprises: [] };
  const options: CheckOptions = { locale: "en", asOf: "2026-03-02" };
  const out: Report | Failure = checker.check(manifest, facts, options);
  if ("error" in out) return [out.error.code, out.error.message];
  const report: Report = out;
  const first: Violation | undefined = report.violations[0];
  const severity: Severity | undefined = first?.severity;
  const kind: DocumentKind | null | undefined = report.kind;
  const catalogue: Catalogue = checker.catalogue;
  const hits: SearchHit[] = catalogue.search("废矿物油", 8);
  const entry: CatalogueEntry | null = catalogue.get("900-041-49");
  const rules = checker.rules();
  const ids: string[] = "error" in rules ? [] : rules.map((r: RuleInfo) => r.id);
  const packs: PackInfo[] = checker.packs();
  const loaded = Checker.fromBundle(new Uint8Array(0), ["wastecheck-ed25519-public:…"], { allowUnsigned: false });
  const field = checker.checkField(manifest as Document, "/consignor/credit_code");
  // @ts-expect-error: the option is `asOf`; the types reject what the checker would refuse
  const wrong: CheckOptions = { as_of: "2026-01-01" };
  // @ts-expect-error: a waste code is a string
  const badLine: Manifest = { kind: "manifest", wastes: [{ code: 900041 }] };
  return [
    String(severity), String(kind), String(hits.length), String(entry?.category), ...ids,
    String(packs.length), String(loaded instanceof Checker), String("error" in field), String(wrong), String(badLine),
  ];
}
