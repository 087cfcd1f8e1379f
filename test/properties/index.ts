/**
 * Every property of the codec and the streaming layer, by name, with the number of
 * cases CI runs. The test suite runs each as its own test; `npm run fuzz` runs them all
 * with a large budget.
 */
import type fc from 'fast-check';
import { codecProperties } from './codec.js';
import { streamProperties } from './stream.js';

export interface NamedProperty {
  readonly build: () => fc.IProperty<unknown[]>;
  /** Cases per CI run: enough to matter, small enough to keep `npm test` quick. */
  readonly ciRuns: number;
}

const ciRuns: Record<string, number> = {
  'decode never throws and returns a well-formed result, for arbitrary bytes': 10_000,
  'decode never throws and returns a well-formed result, for arbitrary strings': 10_000,
  'splitter: model-based, every push returns exactly the events its bytes complete': 300,
};

export const properties: Record<string, NamedProperty> = Object.fromEntries(
  Object.entries({ ...codecProperties, ...streamProperties }).map(([name, build]) => [
    name,
    { build: build as () => fc.IProperty<unknown[]>, ciRuns: ciRuns[name] ?? 1_000 },
  ]),
);
