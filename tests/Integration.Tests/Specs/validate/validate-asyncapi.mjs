// Validates AsyncAPI documents with @asyncapi/parser, as `asyncapi validate` does: every diagnostic
// of severity error fails; the rest are printed. Usage: node validate-asyncapi.mjs file...
import { readFile } from 'node:fs/promises';
import { Parser } from '@asyncapi/parser';

const parser = new Parser();
let failed = 0;
for (const file of process.argv.slice(2)) {
  const { document, diagnostics } = await parser.parse(await readFile(file, 'utf8'), { source: file });
  const errors = diagnostics.filter(d => d.severity === 0);
  for (const d of diagnostics) console.log(`${file}: ${['error', 'warning', 'info', 'hint'][d.severity]} ${d.code}: ${d.message} at ${d.path.join('.')}`);
  if (!document || errors.length > 0) { failed++; console.log(`${file}: INVALID (${errors.length} errors)`); }
  else console.log(`${file}: valid (${document.channels().length} channels, ${document.operations().length} operations, ${document.messages().length} messages)`);
}
process.exit(failed > 0 ? 1 : 0);
