/**
 * A local HTTP server on 127.0.0.1 standing in for the internet in tests: serves fixed bytes by
 * path (query included), honours Range requests as the real hosts do, and can misbehave on purpose
 * (cut a response short, answer an error status). It records every request.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
	body: Uint8Array | string;
	/** Answer this status instead (with a short text body). */
	status?: number;
	/** Close the connection after this many body bytes, for the first `cutTimes` GET requests. */
	cutAfter?: number;
	cutTimes?: number;
	/** Ignore Range headers (a server that cannot resume). */
	noRanges?: boolean;
}

export interface FixtureServer {
	/** http://127.0.0.1:PORT */
	base: string;
	routes: Map<string, Route>;
	requests: { method: string; path: string; range: string | undefined }[];
	close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (default: any free port). */
export async function startFixtureServer(port = 0): Promise<FixtureServer> {
	const routes = new Map<string, Route>();
	const requests: FixtureServer['requests'] = [];
	const cuts = new Map<string, number>();
	const server: Server = createServer((req: IncomingMessage, res) => {
		const key = req.url ?? '/';
		requests.push({ method: req.method ?? 'GET', path: key, range: req.headers.range });
		const route = routes.get(key);
		if (!route) {
			res.writeHead(404).end('not found');
			return;
		}
		if (route.status) {
			res.writeHead(route.status).end(`status ${route.status}`);
			return;
		}
		const body = typeof route.body === 'string' ? Buffer.from(route.body) : Buffer.from(route.body);
		let start = 0;
		const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
		if (range && !route.noRanges) {
			start = Number(range[1]);
			if (start >= body.length) {
				res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
				return;
			}
			res.writeHead(206, {
				'Content-Length': body.length - start,
				'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
				'Accept-Ranges': 'bytes'
			});
		} else {
			res.writeHead(200, { 'Content-Length': body.length, 'Accept-Ranges': 'bytes' });
		}
		// Headers only: no body to cut short (a cut counts for the GETs).
		if (req.method === 'HEAD') {
			res.end();
			return;
		}
		const cutCount = cuts.get(key) ?? 0;
		if (route.cutAfter !== undefined && cutCount < (route.cutTimes ?? 1)) {
			cuts.set(key, cutCount + 1);
			// Flushed, given time to be read, then the connection closed: the client has the bytes and
			// sees a body shorter than its Content-Length (a lost connection mid-download).
			res.write(body.subarray(start, start + route.cutAfter), () =>
				setTimeout(() => res.socket?.destroy(), 500)
			);
			return;
		}
		res.end(body.subarray(start));
	});
	// Idle kept-alive sockets stay open until close(): a client on a loaded machine that reuses one
	// just as Node's 5 s default timeout closes it sees "other side closed" (UND_ERR_SOCKET).
	server.keepAliveTimeout = 120_000;
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const address = server.address() as AddressInfo;
	return {
		base: `http://127.0.0.1:${address.port}`,
		routes,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
