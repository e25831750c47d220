import { detectBackends } from '../../src/lib/ml/backends';
import { NODE_BACKENDS } from '../../src/lib/node/tf-node';
import { defineCommand } from '../cli/command';

export default defineCommand({
	name: 'backends',
	summary: 'List the TF.js backends available in Node, with a short speed probe',
	help: `
Usage: leaflens backends [--json]

Tries each TF.js backend Node can run (wasm, cpu), times a short probe shaped like MobileNet work
(median of 3 after a warm-up) and prints which one is fastest.

Options:
  --json      print one JSON object instead of a table
  -h, --help  show this help`,
	options: { json: { type: 'boolean' } },
	async run({ values }) {
		const { tf } = await import('../../src/lib/node/tf-node');
		const status = await detectBackends(tf, { candidates: NODE_BACKENDS, probe: true });
		if (values.json) {
			console.log(JSON.stringify(status));
		} else {
			for (const r of status.reports) {
				const state = r.available ? `${r.probeMs?.toFixed(1)} ms` : `unavailable (${r.reason})`;
				console.log(`${r.name.padEnd(6)} ${state}${r.canTrainConv ? '' : '  (no conv gradients)'}`);
			}
			console.log(`fastest: ${status.recommended ?? 'none'}`);
		}
		return status.recommended ? 0 : 1;
	}
});
