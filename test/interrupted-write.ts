/**
 * A command without a Ctrl-C handler of its own, as the CLI runs it (watchInterrupt on), that gets
 * Ctrl-C while it writes a large file atomically: `node --import tsx test/interrupted-write.ts FILE`.
 * For interrupt.spec.ts.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { watchInterrupt } from '../scripts/cli/interrupt';
import { writeFileAtomic } from '../src/lib/node/atomic-file';

const target = process.argv[2]!;
watchInterrupt();
void writeFileAtomic(target, new Uint8Array(64 << 20));
const poll = setInterval(() => {
	const tmp = readdirSync(path.dirname(target)).some((name) => name.includes('.tmp-'));
	if (!tmp) return;
	clearInterval(poll);
	process.stderr.write('writing\n');
	process.kill(process.pid, 'SIGINT');
}, 1);
