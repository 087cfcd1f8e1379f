/**
 * JSON values from a text stream: one after another, whitespace between (JSON Lines, or
 * pretty-printed objects), each handed over as soon as it is complete.
 *
 * @module
 */

import { UsageError } from './args.js';

/** What JSON allows between values. */
const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** A complete top-level JSON value and the line it starts on. */
export interface JsonText {
  readonly text: string;
  readonly line: number;
}

/**
 * Cuts a stream of text into top-level JSON objects and arrays by counting brackets
 * outside strings. It does not check the JSON: `JSON.parse` does that on each value.
 */
export class JsonSplitter {
  private value = '';
  private depth = 0;
  private inString = false;
  private escaping = false;
  private line = 1;
  private startLine = 1;

  /** Feeds more text; returns the values it completes. */
  push(text: string): JsonText[] {
    const values: JsonText[] = [];
    for (const char of text) {
      if (this.depth === 0) {
        if (char === '\n') this.line++;
        if (JSON_WHITESPACE.has(char)) continue;
        if (char !== '{' && char !== '[') {
          throw new UsageError(`stdin line ${this.line}: expected a JSON object (a message) or an array of them, found ${JSON.stringify(char)}`);
        }
        this.startLine = this.line;
      } else if (char === '\n') {
        this.line++;
      }
      this.value += char;
      if (this.inString) {
        if (this.escaping) this.escaping = false;
        else if (char === '\\') this.escaping = true;
        else if (char === '"') this.inString = false;
      } else if (char === '"') {
        this.inString = true;
      } else if (char === '{' || char === '[') {
        this.depth++;
      } else if (char === '}' || char === ']') {
        this.depth--;
        if (this.depth === 0) {
          values.push({ text: this.value, line: this.startLine });
          this.value = '';
        }
      }
    }
    return values;
  }

  /** Ends the text; throws if a value was left unfinished. */
  end(): void {
    if (this.depth > 0) throw new UsageError(`stdin line ${this.startLine}: the JSON value that starts here is not complete`);
  }
}
