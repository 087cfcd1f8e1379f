/**
 * Character tests for reading what users type and paste, written as plain loops: the
 * project keeps regular expressions out of src/.
 *
 * @module
 */

/** Whether `char` is one of 0-9. */
export function isDigit(char: string | undefined): boolean {
  return char !== undefined && char.length === 1 && char >= '0' && char <= '9';
}

/** Whether `char` is one of 0-9, a-f, A-F. */
export function isHexDigit(char: string | undefined): boolean {
  return isDigit(char) || (char !== undefined && char.length === 1 && ((char >= 'a' && char <= 'f') || (char >= 'A' && char <= 'F')));
}

/** Whether `text` is one or more decimal digits. */
export function isDigits(text: string): boolean {
  return text.length > 0 && Array.from(text).every(isDigit);
}

/** Whether `text` is one or more hex digits. */
export function isHexDigits(text: string): boolean {
  return text.length > 0 && Array.from(text).every(isHexDigit);
}

/** Whether `char` is a space or a tab. */
export function isBlank(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

/** The number of hex digits in `text` from `start` on. */
export function countHexDigits(text: string, start: number): number {
  let end = start;
  while (isHexDigit(text[end])) end++;
  return end - start;
}

/** Splits `text` at every character `isSeparator` accepts, dropping empty pieces. */
export function splitAt(text: string, isSeparator: (char: string) => boolean): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const char of text) {
    if (!isSeparator(char)) piece += char;
    else if (piece !== '') {
      pieces.push(piece);
      piece = '';
    }
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}
