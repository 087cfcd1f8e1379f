/**
 * Colours for a terminal: on only when the stream is a TTY (or `FORCE_COLOR` asks for
 * them), never when `NO_COLOR` is set (https://no-color.org).
 *
 * @module
 */

/** Wraps text in one ANSI style, or leaves it as it is when colours are off. */
export type Paint = (text: string) => string;

/** The styles the tool uses. */
export interface Style {
  readonly ok: Paint;
  readonly bad: Paint;
  readonly warn: Paint;
  readonly dim: Paint;
  readonly bold: Paint;
}

function isSet(name: string): boolean {
  const value = process.env[name];
  return value !== undefined && value !== '';
}

/** Whether to colour what is written to `stream`. */
export function wantsColour(stream: { readonly isTTY?: boolean }): boolean {
  if (isSet('NO_COLOR')) return false;
  if (isSet('FORCE_COLOR') && process.env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true;
}

const ansi = (open: number, close: number): Paint => (text) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain: Paint = (text) => text;

/** The styles for `stream`: ANSI colours, or none. */
export function styleFor(stream: { readonly isTTY?: boolean }): Style {
  if (!wantsColour(stream)) return { ok: plain, bad: plain, warn: plain, dim: plain, bold: plain };
  return { ok: ansi(32, 39), bad: ansi(31, 39), warn: ansi(33, 39), dim: ansi(2, 22), bold: ansi(1, 22) };
}
