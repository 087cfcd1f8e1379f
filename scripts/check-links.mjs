// Every relative link of README.md and docs/*.md must point at a file that exists:
// the guides, the examples, and the API pages that `npm run docs` generates (run it
// first). Fails with the list of broken links.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const pages = ['README.md', ...readdirSync('docs').filter((name) => name.endsWith('.md')).map((name) => join('docs', name))];
const broken = [];
let checked = 0;
for (const page of pages) {
  const text = readFileSync(page, 'utf8');
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    const path = join(dirname(page), target.split('#')[0]);
    checked += 1;
    if (!existsSync(path)) broken.push(`${page}: ${target}`);
  }
}
if (broken.length > 0) {
  console.error(`${broken.length} broken link(s):\n  ${broken.join('\n  ')}`);
  process.exit(1);
}
console.log(`${checked} relative links in ${pages.length} pages, all resolve`);
