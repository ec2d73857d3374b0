// Validates every object in the given YAML files against the Kubernetes OpenAPI schema that
// kubernetes-models carries (Kubernetes v1.36), choosing the model by apiVersion and kind.
// Prints "ok <file> <kind>/<name>" per object and "validated N objects"; on the first
// invalid or unknown object it prints the object and the error and exits 1.
//   node validate.mjs FILE.yaml [FILE.yaml ...]
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

async function modelFor(apiVersion, kind) {
  // "v1" is the core group (kubernetes-models/v1/Service), "apps/v1" → kubernetes-models/apps/v1/Deployment.
  if (!/^[a-z0-9.]+(\/[a-z0-9]+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind];
  } catch (error) {
    if (error.code === "ERR_MODULE_NOT_FOUND" || error.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") return undefined;
    throw error;
  }
}

function fail(file, object, message) {
  console.error(`INVALID ${file}: ${object?.kind ?? "?"}/${object?.metadata?.name ?? "?"}`);
  console.error(message);
  console.error(JSON.stringify(object, null, 2));
  process.exit(1);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE.yaml [FILE.yaml ...]");
  process.exit(2);
}

let count = 0;
for (const file of files) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (document.errors.length > 0) fail(file, undefined, `YAML error: ${document.errors.map((e) => e.message).join("; ")}`);
    const object = document.toJS();
    if (object === null || object === undefined) continue;
    const Model = await modelFor(object.apiVersion, object.kind);
    if (Model === undefined) fail(file, object, `no Kubernetes model for apiVersion '${object.apiVersion}', kind '${object.kind}'`);
    try {
      new Model(object).validate();
    } catch (error) {
      fail(file, object, error.message);
    }
    count++;
    console.log(`ok ${file} ${object.kind}/${object.metadata?.name}`);
  }
}
console.log(`validated ${count} objects`);
