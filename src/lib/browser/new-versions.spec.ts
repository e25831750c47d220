import { describe, expect, it } from 'vitest';
import { followNewVersions, type VersionsRegistration } from './new-versions';

/** A service worker whose state the test moves on. */
function worker() {
	const sw = Object.assign(new EventTarget(), { state: 'installing' as ServiceWorkerState });
	return {
		sw: sw as unknown as ServiceWorker,
		moveTo(state: ServiceWorkerState) {
			sw.state = state;
			sw.dispatchEvent(new Event('statechange'));
		}
	};
}

function registration(installing: ServiceWorker | null = null) {
	const target = Object.assign(new EventTarget(), { installing });
	return target as unknown as VersionsRegistration &
		EventTarget & { installing: ServiceWorker | null };
}

describe('followNewVersions', () => {
	it('tells of a version installing when the tab registers, and of each one found later', () => {
		const controlled = { controller: {} as ServiceWorker };
		const first = worker();
		const reg = registration(first.sw);
		let told = 0;
		followNewVersions(reg, controlled, () => told++);
		first.moveTo('installed');
		expect(told).toBe(1);
		const next = worker();
		reg.installing = next.sw;
		reg.dispatchEvent(new Event('updatefound'));
		next.moveTo('installed');
		expect(told).toBe(2);
		// Other states (a failed install) are no new version.
		const failed = worker();
		reg.installing = failed.sw;
		reg.dispatchEvent(new Event('updatefound'));
		failed.moveTo('redundant');
		expect(told).toBe(2);
	});

	it('a first install (nothing controls the page) is no new version', () => {
		const first = worker();
		let told = 0;
		followNewVersions(registration(first.sw), { controller: null }, () => told++);
		first.moveTo('installed');
		expect(told).toBe(0);
	});
});
