#!/usr/bin/env node
// Entry point of the `leaflens` CLI. The commands are TypeScript shared with the app (src/lib); tsx
// compiles them on the fly because Node 20 cannot strip types itself.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../scripts/cli.ts');
process.exitCode = await main(process.argv.slice(2));
