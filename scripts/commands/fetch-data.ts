import { existsSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import path from 'node:path';
import { DATASET_SOURCES } from '../../src/lib/node/dataset-sources';
import { FETCH_REPORT_FILE, fetchDataset } from '../../src/lib/node/fetch-data';
import {
	defineCommand,
	requiredString,
	requireFolder,
	stringOption,
	UsageError
} from '../cli/command';
import { createProgress, type Progress } from '../cli/progress';

const sources = DATASET_SOURCES.map(
	(s) =>
		`  ${`${s.dataset} --source ${s.id}`.padEnd(31)} ${s.title}; ${s.format}, sha256 ${s.sha256 ? 'pinned' : 'not pinned yet'}`
).join('\n');

/** Whether `value` is an http(s) URL that parses (`http://exa mple` does not). */
function isHttpUrl(value: string): boolean {
	return /^https?:\/\//i.test(value) && URL.canParse(value);
}

export default defineCommand({
	name: 'fetch-data',
	summary:
		'Download PlantVillage or PlantDoc from its official source into the PlantVillage layout',
	help: `
Usage: leaflens fetch-data <plantvillage|plantdoc> --out <dir> [options]

Downloads the dataset with progress (an interrupted download resumes where it stopped), checks the
pinned sha256, and unpacks the photos into --out/color/<Class>/ with PlantVillage's 38 canonical
class names (src/lib/data/class-names.ts), keeping leaf ids in the file names where the source has
them. PlantDoc's classes are mapped onto PlantVillage's; photos under a class name LeafLens does not
know go to --out/unknown/<name>/ and are reported. --out/fetch-report.json says what was fetched.
A rerun replaces color/ and unknown/, so an --out whose color/ or unknown/ fetch-data did not write
(no fetch-report.json) is refused. Downloads kept in <dir>/downloads are used again as they are: a
warning says so when one came from another URL than --from (or the official one) names; delete it
to download it anew.
Then: leaflens prepare-data --src <dir>/color --out <shards>.

Sources (the first of each dataset is its default):
${sources}

Options:
  --out <dir>          output folder (required); downloads are kept in <dir>/downloads
  --source <id>        which official source (see above)
  --from <url>         download this URL instead of the official one (checked against the
                       source's pinned sha256 where it has one, else not verified)
  --mirror <url>       a server standing in for every official host: https://host/p → <url>/host/p
                       (default $LEAFLENS_SOURCES_URL); not with --from
  --against <folder>   plantdoc: leave out photos byte-identical to one in this PlantVillage folder
  -h, --help           show this help

Example:
  leaflens fetch-data plantvillage --out data/plantvillage && \\
    leaflens prepare-data --src data/plantvillage/color --out static/datasets/plantvillage`,
	allowPositionals: true,
	options: {
		out: { type: 'string' },
		source: { type: 'string' },
		from: { type: 'string' },
		mirror: { type: 'string' },
		against: { type: 'string' }
	},
	async run({ values, positionals }) {
		if (positionals.length !== 1)
			throw new UsageError('name one dataset: plantvillage or plantdoc');
		const dataset = positionals[0]!;
		if (!DATASET_SOURCES.some((s) => s.dataset === dataset))
			throw new UsageError(`unknown dataset "${dataset}" (choose plantvillage or plantdoc)`);
		const source = stringOption(values, 'source');
		if (
			source !== undefined &&
			!DATASET_SOURCES.some((s) => s.dataset === dataset && s.id === source)
		)
			throw new UsageError(
				`${dataset} has no source "${source}" (choose ${DATASET_SOURCES.filter(
					(s) => s.dataset === dataset
				)
					.map((s) => s.id)
					.join(', ')})`
			);
		const from = stringOption(values, 'from');
		const mirror = stringOption(values, 'mirror');
		const envMirror = process.env.LEAFLENS_SOURCES_URL || undefined;
		for (const [name, value] of [
			['--from', from],
			['--mirror', mirror],
			// Used (and so checked) only without --from and --mirror; a bad one is named as what it is.
			['$LEAFLENS_SOURCES_URL', from === undefined && mirror === undefined ? envMirror : undefined]
		] as const)
			if (value !== undefined && !isHttpUrl(value))
				throw new UsageError(`${name} must be an http(s) URL, got "${value}"`);
		// --from is downloaded as it is (and a listing's files from the addresses it lists): a
		// --mirror beside it would stand in for nothing.
		if (from !== undefined && mirror !== undefined)
			throw new UsageError(
				'--from and --mirror do not go together: --from names the address itself (a listing: its files from the addresses it lists), --mirror stands in for the official hosts; give one'
			);
		const against = stringOption(values, 'against');
		if (against !== undefined && dataset !== 'plantdoc')
			throw new UsageError('--against is for plantdoc (de-duplication against PlantVillage)');
		if (against !== undefined) {
			await requireFolder(
				against,
				'--against',
				'name a PlantVillage folder of class folders (e.g. data/plantvillage/color)'
			);
			process.stderr.write(`reading the photos of ${against} (to leave out those also there)…\n`);
		}
		const out = requiredString(values, 'out');
		// The folders this run makes, removed again when it fails with them still empty (nothing
		// was downloaded): a failed first try leaves no empty --out or downloads/ behind.
		const made = [out, path.join(out, 'downloads')].filter((dir) => !existsSync(dir));
		let bar: Progress | null = null;
		let current = '';
		const report = await fetchDataset({
			dataset,
			source,
			out,
			from,
			mirrorBase: mirror ?? envMirror,
			against,
			onWarning: (message) => console.error(`leaflens fetch-data: warning: ${message}`),
			onProgress({ phase, done, total, what }) {
				const key = `${phase}:${what}`;
				if (key !== current) {
					bar?.stop();
					current = key;
					bar =
						phase === 'download' && total !== null
							? createProgress(`downloading ${what}`, Math.ceil(total / 1048576), 'MB')
							: null;
					if (!bar)
						process.stderr.write(
							`${phase === 'download' ? 'downloading' : 'unpacking'} ${what}…\n`
						);
				}
				bar?.update(Math.floor(done / 1048576));
			}
		})
			.catch(async (error: unknown) => {
				// rmdir removes only empty folders: anything downloaded stays, to resume from.
				for (const dir of made.reverse()) await rmdir(dir).catch(() => undefined);
				throw error;
			})
			.finally(() => bar?.stop());
		const classes = Object.keys(report.classes).length;
		console.log(
			`${report.photos} photos in ${classes} PlantVillage classes -> ${path.join(path.resolve(out), 'color')}` +
				(Object.keys(report.unknown).length
					? `; ${Object.values(report.unknown).reduce((a, b) => a + b, 0)} under unknown class names -> ${path.join(path.resolve(out), 'unknown')}`
					: '')
		);
		const left = [
			...Object.entries(report.excluded).map(([name, n]) => `${n} "${name}"`),
			...(report.duplicates ? [`${report.duplicates} duplicate(s)`] : []),
			...(report.notPhotos ? [`${report.notPhotos} non-photo file(s)`] : [])
		];
		if (left.length) console.log(`left out: ${left.join(', ')}`);
		console.log(
			`sha256 ${report.files.every((f) => f.verified) ? 'verified' : 'NOT verified (no pin, or --from gave another file)'}: ${report.files.map((f) => `${f.name} ${f.sha256}`).join(', ')}; report in ${path.join(out, FETCH_REPORT_FILE)}`
		);
		return 0;
	}
});
