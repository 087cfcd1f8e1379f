// Every relative link must point at a file that exists. Fails with the list of broken
// links.
//
//   node scripts/check-links.mjs        README.md and docs/*.md of this clone: the guides,
//                                       the examples, and the API pages that `npm run docs`
//                                       generates (run it first)
//   node scripts/check-links.mjs DIR    every .md and .html file of an installed package
//                                       (DIR = node_modules/powerbank-codec): a link must
//                                       resolve inside DIR, since nothing else ships
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const [base] = process.argv.slice(2);
const root = resolve(base ?? '.');

/** Every file under `directory` whose name ends with one of `extensions`, node_modules left out. */
function files(directory, extensions) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(path, extensions);
    return extensions.some((extension) => entry.name.endsWith(extension)) ? [path] : [];
  });
}

/** The link targets of a page: Markdown inline links and reference definitions, HTML href and src. */
function targets(page, text) {
  if (page.endsWith('.html')) return [...text.matchAll(/\s(?:href|src)="([^"]*)"/g)].map(([, target]) => target.replaceAll('&amp;', '&'));
  return [...text.matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g), ...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map(([, target]) => target);
}

const pages =
  base === undefined
    ? ['README.md', ...readdirSync('docs').filter((name) => name.endsWith('.md')).map((name) => join('docs', name))].map((page) => resolve(page))
    : files(root, ['.md', '.html']);
const broken = [];
let checked = 0;
for (const page of pages) {
  for (const target of targets(page, readFileSync(page, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('//') || target === '') continue;
    const path = resolve(dirname(page), decodeURIComponent(target.split(/[?#]/)[0]));
    checked += 1;
    const outside = relative(root, path).startsWith('..');
    if (outside || !existsSync(path)) broken.push(`${relative(root, page)}: ${target}${outside ? ' (outside the package)' : ''}`);
  }
}
if (broken.length > 0) {
  console.error(`${broken.length} broken link(s):\n  ${broken.join('\n  ')}`);
  process.exit(1);
}
console.log(`${checked} relative links in ${pages.length} pages, all resolve`);
