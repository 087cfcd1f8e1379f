#!/usr/bin/env node
/**
 * Type-checks every TypeScript code block of the documentation against the library's
 * sources, so that the docs cannot drift from the code: the ```ts blocks of README.md and
 * docs/*.md, and the ```ts blocks of the TSDoc @example sections in src/.
 *
 * Each block is checked as a module of its own, with the project's compiler options;
 * `powerbank-codec`, `powerbank-codec/testing` and `powerbank-codec/arbitraries` resolve to src/.
 *
 *   node scripts/check-snippets.mjs        (npm run check:snippets)
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');
const out = join(root, 'node_modules', '.cache', 'snippets');

/** Every ```ts block of `text`, with the line it starts on. */
function blocks(text, { comment }) {
  const lines = text.split('\n');
  const found = [];
  let current;
  lines.forEach((raw, index) => {
    const line = comment ? raw.replace(/^\s*\* ?/, '') : raw;
    if (current === undefined && /^\s*```(ts|typescript)\s*$/.test(line)) current = { line: index + 2, code: [] };
    else if (current !== undefined && /^\s*```\s*$/.test(line)) {
      found.push({ line: current.line, code: current.code.join('\n') });
      current = undefined;
    } else if (current !== undefined) current.code.push(line);
  });
  return found;
}

function files(directory, extension) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? (entry.name === 'api' ? [] : files(join(directory, entry.name), extension)) : entry.name.endsWith(extension) ? [join(directory, entry.name)] : [],
  );
}

const sources = [
  ...[join(root, 'README.md'), ...files(join(root, 'docs'), '.md')].map((file) => ({ file, comment: false })),
  ...files(join(root, 'src'), '.ts').map((file) => ({ file, comment: true })),
];

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const origins = new Map();
let count = 0;
for (const { file, comment } of sources) {
  for (const { line, code } of blocks(readFileSync(file, 'utf8'), { comment })) {
    const name = join(out, `snippet${++count}.ts`);
    writeFileSync(name, `${code}\nexport {};\n`);
    origins.set(name, `${relative(root, file)}:${line}`);
  }
}

const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
// Snippets show usage: unused variables are fine there.
const program = ts.createProgram([...origins.keys()], { ...options, noUnusedLocals: false, noUnusedParameters: false, noEmit: true });
const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file === undefined || origins.has(d.file.fileName));
for (const diagnostic of diagnostics) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (diagnostic.file === undefined) {
    console.error(`error: ${message}`);
    continue;
  }
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  const [origin, start] = origins.get(diagnostic.file.fileName).split(/:(?=\d+$)/);
  console.error(`${origin}:${Number(start) + line}: ${message}`);
}
console.log(`${count} code blocks checked, ${diagnostics.length} errors`);
process.exit(diagnostics.length === 0 ? 0 : 1);
