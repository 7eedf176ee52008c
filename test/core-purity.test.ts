/**
 * src/core is pure: it runs unchanged in the browser, so it must not import
 * Node built-ins (`node:fs` or bare `fs`), touch `process`, read files or
 * the network, use `require`, or import an adapter (cli, node, api, site).
 * The source text of every file under src/core is scanned; comments and
 * string contents are ignored so documentation may mention these words.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CORE = join(ROOT, 'src', 'core');

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : /\.(ts|tsx|mts|js|mjs)$/.test(f) ? [p] : [];
    });
}

/**
 * Blank out comments, and (unless `keepStrings`) the contents of string and
 * template literals, keeping offsets and line breaks so that line numbers
 * stay right. Template `${...}` expressions stay code.
 * @param src the source text
 * @param keepStrings keep string contents (to read import specifiers)
 * @returns the text with the same length
 */
function stripNonCode(src: string, keepStrings = false): string {
  const out = src.split('');
  const blank = (from: number, to: number) => {
    for (let j = from; j < to; j++) if (out[j] !== '\n') out[j] = ' ';
  };
  const stack: ('code' | 'template')[] = ['code'];
  let braceDepth: number[] = [0];
  let lastSignificant = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const mode = stack[stack.length - 1];
    if (mode === 'template') {
      const start = i;
      while (i < src.length && src[i] !== '`' && !(src[i] === '$' && src[i + 1] === '{')) i += src[i] === '\\' ? 2 : 1;
      if (!keepStrings) blank(start, Math.min(i, src.length));
      if (src[i] === '`') {
        stack.pop();
        i++;
      } else if (i < src.length) {
        stack.push('code');
        braceDepth.push(0);
        i += 2;
      }
      lastSignificant = '`';
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      if (!keepStrings) blank(i + 1, Math.min(j, src.length));
      i = j + 1;
      lastSignificant = c;
      continue;
    }
    if (c === '`') {
      stack.push('template');
      i++;
      continue;
    }
    if (c === '/' && (lastSignificant === '' || /[(,=:[!&|?{};+\-*%<>~^]/.test(lastSignificant) || /\b(return|typeof|case|in|of)$/.test(src.slice(Math.max(0, i - 8), i).trimEnd()))) {
      // a regular expression literal: skip to its closing slash (outside a character class)
      let j = i + 1;
      let inClass = false;
      while (j < src.length && src[j] !== '\n') {
        if (src[j] === '\\') j += 2;
        else {
          if (src[j] === '[') inClass = true;
          else if (src[j] === ']') inClass = false;
          else if (src[j] === '/' && !inClass) break;
          j++;
        }
      }
      if (!keepStrings) blank(i + 1, Math.min(j, src.length));
      i = j + 1;
      lastSignificant = '/';
      continue;
    }
    if (c === '{') braceDepth[braceDepth.length - 1]++;
    if (c === '}') {
      if (braceDepth[braceDepth.length - 1] === 0 && stack.length > 1) {
        stack.pop();
        braceDepth = braceDepth.slice(0, -1);
        i++;
        continue;
      }
      braceDepth[braceDepth.length - 1]--;
    }
    if (!/\s/.test(c)) lastSignificant = c;
    i++;
  }
  return out.join('');
}

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.split('/')[0]));

/** Every module specifier a file imports or re-exports, with its line. */
function specifiers(src: string): { spec: string; line: number }[] {
  const text = stripNonCode(src, true);
  const code = stripNonCode(src, false);
  const out: { spec: string; line: number }[] = [];
  const re = /\b(?:import|export)\s*(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s*)?(['"])([^'"]+)\1|\bimport\s*\(\s*(['"])([^'"]+)\3\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // only where the keyword is code, not inside a string
    if (code.slice(m.index, m.index + 6) !== text.slice(m.index, m.index + 6)) continue;
    out.push({ spec: m[2] ?? m[4], line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

/** The rules, each a pattern over code with comments and strings blanked. */
const RULES: { what: string; re: RegExp }[] = [
  { what: 'references `process`', re: /(?<![.\w$])process\b(?!\s*:(?!:))/ },
  { what: 'references `globalThis.process`', re: /globalThis\s*\.\s*process\b/ },
  { what: 'calls `require(`', re: /(?<![.\w$])require\s*\(/ },
  { what: 'reads or writes files', re: /\b(readFile|readFileSync|readdir|readdirSync|writeFile|writeFileSync|existsSync|statSync|createReadStream|createWriteStream|opendir)\b/ },
  { what: 'uses the network (`fetch(`)', re: /(?<![.\w$])fetch\s*\(/ },
  { what: 'uses `__dirname` / `__filename`', re: /\b(__dirname|__filename)\b/ },
];

/**
 * Every purity violation in one file.
 * @param file absolute path of the file
 * @param src its text
 * @returns `path:line: what` strings
 */
function violations(file: string, src: string): string[] {
  const shown = relative(ROOT, file).split('\\').join('/');
  const out: string[] = [];
  for (const { spec, line } of specifiers(src)) {
    const bare = spec.replace(/^node:/, '').split('/')[0];
    if (spec.startsWith('node:') || BUILTINS.has(bare)) out.push(`${shown}:${line}: imports the Node built-in "${spec}"`);
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(CORE + '/') && target !== CORE) out.push(`${shown}:${line}: imports "${spec}", outside src/core (core never imports an adapter)`);
    }
  }
  const code = stripNonCode(src).split('\n');
  code.forEach((text, i) => {
    for (const rule of RULES) if (rule.re.test(text)) out.push(`${shown}:${i + 1}: ${rule.what}`);
  });
  return out;
}

describe('src/core purity', () => {
  const files = walk(CORE);

  it('has files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('imports no Node built-ins, never touches process, files or the network', () => {
    const found = files.flatMap((f) => violations(f, readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });
});

describe('the purity scanner itself', () => {
  const check = (src: string) => violations(join(CORE, 'sample.ts'), src);

  it.each([
    ["import { readFileSync } from 'node:fs';", 'imports the Node built-in "node:fs"'],
    ["import path from 'path';", 'imports the Node built-in "path"'],
    ["export { join } from 'node:path';", 'imports the Node built-in "node:path"'],
    ["import type { Stats } from 'fs';", 'imports the Node built-in "fs"'],
    ["const m = await import('child_process');", 'imports the Node built-in "child_process"'],
    ["import { run } from '../cli/index.js';", 'outside src/core'],
    ["import { x } from '../node/content.js';", 'outside src/core'],
    ['const home = process.env.HOME;', 'references `process`'],
    ['if (globalThis.process) {}', 'references `globalThis.process`'],
    ["const fs = require('fs');", 'calls `require(`'],
    ['const text = readFileSync(p);', 'reads or writes files'],
    ['await fetch(url);', 'uses the network'],
    ['const t = `${process.cwd()}/x`;', 'references `process`'],
  ])('flags %s', (src, what) => {
    expect(check(src).join('\n')).toContain(what);
  });

  it.each([
    '// process the lines one by one',
    '/* reads files? no: readFileSync is for adapters */',
    "const label = 'max user processes: process';",
    'const msg = "run require(x) elsewhere";',
    'const re = /process|readFile/;',
    'const t = `the process ${count} files`;',
    "import { parseKernel } from './kernel.js';",
    "import { z } from 'zod';",
    'const o = { process: 1 }; o.process = 2;',
    "const s = 'import x from \"node:fs\"';",
  ])('does not flag %s', (src) => {
    expect(check(src)).toEqual([]);
  });

  it('keeps line numbers through comments and strings', () => {
    const src = '/* a\nb */\nconst s = `x\ny`;\nprocess.exit(1);\n';
    expect(check(src)).toEqual(['src/core/sample.ts:5: references `process`']);
  });
});
