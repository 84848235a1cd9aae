// Validates Kubernetes manifests (a multi-document YAML file, e.g. `kubectl kustomize` output)
// against the JSON schemas of kubernetes-models (Kubernetes core/apps APIs) and
// @kubernetes-models/prometheus-operator (ServiceMonitor, PodMonitor, PrometheusRule):
// types, required fields, enums and patterns (e.g. durations, quantities). An apiVersion/kind
// with no schema here is an error, not a pass.
//   node validate.mjs rendered.yaml
// Prints one line per object and "N passed, N failed"; exit status 1 on any failure.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

function modulePath(apiVersion) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  }
  // "v1" is the core group; "apps/v1" and the like map to kubernetes-models/<group>/<version>.
  return `kubernetes-models/${apiVersion}`;
}

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate.mjs MANIFESTS.yaml");
  process.exit(2);
}
let passed = 0;
let failed = 0;
const docs = parseAllDocuments(readFileSync(file, "utf8"));
for (const doc of docs) {
  if (doc.errors.length) {
    console.log(`FAIL  YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
    failed++;
    continue;
  }
  const obj = doc.toJS();
  if (obj === null || obj === undefined) continue;
  const what = `${obj.kind}/${obj.metadata?.name} (${obj.apiVersion})`;
  let Model;
  try {
    Model = (await import(modulePath(obj.apiVersion)))[obj.kind];
  } catch (e) {
    Model = undefined;
  }
  if (typeof Model !== "function") {
    console.log(`FAIL  ${what}: no schema for this apiVersion/kind`);
    failed++;
    continue;
  }
  try {
    new Model(obj).validate();
    console.log(`ok    ${what}`);
    passed++;
  } catch (e) {
    console.log(`FAIL  ${what}: ${e.message}`);
    failed++;
  }
}
if (passed + failed === 0) {
  console.log("FAIL  no objects found");
  failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
