/**
 * Printing for the examples: frames shown byte for byte, and a little colour when the
 * output is a terminal (never with NO_COLOR).
 */

/** Bytes as text: printable ASCII as is, CR and LF as `\r` `\n`, anything else as `\xNN`. */
export function printable(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    if (byte >= 0x20 && byte <= 0x7e) text += String.fromCharCode(byte);
    else if (byte === 0x0d) text += '\\r';
    else if (byte === 0x0a) text += '\\n';
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return text;
}

/** A frame without its line ending (the transcripts show every frame that way). */
export function withoutLineEnding(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  return bytes.subarray(0, end);
}

const useColour = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;

function paint(code: number): (text: string) => string {
  return (text) => (useColour ? `\x1b[${code}m${text}\x1b[0m` : text);
}

export const bold = paint(1);
export const dim = paint(2);
export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const cyan = paint(36);

/** Pads `text` to `width` characters (counting code points, not colour codes). */
export function pad(text: string, width: number): string {
  const visible = text.replace(/\x1b\[\d+m/g, '');
  return text + ' '.repeat(Math.max(0, width - [...visible].length));
}

/** Seconds with one decimal, from milliseconds. */
export function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}
