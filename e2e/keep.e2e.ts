import { expect, test, type Page } from '@playwright/test';
import {
	changeStoredHistory,
	collectPageErrors,
	diagnoseOne,
	expectNoAxeViolations,
	pickWholePhoto,
	screenshotInView
} from './helpers';
import { samplesOf } from './dataset';

/** Where the stubbed position puts the user: central Paris, reported to 12 m. */
const HERE = { latitude: 48.856613, longitude: 2.352222, accuracy: 12 };

/**
 * Stubs `navigator.storage.persist`/`persisted` (the answer kept in localStorage, so it survives
 * reloads; `leaflens-test.grant` = '0' makes the browser refuse) and the position the browser
 * reports. Runs before the app's scripts on every page load.
 */
async function stubBrowser(page: Page) {
	await page.addInitScript((here) => {
		const storage = navigator.storage as StorageManager & Record<string, unknown>;
		storage.persist = async () => {
			const calls = Number(localStorage.getItem('leaflens-test.persistCalls') ?? 0) + 1;
			localStorage.setItem('leaflens-test.persistCalls', String(calls));
			const granted = localStorage.getItem('leaflens-test.grant') !== '0';
			if (granted) localStorage.setItem('leaflens-test.persisted', '1');
			return granted;
		};
		storage.persisted = async () => localStorage.getItem('leaflens-test.persisted') === '1';
		// The share sheet of a phone: the text it is given is kept for the test.
		Object.assign(navigator, {
			canShare: () => true,
			share: async (data: ShareData) =>
				localStorage.setItem('leaflens-test.shared', data.text ?? '')
		});
		navigator.geolocation.getCurrentPosition = (success) =>
			success({
				coords: { ...here, altitude: null, altitudeAccuracy: null, heading: null, speed: null },
				timestamp: Date.now()
			} as GeolocationPosition);
	}, HERE);
}

/** The text the answer shown was shared with (Share with an adviser). */
async function sharedText(page: Page): Promise<string> {
	const read = () => page.evaluate(() => localStorage.getItem('leaflens-test.shared'));
	await page.evaluate(() => localStorage.removeItem('leaflens-test.shared'));
	await page.getByTestId('answer').getByRole('button', { name: 'Share with an adviser' }).click();
	await expect.poll(read).not.toBeNull();
	return (await read())!;
}

const persistCalls = (page: Page) =>
	page.evaluate(() => Number(localStorage.getItem('leaflens-test.persistCalls') ?? 0));

/** The history exported as CSV: one object per row, by column name. */
async function exportedRows(page: Page): Promise<Record<string, string>[]> {
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Export CSV' }).click();
	const chunks: Buffer[] = [];
	for await (const chunk of await (await download).createReadStream()) chunks.push(chunk as Buffer);
	const [header, ...rows] = Buffer.concat(chunks).toString('utf8').trim().split('\r\n');
	const names = csvFields(header!);
	// Quoted cells may hold commas: a class such as "Pepper, bell — Bacterial spot" does.
	return rows.map((row) => Object.fromEntries(csvFields(row).map((v, i) => [names[i], v])));
}

/** The cells of one RFC 4180 line (src/lib/data/csv.ts): quoted cells, doubled quotes. */
function csvFields(line: string): string[] {
	const cells: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < line.length; i++) {
		const c = line[i]!;
		if (quoted && c === '"' && line[i + 1] === '"') {
			cell += '"';
			i++;
		} else if (c === '"') quoted = !quoted;
		else if (c === ',' && !quoted) {
			cells.push(cell);
			cell = '';
		} else cell += c;
	}
	cells.push(cell);
	return cells;
}

/** The stored locations, straight from IndexedDB (the accuracy is not exported). */
function storedLocations(page: Page) {
	return page.evaluate(
		() =>
			new Promise<unknown[]>((resolve, reject) => {
				const open = indexedDB.open('leaflens-history');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const all = open.result.transaction('entries').objectStore('entries').getAll();
					all.onsuccess = () => {
						resolve((all.result as { location: unknown }[]).map((e) => e.location));
						open.result.close();
					};
					all.onerror = () => reject(all.error);
				};
			})
	);
}

test('asks to keep the data after the first diagnosis, stores coarse locations, removes them on request', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await stubBrowser(page);
	await page.goto('/');

	// Every accuracy says where it was measured; the shipped default's field figure beside it.
	const info = page.getByTestId('model-info');
	await expect(info).toContainText(
		'on held-out lab photos (PlantVillage: one leaf, plain background)'
	);
	await expect(page.getByTestId('model-field')).toContainText(
		'On field photos of apple leaves it was right 14.7% of the time'
	);
	await expect(page.getByTestId('model-field')).toContainText(
		'with the crop named, 36.5% (57 of 156)'
	);

	await page.getByLabel('Save my location with each diagnosis').check();
	const precise = page.getByLabel('Precise location');
	await expect(precise).not.toBeChecked();
	expect(await persistCalls(page)).toBe(0);

	await diagnoseOne(page, 'first.jpg');
	await expect.poll(() => persistCalls(page)).toBe(1);
	await diagnoseOne(page, 'second.jpg');
	// Asked once per run, not at every save.
	expect(await persistCalls(page)).toBe(1);

	// Coarse: two decimal places, and an accuracy no better than the rounding (~650 m here).
	let rows = await exportedRows(page);
	expect(rows.map((r) => [r.latitude, r.longitude])).toEqual([
		['48.86', '2.35'],
		['48.86', '2.35']
	]);
	for (const location of await storedLocations(page)) {
		expect(location).toMatchObject({ latitude: 48.86, longitude: 2.35 });
		expect((location as { accuracy: number }).accuracy).toBeGreaterThan(600);
	}

	// Precise when chosen (remembered across a reload).
	await precise.check();
	await page.reload();
	await expect(page.getByLabel('Precise location')).toBeChecked();
	await diagnoseOne(page, 'third.jpg');
	rows = await exportedRows(page);
	expect(rows[0]).toMatchObject({ latitude: '48.856613', longitude: '2.352222' });
	await expectNoAxeViolations(page);

	expect(await sharedText(page)).toContain('Location: 48.85');

	const historyRows = page.getByTestId('history').locator('li');
	const undo = page.getByTestId('history-deleted').getByRole('button', { name: 'Undo' });
	// The precise plant deleted, then "precise" switched off (no precise one left to offer to
	// round): Undo puts it back rounded.
	await historyRows
		.first()
		.getByRole('button', { name: /^Delete/ })
		.click();
	await page.getByLabel('Precise location').uncheck();
	await expect(page.getByTestId('location-rounding')).toBeHidden();
	await undo.click();
	await expect(historyRows).toHaveCount(3);
	rows = await exportedRows(page);
	expect(rows.map((r) => [r.latitude, r.longitude])).toEqual([
		['48.86', '2.35'],
		['48.86', '2.35'],
		['48.86', '2.35']
	]);

	// Precise again for one more; switching "precise" off offers to round it, the coarse ones stay.
	await page.getByLabel('Precise location').check();
	await diagnoseOne(page, 'fourth.jpg');
	await page.getByLabel('Precise location').uncheck();
	await page.getByRole('button', { name: 'Round the 1 stored location' }).click();
	await expect(page.getByText('The stored locations were rounded to about 1 km.')).toBeVisible();
	await expect(page.getByLabel('Precise location')).toBeFocused();
	rows = await exportedRows(page);
	expect(rows.map((r) => [r.latitude, r.longitude])).toEqual([
		['48.86', '2.35'],
		['48.86', '2.35'],
		['48.86', '2.35'],
		['48.86', '2.35']
	]);
	// The time where the user is, with its offset (the browser's zone here is the machine's).
	expect(rows[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);

	// A plant deleted, then location switched off: Undo puts it back without its location.
	await historyRows
		.first()
		.getByRole('button', { name: /^Delete/ })
		.click();
	await page.getByLabel('Save my location with each diagnosis').uncheck();
	await expect(page.getByRole('button', { name: 'Remove the 3 stored locations' })).toBeVisible();
	await undo.click();
	await expect(historyRows).toHaveCount(4);
	expect((await storedLocations(page)).filter((l) => l === null)).toHaveLength(1);

	// Switching location off offers to remove the stored ones.
	await expect(page.getByLabel('Precise location')).toBeHidden();
	const remove = page.getByRole('button', { name: 'Remove the 3 stored locations' });
	await expect(remove).toBeVisible();
	await expectNoAxeViolations(page);
	await remove.scrollIntoViewIfNeeded();
	await screenshotInView(page, 'keep-location-off', { hidePhotos: true });
	await remove.click();
	await expect(page.getByText('The stored locations were removed.')).toBeVisible();
	// The pressed button went with the offer: the focus is on the toggle, not lost.
	await expect(page.getByLabel('Save my location with each diagnosis')).toBeFocused();
	// The answer still shown shares no location either.
	expect(await sharedText(page)).not.toContain('Location');
	await page.reload();
	await expect(historyRows).toHaveCount(4);
	rows = await exportedRows(page);
	expect(rows.map((r) => [r.latitude, r.longitude])).toEqual([
		['', ''],
		['', ''],
		['', ''],
		['', '']
	]);
	expect(await storedLocations(page)).toEqual([null, null, null, null]);

	// One entry the browser cannot read does not hide the others, and can be deleted.
	await changeStoredHistory(page, { key: 'broken', value: 'not an entry' });
	await page.reload();
	const unreadable = page.getByTestId('history-unreadable');
	await expect(unreadable).toContainText('Not listed, as they could not be read: 1 diagnosis');
	await expect(historyRows).toHaveCount(4);
	await unreadable.getByRole('button', { name: 'Delete what could not be read' }).click();
	await expect(unreadable).toBeHidden();
	await page.reload();
	await expect(historyRows).toHaveCount(4);
	await expect(unreadable).toBeHidden();

	// Settings shows the browser's answer.
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByTestId('storage-persisted')).toHaveText(
		'Storage: kept until you delete it.'
	);
	await expect(page.getByTestId('storage-usage')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Ask the browser to keep it' })).toBeHidden();
	await expectNoAxeViolations(page);
	expect(errors).toEqual([]);
});

test('Settings explains eviction when storage is not kept, and asks again on request', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await stubBrowser(page);
	await page.goto('/settings/');
	await page.evaluate(() => localStorage.setItem('leaflens-test.grant', '0'));
	const state = page.getByTestId('storage-persisted');
	await expect(state).toHaveText('Storage: the browser may clear it when space runs low.');
	await expect(page.getByTestId('storage')).toContainText(
		'history, saved models and datasets could disappear'
	);
	const ask = page.getByRole('button', { name: 'Ask the browser to keep it' });
	await ask.click();
	await expect(page.getByText('The browser said no.')).toBeVisible();
	await expectNoAxeViolations(page);

	await screenshotInView(page, 'keep-settings-not-kept');
	// Refused again: said again (the status empties while the browser answers, so its words change).
	const refusal = page.getByText('The browser said no.');
	const said = await refusal.textContent();
	await refusal.evaluate((status) => {
		const seen: string[] = [];
		Object.assign(window, { seen });
		new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, {
			childList: true,
			characterData: true,
			subtree: true
		});
	});
	await ask.click();
	await expect
		.poll(() => page.evaluate(() => (window as unknown as { seen: string[] }).seen))
		.toEqual(['', said]);
	await page.evaluate(() => localStorage.setItem('leaflens-test.grant', '1'));
	await ask.click();
	await expect(state).toHaveText('Storage: kept until you delete it.');
	expect(await persistCalls(page)).toBe(3);
	expect(errors).toEqual([]);
});

test('a position the browser refuses, or a permission prompt left unanswered, does not hold up the answer; a note says why', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	// The first ask is refused; the second never answers (a prompt nobody answers).
	await page.addInitScript(() => {
		let asked = 0;
		navigator.geolocation.getCurrentPosition = (_found, failed) => {
			sessionStorage.setItem('leaflens-test.asked', String(++asked));
			if (asked > 1) return;
			failed?.({
				code: 1,
				message: 'User denied Geolocation',
				PERMISSION_DENIED: 1,
				POSITION_UNAVAILABLE: 2,
				TIMEOUT: 3
			});
		};
	});
	await page.goto('/');
	await page.getByLabel('Save my location with each diagnosis').check();
	const note = page.getByText(/^No location kept: /);
	await diagnoseOne(page, 'refused.jpg');
	await expect(note).toHaveText(
		'No location kept: this browser may not give it to LeafLens (see the site’s permissions).'
	);
	await diagnoseOne(page, 'unanswered.jpg');
	await expect(note).toHaveText('No location kept: the device did not tell where it is in time.');
	// While that prompt still waits, the browser is not asked again (nor waited for).
	await diagnoseOne(page, 'still-waiting.jpg');
	expect(await page.evaluate(() => sessionStorage.getItem('leaflens-test.asked'))).toBe('2');
	const rows = await exportedRows(page);
	expect(rows.map((r) => [r.latitude, r.longitude])).toEqual([
		['', ''],
		['', ''],
		['', '']
	]);
	expect(errors).toEqual([]);
});

test('location switched off while a diagnosis waits for the position: the answer keeps none', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	// The position comes when the test says (a device slow to find it).
	await page.addInitScript((here) => {
		navigator.geolocation.getCurrentPosition = (found) => {
			(globalThis as { answerPosition?: () => void }).answerPosition = () =>
				found({
					coords: { ...here, altitude: null, altitudeAccuracy: null, heading: null, speed: null },
					timestamp: Date.now()
				} as GeolocationPosition);
		};
	}, HERE);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	const location = page.getByLabel('Save my location with each diagnosis');
	await location.check();
	const [sample] = samplesOf('test', 1);
	await pickWholePhoto(page, {
		name: 'slow-gps.jpg',
		mimeType: 'image/jpeg',
		buffer: Buffer.from(sample!.jpeg)
	});
	await page.waitForFunction(() => 'answerPosition' in globalThis);
	await location.uncheck();
	await page.evaluate(() => (globalThis as { answerPosition?: () => void }).answerPosition?.());
	await expect(page.locator('[data-testid="answer"][data-file="slow-gps.jpg"]')).toBeVisible();
	await expect(page.getByTestId('history').locator('li')).toHaveCount(1);
	expect(await storedLocations(page)).toEqual([null]);

	// Switched on here, then off in another tab: the next diagnosis made here keeps none either.
	await location.check();
	const other = await page.context().newPage();
	await other.goto('/');
	await other.getByLabel('Save my location with each diagnosis').uncheck();
	await expect(location).not.toBeChecked();
	await pickWholePhoto(page, {
		name: 'after-other-tab.jpg',
		mimeType: 'image/jpeg',
		buffer: Buffer.from(sample!.jpeg)
	});
	await expect(
		page.locator('[data-testid="answer"][data-file="after-other-tab.jpg"]')
	).toBeVisible();
	await expect(page.getByTestId('history').locator('li')).toHaveCount(2);
	expect(await storedLocations(page)).toEqual([null, null]);
	await other.close();
	expect(errors).toEqual([]);
});
