/** The hub's deadlines are internal, so this file imports them from `src/`. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deadlines } from '../src/hub/deadlines.js';

describe('Deadlines', () => {
  it('gives its entries back earliest first, whatever the order they came in, ties included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (times) => {
        const deadlines = new Deadlines<number>();
        times.forEach((time, index) => deadlines.push(time, index));
        const out: Array<[number, number]> = [];
        while (deadlines.size > 0) {
          out.push([deadlines.firstTime!, deadlines.firstItem!]);
          deadlines.pop();
        }
        expect(out.map(([time]) => time)).toEqual([...times].sort((a, b) => a - b));
        expect(out.map(([, index]) => times[index])).toEqual(out.map(([time]) => time));
        expect(deadlines.firstTime).toBeUndefined();
      }),
    );
  });

  it('mixes pushes and pops: the front is always the earliest of what is in it', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 1000 }), { freq: 3 }), { maxLength: 300 }), (steps) => {
        const deadlines = new Deadlines<string>();
        const model: number[] = [];
        for (const step of steps) {
          if (step === null) {
            if (model.length === 0) continue;
            model.sort((a, b) => a - b).shift();
            deadlines.pop();
          } else {
            model.push(step);
            deadlines.push(step, String(step));
          }
          expect(deadlines.firstTime).toBe(model.length === 0 ? undefined : Math.min(...model));
          expect(deadlines.size).toBe(model.length);
        }
      }),
    );
  });
});

describe('Deadlines.retain', () => {
  it('keeps the entries it is told to, and gives them back earliest first', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), fc.integer({ min: 2, max: 5 }), (times, modulo) => {
        const deadlines = new Deadlines<number>();
        times.forEach((time, index) => deadlines.push(time, index));
        deadlines.retain((index, time) => index % modulo !== 0 && time === times[index]);
        const out: number[] = [];
        while (deadlines.size > 0) {
          out.push(deadlines.firstTime!);
          deadlines.pop();
        }
        expect(out).toEqual(times.filter((_, index) => index % modulo !== 0).sort((a, b) => a - b));
      }),
    );
  });
});
