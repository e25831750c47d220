#!/usr/bin/env node
// Entry point of the `leaflens` CLI. The commands are TypeScript shared with the app (src/lib); tsx
// compiles them on the fly because Node 20 cannot strip types itself.
import { register } from 'tsx/esm/api';

register();
// Output piped into a reader that stops early (`leaflens predict … | head`): stop quietly, as Unix
// tools do, instead of an unhandled EPIPE (which TF.js's wasm module reports by printing itself);
// with exit 1 when a command has already failed on something (predict: a photo it could not read).
process.stdout.on('error', (error) => {
	if (error.code !== 'EPIPE') throw error;
	process.exit(process.exitCode ?? 0);
});
const { main } = await import('../scripts/cli.ts');
process.exitCode = await main(process.argv.slice(2));
