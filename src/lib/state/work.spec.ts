import { describe, expect, it } from 'vitest';
import {
	allowLeaving,
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
	it('agreeing to lose the work in progress does not cover work started after it ended', () => {
		const request = new ReloadRequest();
		expect(request.takeover(true)).toBe('keep');
		request.press(true);
		request.note(true);
		expect(request.takeover(true)).toBe('reload');
		// The training agreed to lose finished, an import started before the takeover: asked.
		request.note(false);
		expect(request.takeover(true)).toBe('ask');
		expect(request.takeover(false)).toBe('reload');
		// Pressed again with the import running: agreed to lose it.
		request.press(true);
		expect(request.takeover(true)).toBe('reload');
	});
});
