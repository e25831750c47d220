/**
 * The system Chromium every browser test and benchmark drives (no browser download: see
 * ../shared/docs/browser-testing.md), and the flags that keep it quiet on a closed network.
 */
import { existsSync } from 'node:fs';

/** Debian's Chromium, or LEAFLENS_CHROMIUM. */
export const CHROMIUM = process.env.LEAFLENS_CHROMIUM ?? '/usr/bin/chromium';

/** Chromium's background services try to reach Google; on a closed network that only adds noise. */
export const QUIET_ARGS: readonly string[] = [
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

/** Throws a plain message when the Chromium binary is missing. */
export function assertChromium(): void {
	if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM} (set LEAFLENS_CHROMIUM)`);
}
