/**
 * Command-line arguments: `node:util` parseArgs with one-line errors, and the dialect
 * flags that `decode` and `encode` share.
 *
 * @module
 */

import { parseArgs } from 'node:util';
import type { CrcCoverage, Dialect } from '../index.js';
import { CRC_COVERAGES } from '../frame/layout.js';
import { crcAlgorithmHelp, crcByteOrderFromFlag, crcFlagValue, crcFromFlags, crcOptions } from './crcFlags.js';
import { isDigits } from './text.js';
import { UsageError } from './usage.js';

export { UsageError } from './usage.js';

/** The option table `parseArgs` takes. */
export type OptionTable = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/** What `parseArgs` returns for an option table: strings, booleans, or lists of strings. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** What parseArgs found wrong, in a few words. */
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const start = message.indexOf("'-");
  const rest = start < 0 ? '' : message.slice(start + 1);
  const end = Array.from(rest).findIndex((char) => char === "'" || char === ' ');
  const option = rest === '' ? undefined : end < 0 ? rest : rest.slice(0, end);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    return `unknown option ${option} (a value that starts with '-' goes after '--')`;
  }
  return message.split('\n')[0] ?? message;
}

/** Parses `args` against `options`; throws a {@link UsageError} naming the command on any mistake. */
export function parseCommandLine(
  command: string,
  args: readonly string[],
  options: OptionTable,
  maxPositionals: number,
): { values: OptionValues; positionals: string[] } {
  let parsed: { values: OptionValues; positionals: string[]; tokens: Array<{ kind: string; name?: string }> };
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true, tokens: true }) as typeof parsed;
  } catch (error) {
    throw new UsageError(`${describeParseError(error)} (see: powerbank-codec ${command} --help)`);
  }
  // parseArgs keeps the last of a repeated option: a second --imei would silently win.
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || token.name === undefined || options[token.name]?.multiple === true) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given twice; give it once (see: powerbank-codec ${command} --help)`);
    seen.add(token.name);
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals).map((text) => JSON.stringify(text)).join(' ');
    throw new UsageError(`unexpected argument ${extra} (see: powerbank-codec ${command} --help)`);
  }
  return parsed;
}

/** The dialect flags, shared by `decode` and `encode`. */
export const dialectOptions: OptionTable = {
  ...crcOptions,
  coverage: { type: 'string' },
  'crc-byte-order': { type: 'string' },
  quotes: { type: 'boolean' },
  'no-quotes': { type: 'boolean' },
  'line-ending': { type: 'string' },
  slots: { type: 'string' },
};

/** The help lines for the dialect flags. */
export const dialectHelp = `Dialect (default: the canonical one, quotes, CRLF, CRC-16/MODBUS over the fields
written high byte first, 3 slots):
${crcAlgorithmHelp}
  --coverage ${CRC_COVERAGES.join('|')}
                          the bytes the CRC covers
  --crc-byte-order highFirst|lowFirst
                          the CRC written high byte first (3FCE), or low byte first (CE3F)
  --quotes, --no-quotes   whether the body sits in "..." inside the braces
  --line-ending crlf|lf|none
                          what follows the closing brace
  --slots N               slot count of the station, 1 to 999`;

function coverageFromFlag(text: string): CrcCoverage {
  const coverage = CRC_COVERAGES.find((name) => name.toLowerCase() === text.toLowerCase());
  if (coverage === undefined) throw new UsageError(`--coverage must be ${CRC_COVERAGES.slice(0, -1).join(', ')} or ${CRC_COVERAGES.at(-1)!}; got "${text}"`);
  return coverage;
}

const LINE_ENDINGS: Readonly<Record<string, Dialect['lineEnding']>> = { crlf: '\r\n', lf: '\n', none: '' };

/** The flag value for a line ending: `crlf`, `lf` or `none`. */
export function lineEndingFlag(lineEnding: Dialect['lineEnding']): string {
  return lineEnding === '\r\n' ? 'crlf' : lineEnding === '\n' ? 'lf' : 'none';
}

/** An integer option value, within `min..max`. */
export function integerFlag(name: string, text: string, min: number, max: number): number {
  const value = isDigits(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; got "${text}"`);
  return value;
}

/** The dialect named by the flags in `values` (only the fields given). */
export function dialectFromFlags(values: OptionValues): Partial<Dialect> {
  const dialect: { -readonly [K in keyof Dialect]?: Dialect[K] } = {};
  const crc = crcFromFlags(values);
  if (crc !== undefined) dialect.crc = crc;
  if (typeof values['coverage'] === 'string') dialect.crcCoverage = coverageFromFlag(values['coverage']);
  if (typeof values['crc-byte-order'] === 'string') dialect.crcByteOrder = crcByteOrderFromFlag(values['crc-byte-order']);
  if (values['quotes'] === true && values['no-quotes'] === true) throw new UsageError('--quotes and --no-quotes contradict each other');
  if (values['quotes'] === true) dialect.quotes = true;
  if (values['no-quotes'] === true) dialect.quotes = false;
  const lineEnding = values['line-ending'];
  if (typeof lineEnding === 'string') {
    const key = lineEnding.toLowerCase();
    const value = Object.hasOwn(LINE_ENDINGS, key) ? LINE_ENDINGS[key] : undefined;
    if (value === undefined) throw new UsageError(`--line-ending must be crlf, lf or none; got "${lineEnding}"`);
    dialect.lineEnding = value;
  }
  if (typeof values['slots'] === 'string') dialect.slotCount = integerFlag('slots', values['slots'], 1, 999);
  return dialect;
}

/** The flags that select `dialect`, every field spelled out but the CRC byte order when it is the canonical one. */
export function flagsForDialect(dialect: Dialect): string[] {
  const flags = ['--crc', crcFlagValue(dialect.crc)];
  if (dialect.crc !== 'none') flags.push('--coverage', dialect.crcCoverage);
  if (dialect.crc !== 'none' && dialect.crcByteOrder === 'lowFirst') flags.push('--crc-byte-order', dialect.crcByteOrder);
  flags.push(dialect.quotes ? '--quotes' : '--no-quotes', '--line-ending', lineEndingFlag(dialect.lineEnding), '--slots', String(dialect.slotCount));
  return flags;
}
