import { createDecoder } from 'powerbank-codec';
import { connectionTraffic } from './fixtures.js';
const traffic = connectionTraffic(1000, 20);
const ds = Array.from({ length: 1000 }, () => createDecoder({ from: 'device' }));
const t = performance.now(); let n = 0;
while (performance.now() - t < 4000) { for (const { connection, bytes } of traffic.chunks) for (const item of ds[connection]!.push(bytes)) if (item.kind === 'message') n++; }
console.log(((performance.now() - t) * 1e6 / n).toFixed(0), 'ns/frame');
