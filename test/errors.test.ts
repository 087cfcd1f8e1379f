import { describe, expect, it } from 'vitest';
import { encode, isProtocolError, ProtocolError } from 'powerbank-codec';

describe('ProtocolError', () => {
  it('is an Error with a stable name, code and field', () => {
    const error = new ProtocolError('SLOT', 'slot', 'slot must be an integer from 1 to 3; got 0');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProtocolError');
    expect(error.code).toBe('SLOT');
    expect(error.field).toBe('slot');
    expect(String(error)).toBe('ProtocolError: slot must be an integer from 1 to 3; got 0');
  });

  it('is recognised by name, so that two copies of the package agree', () => {
    const fromAnotherCopy = Object.assign(new Error('x'), { name: 'ProtocolError', code: 'IMEI', field: 'imei' });
    expect(isProtocolError(fromAnotherCopy)).toBe(true);
    expect(isProtocolError(new Error('x'))).toBe(false);
    expect(isProtocolError(Object.assign(new Error('x'), { name: 'ProtocolError' }))).toBe(false);
    expect(isProtocolError({ name: 'ProtocolError', code: 'IMEI' })).toBe(false);
    expect(isProtocolError(undefined)).toBe(false);
    expect(isProtocolError(Object.assign(new Error('x'), { code: 'IMEI', field: 'imei' }))).toBe(false);
    expect(isProtocolError(Object.assign(new TypeError('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(false);
  });

  it('is what encode throws', () => {
    expect(() => encode({ type: 'Heartbeat', imei: 'x' })).toThrow(ProtocolError);
  });
});
