/**
 * The smoke test of the packed package, the same module in every runtime CI runs it in
 * (Node, Bun, Deno, Chromium, Firefox): it imports the package by name, as a user does
 * (from node_modules, or through an import map in a browser), and throws on the first
 * thing that is not as documented. `runSmoke()` resolves to the names of the checks
 * that passed.
 *
 * scripts/runtimes-test.sh copies it into a scratch project next to the installed
 * tarball; test/browser/run.mjs serves it to the browsers.
 */
import { createDecodeTransform, createDecoder, decode, decodeStream, encode, encodeToString, isProtocolError, replyTo } from 'powerbank-codec';
import { ConversationTracker, StationSimulator } from 'powerbank-codec/testing';
import { arbFrame, arbNoisyStream } from 'powerbank-codec/arbitraries';
import fc from 'fast-check';

const IMEI = '860123456789014';
const text = new TextEncoder();

function check(condition, what) {
  if (!condition) throw new Error(`smoke: ${what}`);
}

/** A heartbeat, modem noise, a lend success, a frame with a bad CRC and the start of a frame cut off. */
function session() {
  const parts = [
    encode({ type: 'Heartbeat', imei: IMEI }),
    text.encode('AT+CSQ\r\n'),
    encode({ type: 'LendSuccess', imei: IMEI, slot: 2, powerBankId: '1234567890' }),
    text.encode(`{"${IMEI},CH,,0000"}\r\n{"86012`),
  ];
  const bytes = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

const EXPECTED = 'Heartbeat, noise, LendSuccess, error:CRC, truncated';
const summary = (items) =>
  items.map((item) => (item.kind === 'message' ? item.message.type : item.kind === 'error' ? `error:${item.error.code}` : item.kind)).join(', ');

function chunksOf(bytes, size) {
  const chunks = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
  return chunks;
}

export async function runSmoke() {
  const passed = [];

  // One frame each way.
  const result = decode(`{"${IMEI},MC,BO.2.1234567890,88DD"}\r\n`);
  check(result.ok && result.message.type === 'LendSuccess' && result.message.slot === 2, `decode: ${JSON.stringify(result)}`);
  const ack = encodeToString({ ...result.message, type: 'LendSuccessAck' });
  check(ack === `{"${IMEI},AM,BO.2.1234567890,B87A"}\r\n`, `encodeToString: ${ack}`);
  const frame = encode({ type: 'StatusQuery', imei: IMEI });
  check(frame instanceof Uint8Array && frame.constructor === Uint8Array, 'encode returns a plain Uint8Array');
  check(Object.prototype.toString.call(frame.buffer) === '[object ArrayBuffer]', 'encode returns bytes over an ArrayBuffer');
  check(new TextDecoder().decode(frame) === `{"${IMEI},CQ,,AFC5"}\r\n`, 'encode: the status query');
  check(decode(frame).ok, 'decode(encode(m))');
  passed.push('decode and encode');

  // Errors are recognised by name, not by class.
  let thrown;
  try {
    encode({ type: 'Heartbeat', imei: '1' });
  } catch (error) {
    thrown = error;
  }
  check(isProtocolError(thrown) && thrown.code === 'IMEI', `encode of a bad IMEI throws ProtocolError IMEI: ${thrown}`);
  passed.push('ProtocolError');

  // The stream decoder, three ways, over 7-byte chunks.
  const bytes = session();
  const decoder = createDecoder({ from: 'device' });
  const pushed = [...chunksOf(bytes, 7).flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
  check(summary(pushed) === EXPECTED, `createDecoder: ${summary(pushed)}`);
  const frames = pushed.filter((item) => item.kind === 'message').map((item) => item.frame);
  check(frames.every((bytes) => bytes.constructor === Uint8Array), 'decoded frames are plain Uint8Arrays');
  async function* source() {
    for (const chunk of chunksOf(bytes, 7)) yield chunk;
  }
  const streamed = [];
  for await (const item of decodeStream(source(), { from: 'device' })) streamed.push(item);
  check(summary(streamed) === EXPECTED, `decodeStream: ${summary(streamed)}`);
  const readable = new ReadableStream({
    start(controller) {
      for (const chunk of chunksOf(bytes, 7)) controller.enqueue(chunk);
      controller.close();
    },
  });
  const reader = readable.pipeThrough(createDecodeTransform({ from: 'device' })).getReader();
  const transformed = [];
  for (let next = await reader.read(); !next.done; next = await reader.read()) transformed.push(next.value);
  check(summary(transformed) === EXPECTED, `createDecodeTransform: ${summary(transformed)}`);
  passed.push('stream decoder (push, decodeStream, TransformStream)');

  // The conversation (powerbank-codec/testing): a simulated station lends, the server
  // acknowledges, the tracker sees the lend through.
  const station = new StationSimulator({ imei: IMEI, banks: [{ slot: 2, powerBankId: '1234567890' }] });
  const tracker = new ConversationTracker();
  const request = { type: 'LendRequest', imei: IMEI, slot: 2, powerBankId: '1234567890' };
  tracker.observe('server', request, 0);
  const [lent] = station.receive(request, 0);
  check(lent?.type === 'LendSuccess', `StationSimulator: ${JSON.stringify(lent)}`);
  tracker.observe('device', lent, 1);
  const reply = replyTo(lent, { belongs: () => true });
  check(reply?.type === 'LendSuccessAck', `replyTo: ${JSON.stringify(reply)}`);
  const [event] = tracker.observe('server', reply, 2);
  check(event?.kind === 'lent', `ConversationTracker: ${JSON.stringify(event)}`);
  passed.push('StationSimulator, replyTo and ConversationTracker');

  // The arbitraries, with the fast-check next to the package.
  fc.assert(fc.property(arbFrame(), ({ bytes, message }) => decode(bytes).ok && decode(bytes).message.type === message.type), { numRuns: 100, seed: 1 });
  fc.assert(
    fc.property(arbNoisyStream(), ({ bytes, messages, dialect }) => {
      const decoder = createDecoder({ dialect });
      const items = [...decoder.push(bytes), ...decoder.end()];
      return items.filter((item) => item.kind === 'message').length === messages.length;
    }),
    { numRuns: 50, seed: 1 },
  );
  passed.push('arbitraries with fast-check');
  return passed;
}
