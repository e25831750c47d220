// Zod probes for `new Function` (a faster, compiled parser) unless told not to; the app's
// Content-Security-Policy forbids eval, so the probe would only log a violation. Zod keeps its
// settings in `globalThis.__zod_globalConfig`, shared by every copy of it loaded (colinhacks/zod#5889):
// set here, before any schema loads, it costs the first bytes nothing (zod's core is 4 KiB gzip).
// hooks.client.spec.ts checks that zod reads it.
type ZodGlobal = { __zod_globalConfig?: { jitless?: boolean } };
((globalThis as ZodGlobal).__zod_globalConfig ??= {}).jitless = true;

export {};
