import { describe, expect, it } from 'vitest';
import {
	allowLeaving,
	holdWork,
	onTakeover,
	registerWork,
	ReloadRequest,
	workInProgress,
	workLostOnLeaving
} from './work';

describe('workInProgress', () => {
	it('is true while any registered state works', () => {
		const idle = { step: null as string | null };
		const busy = { progress: 0 as number | null };
		expect(registerWork(idle, (s) => s.step !== null)).toBe(idle);
		registerWork(busy, (s) => s.progress !== null);
		expect(workInProgress()).toBe(true);
		busy.progress = null;
		expect(workInProgress()).toBe(false);
		idle.step = 'train';
		expect(workInProgress()).toBe(true);
		idle.step = null;
		// A component's work (a correction typed) counts while it is shown, and goes with it.
		const end = holdWork(() => true);
		expect(workInProgress()).toBe(true);
		end();
		expect(workInProgress()).toBe(false);
	});
});

describe('workLostOnLeaving', () => {
	it('is true while a registered state holds work a closed tab would lose, whatever else works', () => {
		const importing = { files: null as number | null };
		expect(
			registerWork(
				importing,
				() => false,
				(s) => s.files !== null
			)
		).toBe(importing);
		expect(workLostOnLeaving()).toBe(false);
		importing.files = 400;
		expect(workLostOnLeaving()).toBe(true);
		importing.files = null;
		expect(workLostOnLeaving()).toBe(false);
		// The user agreed to reload (the update prompt asked): the browser does not ask again.
		importing.files = 400;
		allowLeaving();
		expect(workLostOnLeaving()).toBe(false);
	});
});

describe('onTakeover', () => {
	it('reloads an idle tab or one whose work the user agreed to lose; asks about work started after Reload', () => {
		expect(onTakeover(null, false)).toBe('reload');
		expect(onTakeover('idle', false)).toBe('reload');
		expect(onTakeover('lose', true)).toBe('reload');
		// Reload pressed with nothing running, an import started before the new version took over.
		expect(onTakeover('idle', true)).toBe('ask');
		// Another tab agreed: this tab's work is kept.
		expect(onTakeover(null, true)).toBe('keep');
	});
});

describe('ReloadRequest', () => {
	/** A state's work, switched on and off by the test. */
	const work = () => {
		const state = { on: false };
		return { state, work: { working: () => state.on, losing: () => false } };
	};

	it('reloads what the user agreed to lose; work started since, or started again, is asked about', () => {
		const training = work();
		const diagnosis = work();
		const request = new ReloadRequest([training.work, diagnosis.work]);
		// Not pressed here: an idle tab reloads, a working one keeps its work.
		expect(request.takeover()).toBe('reload');
		training.state.on = true;
		expect(request.takeover()).toBe('keep');

		request.press();
		expect(request.asked).toBe('lose');
		expect(request.takeover()).toBe('reload');
		// A photo picked before the takeover, the training still running: asked.
		diagnosis.state.on = true;
		expect(request.takeover()).toBe('ask');
		diagnosis.state.on = false;
		// The training agreed to lose ended (seen by `note`) and another started: asked.
		training.state.on = false;
		request.note();
		training.state.on = true;
		expect(request.takeover()).toBe('ask');

		// Pressed again with it running: agreed to lose it; handled, a later version asks anew.
		request.press();
		expect(request.takeover()).toBe('reload');
		request.reset();
		expect(request.asked).toBeNull();
		expect(request.takeover()).toBe('keep');
	});

	it('pressed with nothing running: work started before the takeover is asked about', () => {
		const training = work();
		const request = new ReloadRequest([training.work]);
		request.press();
		expect(request.asked).toBe('idle');
		expect(request.takeover()).toBe('reload');
		training.state.on = true;
		expect(request.takeover()).toBe('ask');
	});
});
