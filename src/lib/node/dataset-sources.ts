/**
 * Where `leaflens fetch-data` gets each public dataset, in which format, and the pins it checks.
 * Data only; the code that reads each format is in fetch-data.ts.
 *
 * Pins: a sha256 here is the published one (TFDS's url_checksums for the Mendeley zip). `null`
 * marks a pin still to be recorded on a machine with internet: the download is then accepted
 * unverified, with a warning that prints its sha256 to paste here. Never fill one in by guess.
 */

/** How a source's bytes hold the photos. */
export type SourceFormat =
	/** A zip whose class folders sit under `root` (the Mendeley layout). */
	| 'zip-folders'
	/** A tar.gz of a GitHub repository: `<repo>-<ref>/<root>/<Class>/<file>`. */
	| 'tar-folders'
	/** Hugging Face parquet files (columns image{bytes,path}, label, leaf_id) from a listing. */
	| 'hf-parquet';

export interface DatasetSource {
	dataset: 'plantvillage' | 'plantdoc';
	id: string;
	title: string;
	format: SourceFormat;
	/** The archive, or for hf-parquet the JSON listing of the parquet files. */
	url: string;
	/** Name the download is kept under in the download folder. */
	fileName: string;
	sha256: string | null;
	bytes: number | null;
	/** Folder (path segments, after any top-level repository folder) whose sub-folders are classes. */
	roots: readonly string[];
	licence: string;
	/** Whether file names (or a column) identify the photographed leaf. */
	leafIds: 'file-names' | 'column' | 'none';
	note?: string;
}

/** The official sources, by dataset and id. The first of a dataset is its default. */
export const DATASET_SOURCES: readonly DatasetSource[] = [
	{
		dataset: 'plantvillage',
		id: 'hf',
		title: 'Hugging Face mohanty/PlantVillage (colour)',
		format: 'hf-parquet',
		// The Hub's dataset-viewer lists the parquet files of a config with their sizes.
		url: 'https://datasets-server.huggingface.co/parquet?dataset=mohanty/PlantVillage&config=color',
		fileName: 'hf-plantvillage-color',
		sha256: null,
		bytes: null,
		roots: [],
		licence: 'CC BY-SA 3.0',
		leafIds: 'column',
		note: 'parquet files are listed at run time; their sha256s are not pinned yet'
	},
	{
		dataset: 'plantvillage',
		id: 'mendeley',
		title: 'Mendeley Data tywbtsjrjv v1 (the zip TFDS plant_village reads)',
		format: 'zip-folders',
		url: 'https://data.mendeley.com/public-files/datasets/tywbtsjrjv/files/d5652a28-c1d8-4b76-97f3-72fb80f94efc/file_downloaded',
		fileName: 'Plant_leaf_diseases_dataset_without_augmentation.zip',
		// tensorflow/datasets url_checksums/plant_village.txt.
		sha256: 'ac3432453984d02a86197987e775a5429d0d59e7cc7c35bcf5a8f50349b90ff0',
		bytes: 868032562,
		roots: ['Plant_leave_diseases_dataset_without_augmentation'],
		licence: 'CC BY 4.0 (Mendeley Data record)',
		leafIds: 'none',
		note: 'file names do not identify leaves: prepare-data treats each photo as its own leaf'
	},
	{
		dataset: 'plantvillage',
		id: 'github',
		title: 'GitHub spMohanty/PlantVillage-Dataset (raw/color)',
		format: 'tar-folders',
		url: 'https://codeload.github.com/spMohanty/PlantVillage-Dataset/tar.gz/refs/heads/master',
		fileName: 'PlantVillage-Dataset-master.tar.gz',
		sha256: null,
		bytes: null,
		roots: ['raw/color'],
		licence: 'CC BY-SA 3.0 (as the paper states)',
		leafIds: 'file-names',
		note: 'the whole repository (colour, grayscale, segmented) is downloaded; only raw/color is kept'
	},
	{
		dataset: 'plantdoc',
		id: 'github',
		title: 'GitHub pratikkayal/PlantDoc-Dataset (train/ and test/)',
		format: 'zip-folders',
		url: 'https://codeload.github.com/pratikkayal/PlantDoc-Dataset/zip/refs/heads/master',
		fileName: 'PlantDoc-Dataset-master.zip',
		sha256: null,
		bytes: null,
		roots: ['train', 'test'],
		licence: 'CC BY 4.0',
		leafIds: 'none'
	}
];

export type DatasetName = DatasetSource['dataset'];

/** The source of `dataset` with `id` (its default when id is undefined); throws naming the choices. */
export function findSource(dataset: string, id?: string): DatasetSource {
	const ofDataset = DATASET_SOURCES.filter((s) => s.dataset === dataset);
	if (ofDataset.length === 0)
		throw new Error(
			`unknown dataset "${dataset}" (choose ${[...new Set(DATASET_SOURCES.map((s) => s.dataset))].join(' or ')})`
		);
	const source = id === undefined ? ofDataset[0] : ofDataset.find((s) => s.id === id);
	if (!source)
		throw new Error(
			`${dataset} has no source "${id}" (choose ${ofDataset.map((s) => s.id).join(', ')})`
		);
	return source;
}

/**
 * An official URL as served by a stand-in server at `base` (a mirror or a test's fixture server):
 * `https://host/path?q` → `<base>/host/path?q`. Unchanged without a base.
 */
export function mirrorUrl(url: string, base: string | undefined): string {
	if (!base) return url;
	const u = new URL(url);
	return `${base.replace(/\/+$/, '')}/${u.host}${u.pathname}${u.search}`;
}
