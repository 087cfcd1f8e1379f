/**
 * `npm start`: a back end and three simulated stations on 127.0.0.1 run every flow of
 * the protocol (PROTOCOL.md section 5), failures included, over real TCP; the transcript
 * shows every frame raw and decoded, and what the server concluded. Exits 0 when every
 * flow ran without a conversation violation.
 */
import { runDemo } from './lib/demo.js';

const result = await runDemo((line) => console.log(line));
process.exitCode = result.ok ? 0 : 1;
