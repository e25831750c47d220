import { config } from 'zod/v4/core';

// Zod probes for `new Function` (a faster, compiled parser) unless told not to; the app's
// Content-Security-Policy forbids eval, so the probe would only log a violation. Zod's core alone
// (its global settings), not the whole library: the schemas load with the pages that parse.
config({ jitless: true });
