import path from 'node:path';
import { defineCommand, stringOption } from '../cli/command';

export default defineCommand({
	name: 'bench',
	summary: 'Run the benchmark suite (inference, data, training, scaling, sizes) and write results',
	help: `
Usage: leaflens bench [--quick] [--out <dir>]

Measures on this machine, in one run: MobileNetV3 Small and Large-minimalistic inference in Node
(wasm, cpu) and in Chromium (wasm, webgl, webgpu, cpu; page and worker) with the roofline ratio
against each backend's matmul GFLOP/s; prepare-data images/s against one job; training throughput
(features, head epochs, finetune); peak memory and live tensor counts; feature extraction time
against dataset size, extrapolated to the full PlantVillage; and the size budgets of the built app.

Writes <out>/<date>-<cpu>-<cores>c[-quick].json and .md. Needs /usr/bin/chromium (or
LEAFLENS_CHROMIUM), the imported models (npm run setup) and, for the size table, a build (vite build).

Options:
  --quick      batch 1 only, page only, fewer runs and smaller data: under 5 minutes
  --out <dir>  results folder (default: bench/results)
  -h, --help   show this help`,
	options: { quick: { type: 'boolean' }, out: { type: 'string' } },
	async run({ values }) {
		const { runSuite } = await import('../../bench/run');
		const out = stringOption(values, 'out');
		const written = await runSuite({
			quick: values.quick === true,
			out: out === undefined ? undefined : path.resolve(out)
		});
		console.log(`${written.json}\n${written.md}`);
		return 0;
	}
});
