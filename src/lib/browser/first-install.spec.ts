import { describe, expect, it } from 'vitest';
import { followFirstInstall, type InstallRegistration } from './first-install';

function installing(scriptURL = 'https://leaflens.example/service-worker.js') {
	const sw = Object.assign(new EventTarget(), {
		state: 'installing' as ServiceWorkerState,
		scriptURL
	});
	return {
		sw: sw as unknown as ServiceWorker,
		moveTo(state: ServiceWorkerState) {
			sw.state = state;
			sw.dispatchEvent(new Event('statechange'));
		}
	};
}

const registration = (sw: ServiceWorker | null, active: ServiceWorker | null = null) =>
	({ installing: sw, active, scope: 'https://leaflens.example/' }) as InstallRegistration;

describe('followFirstInstall', () => {
	it('tells once whether the first install ended active or failed, with the script to register again', () => {
		const outcomes: [boolean, string][] = [];
		const ok = installing();
		followFirstInstall(registration(ok.sw), (...outcome) => outcomes.push(outcome));
		ok.moveTo('installed');
		expect(outcomes).toEqual([]);
		ok.moveTo('activating');
		ok.moveTo('activated');
		expect(outcomes).toEqual([[true, 'https://leaflens.example/service-worker.js']]);

		const failed = installing('https://leaflens.example/sw-2.js');
		followFirstInstall(registration(failed.sw), (...outcome) => outcomes.push(outcome));
		failed.moveTo('redundant');
		failed.moveTo('redundant');
		expect(outcomes.slice(1)).toEqual([[false, 'https://leaflens.example/sw-2.js']]);
	});

	it('follows nothing past a version already active (an update is no first install)', () => {
		const outcomes: unknown[] = [];
		const update = installing();
		followFirstInstall(registration(update.sw, {} as ServiceWorker), () => outcomes.push(1));
		update.moveTo('redundant');
		followFirstInstall(registration(null), () => outcomes.push(2));
		expect(outcomes).toEqual([]);
	});
});
