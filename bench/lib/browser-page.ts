/**
 * The page the browser benchmarks (and e2e/reference.e2e.ts) run in: bench/browser/main.ts bundled
 * with esbuild, served with the model files, datasets and TF.js wasm binaries from 127.0.0.1.
 */
import { build } from 'esbuild';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../../src/lib/browser/isolation';

const ROOT = path.resolve(import.meta.dirname, '../..');

const MIME: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.json': 'application/json',
	'.wasm': 'application/wasm',
	'.bin': 'application/octet-stream',
	'.txt': 'text/plain; charset=utf-8'
};

const PAGE = `<!doctype html><meta charset="utf-8"><title>LeafLens bench</title>
<script type="module" src="/bench.js"></script>`;

/**
 * Serves the bench bundle, the model files and the wasm binaries; nothing else. `isolated`: with the
 * app's cross-origin isolation headers on every response (threads for the wasm engine).
 */
export function startServer(
	bundleDir: string,
	options: { isolated?: boolean } = {}
): Promise<Server> {
	const extra = options.isolated ? CROSS_ORIGIN_ISOLATION_HEADERS : {};
	const mounts: [string, string][] = [
		['/model-files/', path.join(ROOT, 'static/model-files')],
		['/datasets/', path.join(ROOT, 'static/datasets')],
		['/wasm/', path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')],
		['/', bundleDir]
	];
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (url.pathname === '/favicon.ico') {
			res.writeHead(204).end();
			return;
		}
		if (url.pathname === '/') {
			res.writeHead(200, { ...extra, 'content-type': MIME['.html']! }).end(PAGE);
			return;
		}
		for (const [prefix, dir] of mounts) {
			if (!url.pathname.startsWith(prefix)) continue;
			const file = path.resolve(dir, decodeURIComponent(url.pathname.slice(prefix.length)));
			if (!file.startsWith(dir + path.sep) || !existsSync(file) || !statSync(file).isFile()) break;
			res.writeHead(200, {
				...extra,
				'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
				'content-length': statSync(file).size
			});
			createReadStream(file).pipe(res);
			return;
		}
		res.writeHead(404).end('not found');
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(server));
	});
}

/** Bundles bench/browser/main.ts into `bundleDir/bench.js`. */
export async function bundleBenchPage(bundleDir: string): Promise<void> {
	await build({
		entryPoints: [path.join(ROOT, 'bench/browser/main.ts')],
		outfile: path.join(bundleDir, 'bench.js'),
		bundle: true,
		format: 'esm',
		platform: 'browser',
		target: 'es2022',
		logLevel: 'error'
	});
}
