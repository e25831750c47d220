import { z } from 'zod';

// Zod probes for `new Function` (a faster, compiled parser) unless told not to; the app's
// Content-Security-Policy forbids eval, so the probe would only log a violation.
z.config({ jitless: true });
