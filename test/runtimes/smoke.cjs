/**
 * The CommonJS half of the smoke test (smoke.mjs is the ES-module half): `require` of
 * the package and of its testing and arbitraries subpaths, one frame each way. Run where a runtime
 * has `require`: Node, Bun, Deno (a .cjs file).
 */
const { decode, encodeToString, isProtocolError } = require('powerbank-codec');
const { StationSimulator } = require('powerbank-codec/testing');
const { arbFrame } = require('powerbank-codec/arbitraries');
const fc = require('fast-check');

const result = decode('{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n');
if (!result.ok || result.message.type !== 'LendSuccess') throw new Error(`smoke.cjs: decode: ${JSON.stringify(result)}`);
const ack = encodeToString({ ...result.message, type: 'LendSuccessAck' });
if (ack !== '{"860123456789014,AM,BO.2.1234567890,B87A"}\r\n') throw new Error(`smoke.cjs: encodeToString: ${ack}`);
try {
  encodeToString({ type: 'Heartbeat', imei: '1' });
  throw new Error('smoke.cjs: encode of a bad IMEI did not throw');
} catch (error) {
  if (!isProtocolError(error)) throw error;
}
const [heartbeat] = new StationSimulator({ imei: '860123456789014' }).tick(0);
if (heartbeat?.type !== 'Heartbeat') throw new Error(`smoke.cjs: StationSimulator: ${JSON.stringify(heartbeat)}`);
fc.assert(fc.property(arbFrame(), ({ bytes }) => decode(bytes).ok), { numRuns: 100, seed: 1 });
console.log('require: decode, encode, ProtocolError, testing, arbitraries');
