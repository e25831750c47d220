/**
 * The English words of the errors a job or a store may hand to the user. They are thrown where
 * there is no interface language (the worker, the stores; the Node CLI says them as they are), so
 * an Error crosses to the page as English text: i18n/known-errors.ts reads it back with the
 * template it was made from and says it in the interface language. The words live here once.
 */
import { format } from './template';

export const USER_ERRORS = {
	incompleteTraining: 'Download the dataset completely before training on it.',
	/** A stored job's dataset was deleted meanwhile. */
	trainDatasetGone:
		'A dataset this training uses is no longer on this device: discard the training, or download or import the dataset again and resume.',
	incompleteEvaluating: 'Download the dataset completely before evaluating on it.',
	/** Evaluating a model on a dataset with classes it was not trained on, `{classes}` quoted. */
	notModelClasses:
		"This dataset has classes the model was not trained on: {classes}. Choose a model trained on all of this dataset's classes, or another dataset.",
	noTrainPhotos: 'The dataset has no train photos.',
	noValPhotos: 'The dataset has no val photos.',
	noTestPhotos: 'The dataset has no test photos.',
	/** A model id that names no stored model (deleted, or from another browser). */
	modelMissing: 'Model "{id}" is not on this device',
	datasetMissing: 'Dataset {id} is not on this device',
	/** The shipped model's files are not those this build pins (a damaged or half-updated server). */
	shippedModelChanged:
		'{where}: the shipped model is not the one this version of LeafLens was built with (manifest sha256 {actual}…, expected {expected}…). Reload the page; if it persists, the files on the server are damaged.',
	/** A saved model whose backbone is neither served by the app nor saved on the device. */
	backboneMissing:
		'This model needs the {architecture} backbone it was trained on (manifest sha256 {sha256}…), and it is neither served by this app nor saved on this device. Import the model from its .leaflens file, which carries its backbone.',
	/** A dataset address that answers something else than a dataset manifest (a web page, say). */
	notDatasetManifest:
		'{url} is not a JSON dataset manifest: check the address (it ends with manifest.json).',
	/** A dataset deleted in another tab while this one downloaded it. */
	datasetDeletedWhileDownloading:
		'“{name}” was deleted while it downloaded (in another tab?); download it again.',
	/** A shard missing from a dataset on this device (a download that stopped, or storage cleared). */
	shardMissing:
		'Part of “{name}” ({file}) is not on this device: resume its download, or import or download it again.',
	/** "Learn my fields" could not get the PlantVillage photos it trains with. */
	plantvillageUnavailable: 'The PlantVillage photos could not be downloaded.',
	couldNotReach:
		'Could not reach {url} ({reason}). Check the connection; the download resumes where it stopped.',
	connectionDropped:
		'The connection dropped while downloading {url} ({reason}). Check the connection; the download resumes where it stopped.',
	downloadFailed: 'Downloading {url} failed: HTTP {status}',
	/** A web page where a dataset file was asked for: a network's sign-in page (captive portal). */
	webPageInstead:
		'The server answered {url} with a web page (a Wi-Fi or network sign-in page?): sign in or check the connection, then download again; what was downloaded is kept.',
	/** A folder picked for import whose photos are not in class sub-folders. */
	noClassFolders:
		'The folder “{name}” holds photos but no class sub-folders: put the photos of each disease in a sub-folder named after it (e.g. {name}/Apple scab/), then pick the folder again.',
	/** "Learn my fields" with too few confirmed photos; `{n}` photos are needed. */
	confirmMore:
		'Confirm more photos of a disease: one plant is kept aside to check on, and at least {n} other photos are needed to learn from.',
	photosNotImported: 'The photos were not imported.',
	/** An import of photos none of which could be read. */
	noReadablePhotos: 'No readable photos were found.',
	/** A history entry deleted in another tab, acted on in a tab that still showed it. */
	diagnosisGone: 'This diagnosis is no longer on this device: it was deleted in another tab.',
	/** "Learn my fields" while a Train-page job waits for Resume or Discard (it would replace it). */
	trainJobWaiting:
		'A training run on the Train page is waiting: resume it or discard it there first.',
	/** "Learn my fields" while a Train-page job runs in another tab (it would replace it). */
	trainRunsElsewhere: 'A training runs in another tab: learn once it has ended.',
	noDatasetWithClasses: 'No downloaded dataset has the classes of “{name}”',
	backboneUnavailable: 'The backbone file {url} is not available (HTTP {status})',
	storageFullDownload:
		'Not enough storage on this device to keep the rest of "{name}" ({mb} MB more needed). The {n} shards already saved are kept; free some space (delete a dataset or model) and resume.',
	/** Storage full when the history or a model is saved (a download or an import says more). */
	storageFull:
		'Not enough storage on this device. Free some space (delete a dataset or model you no longer need) and try again.',
	/** JSON that is not a LeafLens dataset manifest (`{got}`: what its format field holds). */
	notLeafLensManifest: 'Not a LeafLens dataset manifest: expected format "{expected}", got {got}',
	/** A manifest (`{where}`: its address or dataset name) with a stored dataset's fingerprint but other `{differences}` (manifest fields). */
	fingerprintTaken:
		'{where} has the fingerprint of "{name}" on this device but other {differences}; delete "{name}" first, or prepare the dataset again so it gets its own fingerprint.',
	datasetNewer:
		'This dataset was made by a newer LeafLens (format {version}); this version reads format {supported}. Update LeafLens or prepare the dataset again.',
	shardChecksumTwice:
		"Shard {file} failed its checksum twice (expected {expected}, got {actual}); it was not stored. The server's copy is damaged: prepare the dataset again.",
	/** A stored shard that no longer matches its checksum, of photos made here / of a download. */
	shardDamagedLocal:
		'Shard {file} of "{name}" in this device\'s storage was damaged and is removed; delete "{name}" and import the photos again.',
	shardDamaged:
		'Shard {file} of "{name}" in this device\'s storage was damaged and is removed; resume the download to fetch it again.',
	/** More field photos than the training rows' memory bound takes (train-job.ts checkExtraRepeat). */
	fieldRowsTooMany:
		'The {photos} field photos would be repeated into {size} of training rows (each with {views} augmented views, {weight} times), more than the {most} allowed: train on fewer of them, or (on the command line) lower adapt.weight or adapt.views.',
	/**
	 * A stored shard whose samples are not what the dataset's manifest says (another split, another
	 * class); `{detail}`: which sample and how, in technical English. Fetching it again cannot mend it.
	 */
	shardDisagrees:
		'Shard {file} of "{name}" does not agree with the dataset\'s manifest ({detail}): the dataset was put together wrongly and cannot be used. Delete "{name}" and prepare the dataset again.',
	storageFullImport:
		'Not enough storage on this device to keep "{name}". Free some space (delete a dataset or model), delete the partial dataset and try again.',
	/** A model name that is empty (spaces only) or too long. */
	modelNameLength:
		'A model name needs 1 to {max} characters (spaces at either end do not count), got {name}',
	/** A file picked to import as a model that is no `.leaflens` file (a photo, say). */
	notModelFile: 'This is not a LeafLens model file.',
	modelFileTooBig:
		'This is not a LeafLens model file: it is {mb} MB, and a LeafLens model file is at most {max} MB.',
	modelFileNewer:
		'This model file was made by a newer LeafLens (export format version {version}; this LeafLens reads version {ours}). Update LeafLens to import it.',
	modelFileDamaged: 'This model file is damaged: {file} does not match its checksum.',
	/** A `.leaflens` file whose backbone is not the one its model was trained on. */
	modelFileMismatch:
		'This model file does not fit together: its backbone ({architecture}, manifest sha256 {sha256}…) is not the one the model was trained on ({expected}, {expectedSha256}…).',
	/**
	 * A model directory in a model format newer than this app reads, `{where}` its path or URL (the
	 * ones below name a model that has neither in their own words).
	 */
	modelNewer:
		'{where}: this model was made by a newer LeafLens (model format version {version}; this LeafLens reads version {ours}). Update LeafLens to use it.',
	/** modelNewer, of the classifier / the backbone inside a `.leaflens` file. */
	modelNewerInFile:
		'The model in this file was made by a newer LeafLens (model format version {version}; this LeafLens reads version {ours}). Update LeafLens to use it.',
	backboneNewerInFile:
		'The backbone in this file was made by a newer LeafLens (model format version {version}; this LeafLens reads version {ours}). Update LeafLens to use it.',
	/** modelNewer, of a model / a backbone saved on this device (by a newer LeafLens in this browser). */
	modelNewerStored:
		'Model "{id}" on this device was made by a newer LeafLens (model format version {version}; this LeafLens reads version {ours}). Update LeafLens to use it.',
	backboneNewerStored:
		'The {architecture} backbone saved on this device was made by a newer LeafLens (model format version {version}; this LeafLens reads version {ours}). Update LeafLens to use it.',
	modelFileIncomplete: 'This model file is incomplete: {file} is missing.',
	/** Other damage (`{detail}`: what, in technical English); after modelFileDamaged, which it also matches. */
	modelFileDamagedDetail: 'This model file is damaged: {detail}',
	/** Another kind of archive (`{detail}`: why); after modelFileTooBig, which it also matches. */
	notModelFileDetail: 'This is not a LeafLens model file: {detail}',
	/** A TF.js backend that would not start (Settings shows it beside the backend). */
	/** A class name typed for the user's own photos that cannot be used. */
	classNameEmpty: 'Type a name for the class.',
	/** A new class added without photos. */
	classPhotosEmpty: 'Choose the photos of the class.',
	classNameTooLong: 'A class name is at most 100 characters; this one has {n}.',
	classNameSlash: 'A class name cannot contain “/”: “{name}”.',
	/** A photo of a picked folder that lies in no class sub-folder (left out). */
	notInClass: 'Not inside a class sub-folder.',
	/** A photo whose bytes are filed under more than one class (`{classes}` quoted): every copy left out. */
	sameInClasses:
		'The same photo is filed under the classes {classes} ({paths}): every copy is left out.',
	/** A picked file that is no photo by its name (Thumbs.db, a video): left out unread. */
	notPhotoFile: 'Not a photo file (JPEG, PNG, WebP, HEIC…).',
	/** "Time the engines again" while a task runs in the worker. */
	timingBusy:
		'A task is running (a diagnosis, a training or an evaluation): time the engines again once it has ended.',
	backendNotStarted: 'The {backend} backend could not be started on this device',
	/** A training of fewer than 2 classes (`{classes}`: their names, comma-separated, or "—"). */
	tooFewClasses:
		'Training needs at least 2 classes, got {count} ({classes}): add photos of another class',
	/** Losses that became NaN or infinite (`{lr}`: the learning rate the run used). */
	trainingDiverged:
		'Training diverged in epoch {epoch} (train loss {trainLoss}, val loss {valLoss}); nothing was saved from it. Lower lr (now {lr}) or check the data.',
	backendNotStartedBecause: 'The {backend} backend could not be started on this device: {detail}',
	backendNotIncluded: 'The {backend} backend is not included in this build',
	/** A model file the page could not fetch (no connection on a first visit). */
	modelUnreachable: 'Could not download {url} ({reason}). Check the connection and try again.',
	storageRefused:
		'This browser refused to keep LeafLens\'s data on this device (storage "{db}" gave no reason). Private browsing or storage settings can cause this: try a normal window.'
} as const;

export type UserErrorKey = keyof typeof USER_ERRORS;

/**
 * The parameters that are numbers (alone, or followed by a unit: `2.3 GiB`), which a translation
 * writes the language's way (`2,3 GiB`, `2 400`); the others (names, ids, versions, HTTP codes,
 * checksums) stay as they came.
 */
export const NUMBER_PARAMS: Partial<Record<UserErrorKey, readonly string[]>> = {
	storageFullDownload: ['mb', 'n'],
	fieldRowsTooMany: ['photos', 'size', 'views', 'weight', 'most'],
	modelNameLength: ['max'],
	modelFileTooBig: ['mb', 'max'],
	classNameTooLong: ['n'],
	confirmMore: ['n'],
	tooFewClasses: ['count'],
	trainingDiverged: ['epoch', 'trainLoss', 'valLoss', 'lr']
};

/** The English message of `key` with its parameters filled in. */
export function userError(key: UserErrorKey, params?: Record<string, string | number>): string {
	return format(USER_ERRORS[key], params);
}

/** The message for a split without photos. */
export const NO_PHOTOS = {
	train: 'noTrainPhotos',
	val: 'noValPhotos',
	test: 'noTestPhotos'
} as const satisfies Record<'train' | 'val' | 'test', UserErrorKey>;
