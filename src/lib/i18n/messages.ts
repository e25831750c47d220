/**
 * The interface text, one catalogue per language. English is the reference: every other catalogue
 * must have exactly its keys (the type enforces it), and a unit test checks that the `{name}`
 * placeholders match.
 */
export const en = {
	'app.name': 'LeafLens',
	'app.tagline': 'Plant disease diagnosis that works offline, on your device',
	'nav.label': 'Main',
	'nav.diagnose': 'Diagnose',
	'nav.train': 'Train',
	'nav.evaluate': 'Evaluate',
	'nav.models': 'Models',
	'nav.settings': 'Settings',
	'backend.active': 'Engine: {name}',
	'backend.starting': 'Starting engine…',
	'update.available': 'A new version of LeafLens is available.',
	'update.reload': 'Reload',
	'update.later': 'Later',
	'offline.ready': 'LeafLens is ready to work offline.',
	'diagnose.title': 'Diagnose a leaf',
	'diagnose.intro':
		'Take a clear photo of one leaf, in daylight, filling most of the picture. LeafLens answers on this device; the photo never leaves it.',
	'diagnose.noModel':
		'No diagnosis model is loaded yet. Models are prepared by the setup step or trained on the Train page.',
	'diagnose.take': 'Take a photo',
	'diagnose.choose': 'Choose a photo',
	'diagnose.drop': 'or drop a photo here',
	'diagnose.loadingModel': 'Loading the diagnosis model…',
	'diagnose.working': 'Looking at the leaf…',
	'diagnose.photoAlt': 'The photo being diagnosed',
	'diagnose.mostLikely': 'Most likely',
	'diagnose.veryLikely': 'very likely, {p}%',
	'diagnose.likely': 'likely, {p}%',
	'diagnose.possibly': 'possibly, {p}%',
	'diagnose.alternatives': 'Other possibilities',
	'diagnose.notSure': 'Not sure — retake the photo',
	'diagnose.unfamiliar':
		'This photo does not look like the leaves the model knows. Photograph one leaf, close up, in daylight, on a plain background.',
	'diagnose.lowConfidence':
		'The model cannot tell these diseases apart on this photo. Try a sharper photo of the most affected leaf.',
	'diagnose.bestGuess': 'Best guess: {name} ({p}%)',
	'diagnose.heatmap': 'Show where the model looked',
	'diagnose.heatmapNote':
		'Warm colours mark the parts of the photo that weighed most in the answer.',
	'diagnose.modelInfo': 'Model: {classes} leaf classes, {accuracy} accuracy on held-out photos',
	'diagnose.modelFailed': 'The diagnosis model could not be loaded: {reason}',
	'diagnose.failed': 'This photo could not be diagnosed: {reason}',
	'history.title': 'History',
	'history.empty': 'No diagnoses yet. They are kept on this device only.',
	'history.export': 'Export CSV',
	'history.clear': 'Delete all',
	'history.delete': 'Delete',
	'history.confirmClear': 'Delete all diagnoses from this device?',
	'history.location': 'Save my location with each diagnosis',
	'history.locationDenied': 'Location is not available: {reason}',
	'train.title': 'Train a model',
	'train.intro':
		'Fine-tune the leaf model on a dataset or on your own photos, here in the browser. Nothing is uploaded.',
	'evaluate.title': 'Evaluate a model',
	'evaluate.intro':
		'Measure a model on held-out photos: accuracy per disease, confusion matrix and calibration.',
	'models.title': 'Models',
	'models.intro': 'Models saved on this device, and the one used for diagnosis.',
	'settings.title': 'Settings',
	'settings.language': 'Language',
	'settings.backends': 'Compute engines on this device',
	'settings.backendsIntro':
		'LeafLens runs TensorFlow.js in a background worker. Each engine was tried on this device and timed on a short test; the fastest is used unless you choose another.',
	'settings.backend': 'Engine',
	'settings.available': 'Available',
	'settings.probe': 'Speed test',
	'settings.training': 'Can fine-tune',
	'settings.yes': 'yes',
	'settings.no': 'no',
	'settings.active': 'active',
	'settings.recommended': 'fastest',
	'settings.choice': 'Engine to use',
	'settings.auto': 'Automatic (fastest)',
	'settings.detecting': 'Testing the engines on this device…',
	'settings.environment': 'TensorFlow.js {version}, {cores} CPU threads, WebGPU adapter: {adapter}',
	'settings.none': 'none'
} as const;

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

export const fr: Catalogue = {
	'app.name': 'LeafLens',
	'app.tagline': 'Diagnostic des maladies des plantes, hors ligne, sur votre appareil',
	'nav.label': 'Principal',
	'nav.diagnose': 'Diagnostic',
	'nav.train': 'Entraîner',
	'nav.evaluate': 'Évaluer',
	'nav.models': 'Modèles',
	'nav.settings': 'Réglages',
	'backend.active': 'Moteur : {name}',
	'backend.starting': 'Démarrage du moteur…',
	'update.available': 'Une nouvelle version de LeafLens est disponible.',
	'update.reload': 'Recharger',
	'update.later': 'Plus tard',
	'offline.ready': 'LeafLens est prêt à fonctionner hors ligne.',
	'diagnose.title': 'Diagnostiquer une feuille',
	'diagnose.intro':
		'Prenez une photo nette d’une seule feuille, à la lumière du jour, qui remplit presque toute l’image. LeafLens répond sur cet appareil ; la photo ne le quitte jamais.',
	'diagnose.noModel':
		'Aucun modèle de diagnostic n’est encore chargé. Les modèles sont préparés à l’installation ou entraînés sur la page Entraîner.',
	'diagnose.take': 'Prendre une photo',
	'diagnose.choose': 'Choisir une photo',
	'diagnose.drop': 'ou déposez une photo ici',
	'diagnose.loadingModel': 'Chargement du modèle de diagnostic…',
	'diagnose.working': 'Examen de la feuille…',
	'diagnose.photoAlt': 'La photo en cours de diagnostic',
	'diagnose.mostLikely': 'Le plus probable',
	'diagnose.veryLikely': 'très probable, {p} %',
	'diagnose.likely': 'probable, {p} %',
	'diagnose.possibly': 'possible, {p} %',
	'diagnose.alternatives': 'Autres possibilités',
	'diagnose.notSure': 'Pas sûr — reprenez la photo',
	'diagnose.unfamiliar':
		'Cette photo ne ressemble pas aux feuilles que le modèle connaît. Photographiez une seule feuille, de près, à la lumière du jour, sur un fond uni.',
	'diagnose.lowConfidence':
		'Le modèle ne peut pas départager ces maladies sur cette photo. Essayez une photo plus nette de la feuille la plus atteinte.',
	'diagnose.bestGuess': 'Meilleure hypothèse : {name} ({p} %)',
	'diagnose.heatmap': 'Montrer où le modèle a regardé',
	'diagnose.heatmapNote':
		'Les couleurs chaudes marquent les zones qui ont le plus pesé dans la réponse.',
	'diagnose.modelInfo':
		'Modèle : {classes} classes de feuilles, {accuracy} de précision sur des photos mises de côté',
	'diagnose.modelFailed': 'Le modèle de diagnostic n’a pas pu être chargé : {reason}',
	'diagnose.failed': 'Cette photo n’a pas pu être diagnostiquée : {reason}',
	'history.title': 'Historique',
	'history.empty': 'Aucun diagnostic pour l’instant. Ils restent sur cet appareil.',
	'history.export': 'Exporter en CSV',
	'history.clear': 'Tout supprimer',
	'history.delete': 'Supprimer',
	'history.confirmClear': 'Supprimer tous les diagnostics de cet appareil ?',
	'history.location': 'Enregistrer ma position avec chaque diagnostic',
	'history.locationDenied': 'Position indisponible : {reason}',
	'train.title': 'Entraîner un modèle',
	'train.intro':
		'Affinez le modèle sur un jeu de données ou sur vos propres photos, ici dans le navigateur. Rien n’est envoyé.',
	'evaluate.title': 'Évaluer un modèle',
	'evaluate.intro':
		'Mesurez un modèle sur des photos mises de côté : précision par maladie, matrice de confusion et calibration.',
	'models.title': 'Modèles',
	'models.intro': 'Les modèles enregistrés sur cet appareil, et celui utilisé pour le diagnostic.',
	'settings.title': 'Réglages',
	'settings.language': 'Langue',
	'settings.backends': 'Moteurs de calcul de cet appareil',
	'settings.backendsIntro':
		'LeafLens exécute TensorFlow.js dans un worker en arrière-plan. Chaque moteur a été essayé sur cet appareil et chronométré sur un court test ; le plus rapide est utilisé sauf si vous en choisissez un autre.',
	'settings.backend': 'Moteur',
	'settings.available': 'Disponible',
	'settings.probe': 'Test de vitesse',
	'settings.training': 'Peut affiner',
	'settings.yes': 'oui',
	'settings.no': 'non',
	'settings.active': 'actif',
	'settings.recommended': 'le plus rapide',
	'settings.choice': 'Moteur à utiliser',
	'settings.auto': 'Automatique (le plus rapide)',
	'settings.detecting': 'Test des moteurs de cet appareil…',
	'settings.environment':
		'TensorFlow.js {version}, {cores} fils d’exécution, adaptateur WebGPU : {adapter}',
	'settings.none': 'aucun'
};

export const CATALOGUES = { en, fr } as const satisfies Record<string, Catalogue>;
export type Locale = keyof typeof CATALOGUES;
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français' };

/** Fills `{name}` placeholders; an unknown placeholder is left visible rather than dropped. */
export function format(template: string, params: Record<string, string | number> = {}): string {
	return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
		name in params ? String(params[name]) : whole
	);
}
