/**
 * PlantVillage's 38 class names and every other name the public copies give them: the one place
 * `leaflens fetch-data` (and anything else) turns a source's folder or label name into a canonical
 * class. Canonical names are the original `raw/color/` folder names of spMohanty/PlantVillage-Dataset
 * (the names the shared sample and the shipped model use), quirks included: the trailing underscore
 * of `Corn_(maize)___Common_rust_` and the spaces in two names.
 *
 * Lookups go through `aliasKey`, so case, spaces versus underscores and doubled or trailing
 * underscores never matter; only real renames need an alias here.
 */

/** The canonical class and the other names public copies use for it (data, not code). */
export const PLANTVILLAGE_CLASSES: Readonly<Record<string, readonly string[]>> = {
	Apple___Apple_scab: [],
	Apple___Black_rot: [],
	Apple___Cedar_apple_rust: [],
	Apple___healthy: [],
	Blueberry___healthy: [],
	// Mendeley Data tywbtsjrjv (the zip TFDS `plant_village` reads) drops the parentheses.
	'Cherry_(including_sour)___Powdery_mildew': ['Cherry___Powdery_mildew'],
	'Cherry_(including_sour)___healthy': ['Cherry___healthy'],
	'Corn_(maize)___Cercospora_leaf_spot Gray_leaf_spot': [
		'Corn___Cercospora_leaf_spot Gray_leaf_spot'
	],
	'Corn_(maize)___Common_rust_': ['Corn___Common_rust'],
	'Corn_(maize)___Northern_Leaf_Blight': ['Corn___Northern_Leaf_Blight'],
	'Corn_(maize)___healthy': ['Corn___healthy'],
	Grape___Black_rot: [],
	'Grape___Esca_(Black_Measles)': [],
	'Grape___Leaf_blight_(Isariopsis_Leaf_Spot)': [],
	Grape___healthy: [],
	'Orange___Haunglongbing_(Citrus_greening)': [],
	Peach___Bacterial_spot: [],
	Peach___healthy: [],
	'Pepper,_bell___Bacterial_spot': [],
	'Pepper,_bell___healthy': [],
	Potato___Early_blight: [],
	Potato___Late_blight: [],
	Potato___healthy: [],
	Raspberry___healthy: [],
	Soybean___healthy: [],
	Squash___Powdery_mildew: [],
	Strawberry___Leaf_scorch: [],
	Strawberry___healthy: [],
	Tomato___Bacterial_spot: [],
	Tomato___Early_blight: [],
	Tomato___Late_blight: [],
	Tomato___Leaf_Mold: [],
	Tomato___Septoria_leaf_spot: [],
	'Tomato___Spider_mites Two-spotted_spider_mite': [],
	Tomato___Target_Spot: [],
	Tomato___Tomato_Yellow_Leaf_Curl_Virus: [],
	Tomato___Tomato_mosaic_virus: [],
	Tomato___healthy: []
};

/**
 * Names a source uses for photos that are not a PlantVillage class and are left out on purpose
 * (counted in the fetch report, never written as a class): Mendeley's extra background class.
 */
export const EXCLUDED_CLASS_NAMES: readonly string[] = ['Background_without_leaves'];

/**
 * PlantDoc (pratikkayal/PlantDoc-Dataset, classification folders train/ and test/) → PlantVillage.
 * Its healthy classes are named "<Crop> leaf". Every PlantDoc class has a PlantVillage counterpart;
 * a folder not listed here goes to `unknown/` and is reported. "Apple rust leaf" is cedar apple
 * rust (the rust PlantDoc's photos show on apple), "Corn leaf blight" northern leaf blight and
 * "Bell_pepper leaf spot" bacterial spot, as in the PlantDoc paper's pairing with PlantVillage.
 */
export const PLANTDOC_TO_PLANTVILLAGE: Readonly<Record<string, string>> = {
	'Apple Scab Leaf': 'Apple___Apple_scab',
	'Apple leaf': 'Apple___healthy',
	'Apple rust leaf': 'Apple___Cedar_apple_rust',
	'Bell_pepper leaf': 'Pepper,_bell___healthy',
	'Bell_pepper leaf spot': 'Pepper,_bell___Bacterial_spot',
	'Blueberry leaf': 'Blueberry___healthy',
	'Cherry leaf': 'Cherry_(including_sour)___healthy',
	'Corn Gray leaf spot': 'Corn_(maize)___Cercospora_leaf_spot Gray_leaf_spot',
	'Corn leaf blight': 'Corn_(maize)___Northern_Leaf_Blight',
	'Corn rust leaf': 'Corn_(maize)___Common_rust_',
	'Peach leaf': 'Peach___healthy',
	'Potato leaf': 'Potato___healthy',
	'Potato leaf early blight': 'Potato___Early_blight',
	'Potato leaf late blight': 'Potato___Late_blight',
	'Raspberry leaf': 'Raspberry___healthy',
	'Soyabean leaf': 'Soybean___healthy',
	'Squash Powdery mildew leaf': 'Squash___Powdery_mildew',
	'Strawberry leaf': 'Strawberry___healthy',
	'Tomato Early blight leaf': 'Tomato___Early_blight',
	'Tomato Septoria leaf spot': 'Tomato___Septoria_leaf_spot',
	'Tomato leaf': 'Tomato___healthy',
	'Tomato leaf bacterial spot': 'Tomato___Bacterial_spot',
	'Tomato leaf late blight': 'Tomato___Late_blight',
	'Tomato leaf mosaic virus': 'Tomato___Tomato_mosaic_virus',
	'Tomato leaf yellow virus': 'Tomato___Tomato_Yellow_Leaf_Curl_Virus',
	'Tomato mold leaf': 'Tomato___Leaf_Mold',
	'Tomato two spotted spider mites leaf': 'Tomato___Spider_mites Two-spotted_spider_mite',
	'grape leaf': 'Grape___healthy',
	'grape leaf black rot': 'Grape___Black_rot'
};

/**
 * A name reduced to what identifies it among the aliases above: lower case, runs of spaces, commas
 * and `_` as one `_` (not ml/class-match.ts `nameKey`, which matches a name a user typed).
 */
export function aliasKey(name: string): string {
	return name
		.normalize('NFC')
		.trim()
		.toLowerCase()
		.replace(/[\s,_]+/g, '_')
		.replace(/^_+|_+$/g, '');
}

function buildIndex(entries: Iterable<[string, string]>): Map<string, string> {
	const index = new Map<string, string>();
	for (const [name, canonical] of entries) {
		const key = aliasKey(name);
		const previous = index.get(key);
		if (previous !== undefined && previous !== canonical)
			throw new Error(`class name "${name}" is ambiguous: ${previous} or ${canonical}`);
		index.set(key, canonical);
	}
	return index;
}

const PLANTVILLAGE_INDEX = buildIndex(
	Object.entries(PLANTVILLAGE_CLASSES).flatMap(([canonical, aliases]) =>
		[canonical, ...aliases].map((name): [string, string] => [name, canonical])
	)
);
const EXCLUDED_KEYS = new Set(EXCLUDED_CLASS_NAMES.map(aliasKey));
const PLANTDOC_INDEX = buildIndex(Object.entries(PLANTDOC_TO_PLANTVILLAGE));

/** What a source's class name means: a canonical class, a class left out on purpose, or unknown. */
export type ClassMatch =
	{ kind: 'class'; name: string } | { kind: 'excluded' } | { kind: 'unknown'; name: string };

/** A PlantVillage copy's folder or label name → canonical class (`Corn___Common_rust` → …). */
export function matchPlantVillageClass(name: string): ClassMatch {
	const key = aliasKey(name);
	const canonical = PLANTVILLAGE_INDEX.get(key);
	if (canonical !== undefined) return { kind: 'class', name: canonical };
	if (EXCLUDED_KEYS.has(key)) return { kind: 'excluded' };
	return { kind: 'unknown', name };
}

/** A PlantDoc folder name → the PlantVillage class it shows, or unknown. */
export function matchPlantDocClass(name: string): ClassMatch {
	const canonical = PLANTDOC_INDEX.get(aliasKey(name));
	return canonical !== undefined ? { kind: 'class', name: canonical } : { kind: 'unknown', name };
}
