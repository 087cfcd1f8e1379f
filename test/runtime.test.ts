/**
 * The library runs in Node, browsers, Deno and Bun: nothing in src/ (but the CLI) may
 * import from Node or use its globals. (`npm run test:runtimes` runs the packed tarball
 * in Node 18.7 and 20, Bun, Deno, Chromium and Firefox.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', 'src');
const NODE_GLOBALS = new Set(['Buffer', 'process', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate']);
const builtins = new Set(builtinModules);

function files(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(directory, entry.name)) : entry.name.endsWith('.ts') ? [join(directory, entry.name)] : [],
  );
}

/** Every use of Node in `file`: builtin imports and Node-only globals, as "file:line what". */
function nodeUses(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const uses: string[] = [];
  const where = (node: ts.Node) => `${relative(src, file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const name = node.moduleSpecifier.text;
      if (name.startsWith('node:') || builtins.has(name)) uses.push(`${where(node)} imports ${name}`);
    }
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text)) {
      const parent = node.parent;
      const isPropertyName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent);
      if (!isPropertyName) uses.push(`${where(node)} uses ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

describe('the library core is runtime-neutral', () => {
  it('notices Node imports and globals (the check can fail)', () => {
    expect(nodeUses(join(src, 'probe.ts'), "import { Socket } from 'node:net';\nimport fs from 'fs';\nconst b = Buffer.from('x');\nprocess.exit(0);\n")).toEqual([
      'probe.ts:1 imports node:net',
      'probe.ts:2 imports fs',
      'probe.ts:3 uses Buffer',
      'probe.ts:4 uses process',
    ]);
  });

  it('imports nothing from Node and uses none of its globals outside src/cli/', () => {
    const core = files(src).filter((file) => !relative(src, file).startsWith('cli'));
    expect(core.length).toBeGreaterThan(20);
    expect(core.flatMap((file) => nodeUses(file))).toEqual([]);
  });
});
