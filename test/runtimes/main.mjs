// Runs smoke.mjs and prints what passed; a failure rejects, and the runtime exits non-zero.
import { runSmoke } from './smoke.mjs';

console.log(`import: ${(await runSmoke()).join(', ')}`);
