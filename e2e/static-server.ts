import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript',
	'.css': 'text/css',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json',
	'.wasm': 'application/wasm',
	'.svg': 'image/svg+xml',
	'.png': 'image/png'
};

/** One request the server answered: what crossed the network. */
export interface Served {
	path: string;
	status: number;
	/** Response body bytes (no compression here; none for a 304). */
	bytes: number;
}

export interface StaticServer {
	origin: string;
	/** Every request answered, in order. */
	served: Served[];
	close(): void;
}

/**
 * A tiny static server over `root` (build/, or a copy a test "redeploys" by editing files), as a
 * static host serves the app: every file `no-cache` with an ETag (each use asks the server again,
 * which answers 304 when the file is unchanged), except SvelteKit's content-hashed
 * `/_app/immutable/` files when `immutable` is set (cached for a year, what hosts are told to do
 * with them). It records every request it answers; the paths `hang` picks it never answers, and
 * those `drop` picks it cuts (the connection reset: a download that failed).
 */
export function serveStatic(
	root: string,
	options: {
		immutable?: boolean;
		hang?: (path: string) => boolean;
		drop?: (path: string) => boolean;
	} = {}
): Promise<StaticServer> {
	const served: Served[] = [];
	const server: Server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		// A request that never gets an answer (a patchy link): left open until close().
		if (options.hang?.(url.pathname)) return;
		if (options.drop?.(url.pathname)) {
			request.socket.destroy();
			return;
		}
		let file = path.join(root, decodeURIComponent(url.pathname));
		const answer = (
			status: number,
			body: Buffer = Buffer.alloc(0),
			headers: Record<string, string> = {}
		) => {
			served.push({ path: url.pathname, status, bytes: body.length });
			const cache =
				options.immutable && url.pathname.startsWith('/_app/immutable/')
					? 'public, max-age=31536000, immutable'
					: 'no-cache';
			response.writeHead(status, { ...headers, 'cache-control': cache });
			response.end(body);
		};
		if (!file.startsWith(root)) return answer(403);
		// Pages are folders (train/index.html), served at /train/. A strict host: /train is not
		// found (the precache must ask for the pages as the app links them).
		if (existsSync(file) && statSync(file).isDirectory()) {
			if (!url.pathname.endsWith('/')) return answer(404);
			file = path.join(file, 'index.html');
		}
		let body: Buffer;
		try {
			body = readFileSync(file);
		} catch {
			return answer(404);
		}
		const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
		if (request.headers['if-none-match'] === etag) return answer(304, undefined, { etag });
		answer(200, body, {
			'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
			etag
		});
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({
				origin: `http://localhost:${(server.address() as AddressInfo).port}`,
				served,
				close: () => {
					server.close();
					server.closeAllConnections();
				}
			})
		)
	);
}
