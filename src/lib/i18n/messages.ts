import { format } from '../util/template';
import type { UserErrorKey } from '../util/user-errors';
export { format };
/**
 * The interface text, one catalogue per language. English is the reference: every other catalogue
 * must have exactly its keys (the type enforces it), and a unit test checks that the `{name}`
 * placeholders match.
 */
export const en = {
	'app.name': 'LeafLens',
	'nav.label': 'Main',
	'nav.skip': 'Skip to content',
	'nav.diagnose': 'Diagnose',
	'nav.train': 'Train',
	'nav.evaluate': 'Evaluate',
	'nav.models': 'Models',
	'nav.settings': 'Settings',
	'backend.active': 'Engine: {name}',
	'backend.starting': 'Starting engine…',
	'ml.unavailable': 'The {backend} backend is not available here; using {active}.',
	'ml.workerStopped':
		'The model worker stopped ({reason}). It restarts on the next action; your saved data is intact.',
	'ml.workerStoppedWithout':
		'The model worker stopped ({reason}). It restarts on the next action without {backend}; your saved data is intact.',
	'ml.unknownError': 'unknown error',
	'ml.gpuStopped': 'The GPU stopped ({what}).',
	'ml.gpuRestarting': 'The GPU stopped ({what}); restarting on another engine…',
	'ml.gpuRecovered': 'The GPU stopped ({what}); now running on {backend}. Your data is intact.',
	'ml.noEngine': 'no engine',
	'ml.engineHung':
		'The {backend} engine did not answer within {seconds} s; LeafLens started again without it for this session.',
	'ml.deviceLost': 'device lost',
	'ml.contextLost': 'WebGL context lost',
	'ml.noModel': 'No diagnosis model is available.',
	'ml.notRunning': 'The model worker is not running.',
	'ml.noReason': 'The model worker failed and the browser gave no reason ({value}).',
	'update.available': 'A new version of LeafLens is available.',
	'update.reload': 'Reload',
	'update.later': 'Later',
	'update.elsewhere':
		'LeafLens was updated in another tab. Reload this tab once its work here is done.',
	'update.afterWork': 'LeafLens was updated. Reload this tab once its work here is done.',
	'update.confirmWork':
		'Work is running in this tab. Reload now? A training resumes from its last finished epoch; a photo import or an evaluation starts again; a photo on the Diagnose page, or an answer not kept in the history, is lost.',
	'offline.ready': 'LeafLens is ready to work offline.',
	'offline.ok': 'OK',
	'offline.failed':
		'LeafLens could not be saved on this device (a download failed): it does not open without a connection yet. It tries again when you come back to it.',
	'offline.retry': 'Try again',
	'diagnose.title': 'Diagnose a leaf',
	'diagnose.intro':
		'Take a clear photo of one leaf, in daylight, filling most of the picture. LeafLens answers on this device; the photo never leaves it.',
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
		'This may be a disease LeafLens does not know, or the photo is unlike the leaves it learned from. Photograph one affected leaf close up, filling the picture, in daylight. If it still says "not sure", ask an adviser.',
	'diagnose.lowConfidence':
		'The photo is unclear: the model cannot tell these diseases apart on it. Come closer to the most affected leaf, in daylight, and hold still.',
	'diagnose.notSureUnfamiliar': 'Not sure — possibly a disease LeafLens does not know',
	'diagnose.bestGuess': 'Closest match, not reliable: {name}',
	'diagnose.cropLabel': 'Crop of the leaf',
	'class.name': '{crop} — {disease}',
	'class.healthy': '{crop} — healthy',
	'class.healthyAlone': 'healthy leaves',
	'diagnose.cropHint':
		'Choosing the crop leaves out the diseases of other crops. LeafLens remembers your choice.',
	'diagnose.anyCrop': 'Any crop',
	'diagnose.askCropTitle': 'Which crop is this leaf from?',
	'diagnose.askCropHint':
		'LeafLens compared it with the diseases of every crop. Tap its crop: the same photo is answered again among that crop’s diseases only, the best help for photos taken in the field. LeafLens remembers your choice.',
	'diagnose.amongCrop': 'Among {crop} diseases',
	'diagnose.otherCropTitle': 'Not sure — is it a leaf of the crop chosen ({crop})?',
	'diagnose.otherCrop':
		'To the model, this does not look like a leaf of the crop chosen ({crop}). Check the crop chosen above, or choose “Any crop”.',
	'diagnose.heatmap': 'Show where the model looked',
	'diagnose.heatmapNote':
		'Warm colours mark the parts of the photo that weighed most in the answer.',
	'diagnose.heatmapNoteLeaf':
		'Warm colours mark the parts of this photo that weighed most in its own answer (the plant’s answer combines all its leaves).',
	'diagnose.modelInfo':
		'Model: {classes}. Right {accuracy} of the time on held-out lab photos (PlantVillage: one leaf, plain background).',
	'diagnose.modelUnverified':
		'Model: {classes}. Imported: its accuracy has not been checked on this device (see Models).',
	'diagnose.modelUntested':
		'Model: {classes}. Made on this device, it has no accuracy figure on held-out lab photos (“Learn my fields” shows how a learned model did on your photos kept aside).',
	'diagnose.modelField':
		'On field photos of apple leaves it was right {accuracy} of the time when made to answer every photo ({correct} of {photos}); with the crop named, {cropAccuracy} ({cropCorrect} of {photos}).',
	'diagnose.modelFailed': 'The diagnosis model could not be loaded: {reason}',
	'diagnose.retryModel': 'Try again',
	'diagnose.retry': 'Try this photo again',
	'diagnose.failed': 'This photo could not be diagnosed: {reason}',
	'diagnose.leafFailed': 'The leaf photo {file} could not be added to this plant: {reason}',
	'diagnose.separatePlant':
		'This leaf could not join the plant it was added to (the plant was deleted since, or another model now answers), so it is kept as a plant of its own.',
	'diagnose.separateAgain':
		'This photo’s plant has another leaf now (added in another tab) that was answered among other crops, so the photo’s new answer is kept as a plant of its own.',
	'diagnose.notSaved': 'The answer above is not kept in the history: {reason}',
	'plant.combined': 'Combined answer from {leaves}',
	'plant.add': 'Add another leaf of this plant',
	'plant.addHint': 'Several leaves of one plant give a surer answer (up to {max}).',
	'plant.full':
		'This plant has {max} leaves, the most one answer combines. Choose a photo above to start a new plant.',
	'plant.adding': 'Leaf {n} of the same plant',
	'plant.notSure': 'Not sure — the leaves disagree',
	'plant.disagree':
		'The leaves look like different problems. Photograph only affected leaves of this one plant, close up, in daylight, and leave out healthy-looking ones. If they still disagree, the plant may have two problems: ask an adviser.',
	'plant.notSureUnclear': 'Not sure — the leaves do not point to one problem',
	'plant.lowConfidence':
		'Together, the leaves do not point clearly to one problem. Add a close-up photo, in daylight, of another affected leaf of this plant. If it is still not sure, ask an adviser.',
	'plant.otherCrop':
		'To the model, these leaves do not look like leaves of this plant’s crop ({crop}). If the plant is another crop, start a new plant: choose its crop (or “Any crop”) above and pick a photo.',
	'plant.leaf': 'Leaf {n}',
	'plant.leafNotSure': 'not sure',
	'crop.title': 'Point at the leaf',
	'crop.hint':
		'Only the part in the square is diagnosed. LeafLens suggested where the leaf seems to be: drag the square, drag its corner or pinch to resize it, or tap the leaf. With a keyboard: arrow keys move it (Shift: faster), + and − resize it, Enter diagnoses.',
	'crop.photoAlt': 'The photo to crop',
	'crop.roleDescription': 'crop square',
	'crop.square':
		'Part to diagnose: {size} by {size} pixels at {x}, {y} of a {width} by {height} photo',
	'crop.diagnose': 'Diagnose this crop',
	'crop.whole': 'Use whole photo',
	'crop.suggestion': 'Back to the suggestion',
	'crop.cancel': 'Cancel',
	'history.title': 'History',
	'history.empty': 'No diagnoses yet. They are kept on this device only.',
	'history.loadFailed': 'The history on this device could not be read: {reason}',
	'history.loading': 'Reading the history on this device…',
	'history.retry': 'Try again',
	'history.unreadable': 'Not listed, as they could not be read: {diagnoses} ({reason}).',
	'history.deleteUnreadable': 'Delete what could not be read',
	'history.preciseOff':
		'New diagnoses keep a location rounded to about 1 km. Round the precise ones already stored too?',
	'history.locationsRounded': 'The stored locations were rounded to about 1 km.',
	'history.actionFailed': 'The history could not be changed: {reason}',
	'history.export': 'Export CSV',
	'history.clear': 'Delete all',
	'history.delete': 'Delete',
	'history.deleted': 'Deleted: {answer}',
	'history.undo': 'Undo',
	'share.button': 'Share with an adviser',
	'share.title': 'LeafLens diagnosis',
	'share.answer': '{answer} — {p}% likely',
	'share.when': 'Diagnosed {date}',
	'share.leaves': 'From {leaves} of the plant',
	'share.crop': 'Crop: {crop}',
	'share.confirmed': 'The grower says: {name}',
	'share.location': 'Location: {lat}, {lon} (within about {m} m)',
	'share.footer':
		'Diagnosed on the phone by LeafLens, a model trained on leaf photos, not an expert: please check.',
	'share.shared': 'Shared.',
	'share.downloaded':
		'This browser cannot share photos: the case was downloaded as a web page, ready to send to your adviser.',
	'share.failed': 'Could not share: {reason}',
	'advice.title': 'What to do',
	'advice.loading': 'Loading the advice…',
	'advice.failed': 'The advice could not be loaded: {reason}',
	'advice.fallback': 'This advice is not yet available in your language; it is shown in English.',
	'advice.missing': 'LeafLens has no advice for this class yet. Ask an adviser.',
	'advice.watch': 'What to watch',
	'advice.confirm': 'How to confirm it by eye',
	'advice.candidatesTitle': 'Is it one of these? Check by eye',
	'advice.candidatesHint':
		'The likeliest answers, the likeliest first. Compare your leaf with how each one shows; none of them is certain.',
	'advice.candidatesNone':
		'If your leaf looks like none of them, it may have a disease LeafLens does not know: show it to an adviser.',
	'advice.now': 'What to do now',
	'advice.cultural': 'On the farm',
	'advice.biological': 'Biological',
	'advice.chemical': 'Chemical',
	'advice.safety': 'Safety:',
	'advice.prevent': 'Next season',
	'advice.adviser': 'When to call an adviser',
	'advice.sources': 'Sources (checked {date})',
	'history.confirmClear': 'Delete all diagnoses from this device?',
	'history.location': 'Save my location with each diagnosis',
	'history.locationRefused':
		'No location kept: this browser may not give it to LeafLens (see the site’s permissions).',
	'history.locationUnavailable': 'No location kept: the device could not tell where it is.',
	'history.locationSlow': 'No location kept: the device did not tell where it is in time.',
	'history.locationPrecise': 'Precise location (otherwise rounded to about 1 km)',
	'history.locationOff':
		'New diagnoses are saved without a location. Remove the ones already stored?',
	'history.keepLocations': 'Keep them',
	'history.locationsRemoved': 'The stored locations were removed.',
	'history.right': 'Right',
	'history.wrong': 'Not right…',
	'history.isActually': 'This plant actually has',
	'history.chooseClass': 'Choose what the plant has',
	'history.newClass': 'Something else (type its name)',
	'history.newClassName': 'Name of the disease',
	'history.nameRequired': 'Type the name of the disease.',
	'history.cropOf': 'Crop of the plant',
	'history.chooseCrop': 'Choose the plant’s crop',
	'history.otherCrop': 'Another crop (type its name)',
	'history.newCropName': 'Name of the crop',
	'history.cropRequired': 'Type the name of the crop.',
	'history.matched': '(LeafLens already knows “{typed}” as {name}: saved as that.)',
	'history.badName': 'Type a name of at most 100 characters, without “/”.',
	'history.save': 'Save',
	'history.cancel': 'Cancel',
	'history.confirmed': 'You said: {name}',
	'history.change': 'Change',
	'learn.title': 'Learn my fields',
	'learn.intro':
		'Tell LeafLens what each plant really has (“Right” or “Not right…” in the history). For each disease, LeafLens keeps one plant aside to check the model before and after, and learns from at least {min} other photos of it (so from two plants or more), here on this device: nothing leaves it.',
	'learn.none': 'No confirmed photos with a kept photo yet.',
	'learn.ready': '{name}: {photos} — ready',
	'learn.waiting':
		'{name}: {photos} — not yet: one plant is kept aside to check on, and at least {min} other photos are needed to learn from ({left} now)',
	'learn.limit': 'PlantVillage photos per class to learn with (empty: all; fewer is faster)',
	'learn.start': 'Learn from {photos} ({held} to check)',
	'learn.step.download': 'Downloading the PlantVillage photos it learns with…',
	'learn.step.before': 'Checking the current model on the photos kept aside…',
	'learn.step.import': 'Preparing your photos…',
	'learn.step.train': 'Learning your fields…',
	'learn.step.after': 'Checking the new model on the photos kept aside…',
	'learn.epochs': 'Round {done} of {total}',
	'learn.progress': 'Learning progress',
	'learn.stop': 'Stop',
	'learn.stopped':
		'Learning was stopped or interrupted. Press “Continue learning” to carry on from where it stopped.',
	'learn.resume': 'Continue learning',
	'learn.discard': 'Discard',
	'learn.failed': 'Learning did not finish: {reason}',
	'learn.switchFailed': 'The model could not be changed: {reason}',
	'learn.before': 'Before: {right} of {held} right ({answered} answered)',
	'learn.after': 'After: {right} of {total} right ({answered} answered)',
	'learn.active': 'The new model “{name}” now diagnoses.',
	'learn.restore': 'Go back to the previous model',
	'learn.restored': 'The previous model diagnoses again.',
	'learn.reapply': 'Use the new model again',
	'learn.otherActive': 'Another model diagnoses now (chosen since on the Models page).',
	'learn.waitingPlant':
		'{name}: {photos} of one plant — add another plant: one plant is kept aside to check on, and at least {min} other photos are needed to learn from',
	'learn.confirmFirst': 'Confirm photos in the history first',
	'learn.waitTraining':
		'Learn waits until the training, download or photo import under way on the Train page ends.',
	'learn.elsewhere': 'Learning in another tab of LeafLens: its result shows here when it ends.',
	'learn.modelGone':
		'The learned model is no longer on this device (it was deleted). Learn again to make a new one.',
	'learn.limitInvalid': 'Type a whole number of 1 or more, or leave it empty for all.',
	'learn.modelName': 'Learned from my fields {time}',
	'learn.reading': 'Reading the photos: {done} of {total}',
	'learn.downloaded': '{done} of {total} MB',
	'learn.downloadSize': 'Downloads about {size} (once): the PlantVillage photos it learns with.',
	'learn.downloadNone':
		'Nothing to download: the PlantVillage photos it learns with are on this device.',
	'learn.expertReady':
		'Every {cropIn} class is here: learning also makes a specialist for {cropIn} from your photos alone, used when you name the crop.',
	'learn.expertPartial':
		'{crop}: learning also makes a specialist for {ready} from your photos alone, used when you name the crop. With photos of {missing} too, it will know every {cropIn} class.',
	'learn.expertMissing':
		'{crop}: confirm photos of one more {cropIn} class ({missing}), and learning also makes a specialist for {cropIn} from your photos alone, used when you name the crop.',
	'learn.expertsLearned':
		'Also learned from your photos alone: a specialist for {crops}. Name the crop when you diagnose to use it.',
	'learn.heldDeleted':
		'Deleted or corrected meanwhile, and left out of both figures: {photos} kept aside.',
	'train.title': 'Train a model',
	'train.intro':
		'Fine-tune the leaf model on a dataset or on your own photos, here in the browser. Nothing is uploaded.',
	'data.title': 'Datasets on this device',
	'data.url': 'Dataset address (manifest.json)',
	/** The Download of an empty dataset address (the form's own check, in the language). */
	'data.urlEmpty': 'Type the address of a dataset manifest (it ends with manifest.json).',
	'data.download': 'Download',
	'data.cancel': 'Cancel',
	'data.downloading': 'Downloading {file}: {done} of {total} MB',
	'data.downloadingSpoken': 'Downloading: {done} of {total} MB',
	'data.starting': 'Starting the download…',
	'data.downloaded': '“{name}” is downloaded and ready.',
	'data.deleted': '“{name}” was deleted from this device.',
	'data.progress': 'Download progress',
	'data.none': 'No dataset on this device yet.',
	'data.summary': '{classes}, {photos}, {stored} of {total} MB stored',
	'data.complete': 'ready',
	'data.partial': 'partly downloaded',
	'data.resume': 'Resume download',
	'data.failed': 'The dataset could not be downloaded: {reason}',
	'data.listFailed':
		'The datasets on this device could not be read: {reason}. Reload the page to try again.',
	'data.deleteFailed': 'The dataset could not be deleted: {reason}',
	'data.delete': 'Delete',
	'data.inTraining':
		'This dataset is used by the training running now: stop the training first, then delete it.',
	'data.inTrainingElsewhere':
		'This dataset is used by a training running in another tab: stop it there first, then delete it.',
	'data.inStoredJob':
		'A training run waiting to be resumed uses this dataset: resume or discard it first, then delete the dataset.',
	'data.confirmDelete': 'Delete the dataset "{name}" from this device?',
	'data.storage': 'Storage used by this site: {used} MB of {quota} MB available.',
	'train.settings': 'Training',
	'train.dataset': 'Dataset',
	'train.preset': 'Preset',
	'train.presetQuick': 'Quick check (3 epochs)',
	'train.presetHead': 'Full head training',
	'train.presetFinetune': 'Fine-tune the last layers (slower, more accurate)',
	'train.presetField': 'Head for photos taken in the field (lab photos on varied backgrounds)',
	'train.presetAdapt': 'Learn my fields (the dataset plus my own photos, weighted)',
	'train.limit': 'Photos per class (empty: all)',
	'train.limitInvalid':
		'Photos per class: type a whole number of at least 1, or leave it empty for all photos.',
	'train.settingsRefused': 'These advanced settings cannot be used: {reason}',
	'train.overrides': 'Advanced settings (one key=value per line)',
	'train.start': 'Start training',
	'train.stop': 'Stop',
	'train.stopping': 'Stopping…',
	'train.resume': 'Resume training',
	'train.discard': 'Discard',
	'train.pendingUnsaved':
		'A training run finished, but its model could not be saved. “Resume training” saves it without training again; “Discard” deletes it.',
	'train.pending':
		'A training run stopped before its end. Resume it from its last completed epoch?',
	'train.confirmDiscard': 'Discard the stopped training run? What it has learnt so far is lost.',
	'train.confirmDiscardUnsaved':
		'Discard the finished training run? Its model, not saved yet, is lost.',
	'train.confirmReplaceUnsaved':
		'A finished training run waits to be saved (“Resume training” saves it). Start a new run and discard it?',
	'train.confirmReplace':
		'A stopped training run waits to be resumed. Start a new run and discard the stopped one?',
	'train.stage.engines': 'Timing the engines on this device for this training (once)…',
	'train.stage.loading': 'Loading the model…',
	'train.stage.features': 'Reading the photos ({split}): {done} of {total}',
	'train.readingProgress': 'Photos read',
	'train.stage.training': 'Training: epoch {epoch} of {total}',
	'train.stage.calibrating': 'Calibrating and learning when to say "not sure"…',
	'train.eta': 'About {seconds} s left',
	'train.resumed': 'Resumed after epoch {epoch}.',
	'train.chart': 'Loss and accuracy per epoch',
	'train.epoch': 'Epoch',
	'train.loss': 'Loss',
	'train.accuracy': 'Accuracy',
	'train.valLoss': 'Val. loss',
	'train.valAccuracy': 'Val. accuracy',
	'train.seconds': 'Seconds',
	'train.doneResumed':
		'Done, {seconds} s on {backend} since it resumed: {accuracy} accuracy on validation photos.',
	'train.done': 'Done in {seconds} s on {backend}: {accuracy} accuracy on validation photos.',
	'train.saved': 'Saved as "{name}". Open Models to use it for diagnosis.',
	'train.saving': 'Saving the model on this device…',
	'train.failed': 'Training stopped: {reason}',
	'train.elsewhere': 'This training is running in another LeafLens tab: its progress shows there.',
	'train.learning':
		'Learn my fields is under way on the Diagnose page: training and photo imports here wait until it ends.',
	'train.saveFailed': 'The model was trained but could not be saved: {reason}',
	'train.saveAgain': 'Save again',
	'train.needData': 'Download a dataset first.',
	'own.title': 'Your own photos',
	'own.intro':
		'Make a dataset from your photos, kept on this device. Each class needs at least 5 photos.',
	'own.folder': 'Choose a folder with one sub-folder per class',
	'own.newClass': 'Add a new class',
	'own.className': 'New class name (e.g. the disease)',
	'own.classPhotos': 'Photos of this class (at least 5)',
	'own.addClass': 'Add class',
	'own.importing': 'Preparing your photos: {done} of {total}',
	'own.saved': '“{name}” is ready: {classes}, {photos}.',
	'own.failed': 'Your photos could not be used: {reason}',
	'own.cancel': 'Cancel import',
	'own.progress': 'Import progress',
	'own.cancelled': 'Import cancelled. Your other datasets are unchanged.',
	'own.local': 'your photos',
	'own.short':
		'Some classes of “{name}” have fewer than {min} photos, too few to learn from. Nothing is imported yet.',
	'own.shortClass': '“{name}”: {photos}',
	'own.shortRefused':
		'Your photos could not be used: each class needs at least {min} photos, and no class here has that many:',
	'own.importRest': 'Import the other {n} classes',
	'own.importOther': 'Import the other class',
	'train.include': 'Also include',
	'train.includeNote': 'Train on these datasets too; their new classes are added to the model.',
	'train.sameClass': '“{folder}” of {dataset} is trained as {name}, the class it names.',
	'train.cropless':
		'“{folder}” of {dataset} does not name its crop: {names}? It would be trained as a class of its own.',
	'train.valFractionHere':
		'adapt.valFraction cannot be set here: a fifth of your own photos of each class is held back when they are added (the command line’s --field takes the setting).',
	'train.croplessRefused':
		'A folder of the datasets chosen does not name its crop (listed above): import its photos again in a folder named with the crop (e.g. “Tomato Leaf Mold”), or leave its dataset out.',
	'evaluate.sameClass': '“{folder}” is scored as {name}, the class it names.',
	'evaluate.perClassShown':
		'The photos here cover {shown} of the model’s {total} classes; the others are left out.',
	'evaluate.title': 'Evaluate a model',
	'evaluate.intro':
		'Measure a model on held-out photos: accuracy per disease, confusion matrix and calibration.',
	'evaluate.model': 'Model',
	'evaluate.defaultModel': 'Shipped PlantVillage model',
	'evaluate.dataset': 'Dataset',
	'evaluate.split': 'Photos',
	'evaluate.splitTest': 'Test (held out)',
	'evaluate.splitVal': 'Validation',
	'evaluate.splitTrain': 'Training',
	'evaluate.limit': 'Photos per class (empty: all)',
	'evaluate.run': 'Evaluate',
	'evaluate.cancel': 'Cancel',
	'evaluate.preparing': 'Reading the model and the photos…',
	'evaluate.stopping': 'Stopping…',
	'evaluate.progress': 'Scoring photos: {done} of {total}',
	'evaluate.scoring': 'Scoring the photos…',
	'evaluate.scrollable': '{name}, scrollable sideways',
	'evaluate.loadingData': 'Reading the datasets on this device…',
	'evaluate.needData': 'Download a dataset on the Train page first.',
	'evaluate.done': 'Evaluation finished: {accuracy} right, photos scored: {count}.',
	'evaluate.cancelled': 'Evaluation cancelled.',
	'evaluate.failed': 'Evaluation stopped: {reason}',
	'evaluate.summary': 'Summary',
	'evaluate.photos': 'Photos',
	'evaluate.accuracy': 'Accuracy',
	'evaluate.top3': 'Top-3 accuracy',
	'evaluate.macroF1': 'Macro F1',
	'evaluate.ece': 'Calibration error (ECE)',
	'evaluate.eceRaw': 'before temperature scaling',
	'evaluate.coverage': 'Answered (not "not sure")',
	'evaluate.selective': 'Accuracy on answered photos',
	'evaluate.confusion': 'Confusion matrix',
	'evaluate.confusionNote':
		'Rows: true class; columns: predicted class. Darker cells hold more photos.',
	'evaluate.perClass': 'Per class',
	'evaluate.class': 'Class',
	'evaluate.precision': 'Precision',
	'evaluate.recall': 'Recall',
	'evaluate.f1': 'F1',
	'evaluate.support': 'Photos',
	'evaluate.gallery': 'Misclassified photos',
	'evaluate.galleryShown': 'The first {shown} of the {total} misclassified photos:',
	'evaluate.galleryEmpty': 'No photo was misclassified.',
	'evaluate.wasPredicted': 'true: {actual} · predicted: {predicted}',
	'evaluate.exportJson': 'Export JSON',
	'evaluate.exportCsv': 'Export CSV',
	'evaluate.took': '{seconds} s on {backend}',
	'models.title': 'Models',
	'models.intro': 'Models saved on this device, and the one used for diagnosis.',
	'models.import': 'Import a model file',
	'models.importHint': 'A .leaflens file exported by LeafLens on this or another device.',
	'models.importing': 'Checking the model file…',
	'models.imported': '“{name}” was imported.',
	'models.importFailed': '{file} could not be imported. {reason}',
	'models.builtIn': 'Built-in model',
	'models.builtInName': 'PlantVillage (comes with LeafLens)',
	'models.defaultFailed': 'The built-in model could not be read: {reason}',
	'models.saved': 'Saved on this device',
	'models.none': 'No saved models yet. Train one on the Train page, or import a .leaflens file.',
	'models.inUse': 'In use',
	'models.activate': 'Activate',
	'models.rename': 'Rename',
	'models.newName': 'New name',
	'models.save': 'Save',
	'models.cancel': 'Cancel',
	'models.delete': 'Delete',
	'models.confirmDelete': 'Delete “{name}” from this device?',
	'models.export': 'Export',
	'models.exportOnnx': 'Download ONNX',
	'models.activated': '“{name}” now diagnoses your photos.',
	'models.chosenElsewhere':
		'Another tab chose another model while “{name}” loaded: the one marked “In use” diagnoses your photos.',
	'models.deleted': '“{name}” was deleted.',
	'models.exported': '{file} is downloading.',
	'models.failed': 'That did not work: {reason}',
	'models.trained': 'Trained',
	'models.mode': 'Mode',
	'models.modeHead': 'new classifier head',
	'models.modeFinetune': 'fine-tuned',
	'models.classes': 'Leaf classes',
	'models.experts': 'Taught by your photos',
	'models.expertsValue': '{crops}, used when you name the crop',
	'models.accuracy': 'Accuracy on held-out lab photos',
	'models.labNote':
		'Measured on held-out lab photos (PlantVillage: one leaf, plain background). Photos taken in a field look different and are usually harder.',
	'models.valOnly':
		'not measured on held-out photos ({accuracy} on the validation photos of its training)',
	'models.notMeasured': 'not measured',
	'models.untested':
		'This model records no test figure: it was not measured on held-out photos (models adapted on this device record none).',
	'models.fieldAccuracy': 'Accuracy on field photos of apple leaves',
	'models.fieldValue': '{accuracy} ({correct} of {photos}, made to answer every photo)',
	'models.fieldCropAccuracy': 'The same photos, with the crop named (Apple)',
	'models.ece': 'Calibration error (ECE)',
	'models.coverage': 'Answered (not “not sure”)',
	'models.size': 'Size',
	'models.unverified': 'unverified',
	'models.unverifiedNote':
		'Imported: its file claims {accuracy}. A model file proves it is intact, not who made it or that its figures are true, so this device shows no accuracy until it has checked the model itself.',
	'models.unverifiedNoClaim':
		'Imported, and not checked on this device: its accuracy is not known here.',
	'models.checkHow': 'To check it, download a dataset with the same classes on the Train page.',
	'models.check': 'Check on “{dataset}”',
	'models.preparing': 'Checking on this device… reading the model and the photos',
	'models.checking': 'Checking on this device… {done} of {photos}',
	'models.checkedNote':
		'Measured on this device on {photos} test photos of “{dataset}” ({date}), not taken from its file.',
	'models.checked': '“{name}” is right {accuracy} of the time on this device’s test photos.',
	'settings.title': 'Settings',
	'settings.language': 'Language',
	'settings.languageFailed':
		'{name} could not be loaded: connect to the internet once, then choose it again.',
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
	'settings.startAgain': 'Start the engines again',
	'settings.environment': 'TensorFlow.js {version}, {cores} CPU threads, WebGPU adapter: {adapter}',
	'settings.none': 'none',
	'settings.unknownAdapter': 'unnamed',
	'settings.threads': 'The wasm engine computes on {threads} (this page is cross-origin isolated).',
	'settings.oneThread':
		'The wasm engine computes on one thread: this page is not cross-origin isolated. It will be from the next visit once the app works offline, or at once where the host sends the headers the README names.',
	'settings.tasks': 'Engine per task',
	'settings.tasksIntro':
		'In automatic mode each task runs on the engine that ran it fastest on this device, timed with the real model once per device and model.',
	'settings.task': 'Task',
	'settings.task.diagnose': 'Diagnosis',
	'settings.task.train': 'Training',
	'settings.workDiagnose': '{network}: one photo and where the model looked',
	'settings.workTrain': '{network}: batches of {batch} photos',
	'settings.workTrainBlocks': '{network}, {blocks} trainable blocks: batches of {batch} photos',
	'settings.perPhoto': '{ms} ms a photo',
	'settings.cannotWin': 'not timed: at least {ms} ms a run, slower than the best',
	'settings.failed': 'failed: {reason}',
	'settings.diagnoseLater': 'Timed when a model is loaded.',
	'settings.trainLater': 'Timed when a training starts.',
	'settings.timeAgain': 'Time the engines again',
	'settings.timed': 'Timed: the table above shows the new timings.',
	'settings.timing': 'Timing the engines…',
	'settings.overridden': 'Every task runs on {backend}, the engine chosen above.',
	'settings.switchWaits':
		'Tasks will run on {backend} once the task running now (a diagnosis, a training) has ended on {active}.',
	'settings.browser': 'What this browser offers',
	'settings.browserIntro':
		'Found by testing this browser, not by its name. Where something is missing, LeafLens takes another way.',
	'settings.feature': 'Feature',
	'feature.webgpu': 'WebGPU',
	'feature.webgpu.use':
		'The fastest engine, on the graphics chip, when the browser also finds a usable chip (the engines above say)',
	'feature.webgl2': 'WebGL 2',
	'feature.webgl2.use': 'The graphics-chip engine most browsers have',
	'feature.wasmSimd': 'WebAssembly SIMD',
	'feature.wasmSimd.use': 'Fast diagnosis and training on the processor',
	'feature.wasmThreads': 'WebAssembly threads',
	'feature.wasmThreads.use': 'The processor engine on several cores',
	'feature.offscreenCanvas': 'OffscreenCanvas',
	'feature.offscreenCanvas.use': 'Reading photos in the background',
	'feature.imageBitmapOptions': 'Photo orientation and resizing',
	'feature.imageBitmapOptions.use': 'Large photos read at a small size, turned the right way',
	'feature.serviceWorker': 'Offline use',
	'feature.serviceWorker.use': 'The app works without a connection after one visit',
	'feature.indexedDb': 'Storage on the device',
	'feature.indexedDb.use': 'History, datasets and models kept on this device',
	'feature.persistence': 'Persistent storage',
	'feature.persistence.use': 'Asking the browser not to clear LeafLens’ data',
	'feature.share': 'Sharing',
	'feature.share.use': 'Sending a diagnosis to an adviser',
	'feature.camera': 'Camera button',
	'feature.camera.use': 'Opening the camera straight from the app',
	'settings.storage': 'Storage on this device',
	'settings.storageKept': 'Storage: kept until you delete it.',
	'settings.storageMayClear': 'Storage: the browser may clear it when space runs low.',
	'settings.storageUnknown': 'Storage: this browser does not say whether it keeps LeafLens’ data.',
	'settings.storageEviction':
		'What that means: when the device runs short of space, the browser may delete this site’s data without asking (“eviction”). Your history, saved models and datasets could disappear; export what matters (the history as CSV, models as .leaflens files).',
	'settings.storageUsage': '{used} used, about {quota} available to LeafLens.',
	'settings.storageAsk': 'Ask the browser to keep it',
	'settings.storageRefused':
		'The browser said no. Browsers usually agree for an installed app or a bookmarked site you use often.',
	'settings.storageChecking': 'Checking storage…'
} as const;

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

/** The interface languages; English is built in, the others are fetched when chosen. */
export const LOCALES = ['en', 'fr', 'es', 'sw', 'hi'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * A message that depends on a count: one text per plural category of the language
 * (Intl.PluralRules: English, Swahili and Hindi have one/other, French and Spanish one/many/other). `{n}` is the count.
 */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** Count phrases, e.g. "1 class" / "2 classes"; other messages take them as parameters. */
export const enPlurals = {
	'count.classes': { one: '{n} class', other: '{n} classes' },
	'count.leafClasses': { one: '{n} leaf class', other: '{n} leaf classes' },
	'count.photos': { one: '{n} photo', other: '{n} photos' },
	'count.leaves': { one: '{n} leaf', other: '{n} leaves' },
	'plant.outvoted': {
		one: 'On its own, {n} leaf looked like something else; the other leaves outweigh it.',
		other: 'On their own, {n} leaves looked like something else; the other leaves outweigh them.'
	},
	'count.threads': { one: '{n} thread', other: '{n} threads' },
	'count.diagnoses': { one: '{n} diagnosis', other: '{n} diagnoses' },
	'history.roundLocations': {
		one: 'Round the {n} stored location',
		other: 'Round the {n} stored locations'
	},
	'history.removeLocations': {
		one: 'Remove the {n} stored location',
		other: 'Remove the {n} stored locations'
	},
	'own.skipped': { one: '{n} file was skipped:', other: '{n} files were skipped:' },
	/** The photos "Learn my fields" keeps aside to check the model on (learn.start, learn.before). */
	'learn.keptAside': { one: '{n} photo kept aside', other: '{n} photos kept aside' },
	'own.leftOut': {
		one: '{n} class was left out, with too few photos:',
		other: '{n} classes were left out, with too few photos:'
	}
} as const satisfies Record<string, PluralForms>;

export type PluralKey = keyof typeof enPlurals;

/**
 * The shipped model's crops and diseases in one language (the class folder names are English).
 * Kept beside that language's catalogue and loaded with it; a class neither table knows (one the
 * user trained) keeps its folder name.
 */
export interface ClassNames {
	/** By crop folder name, e.g. `Corn_(maize)` → `Maïs`. */
	crops: Readonly<Record<string, string>>;
	/** By class folder name, for diseases (a healthy class is `class.healthy` with its crop). */
	diseases: Readonly<Record<string, string>>;
}

/**
 * Errors thrown in English, in a language other than English: why a photo was refused (the words
 * of util/photo-size.ts) and what a job or a store refused (util/user-errors.ts, whose
 * placeholders each text keeps). English needs no table and the app shell carries none.
 * `tooLarge` has `{width}`, `{height}` and `{max}` (megapixels).
 */
export type KnownErrors = Record<UserErrorKey, string> & {
	unreadable: string;
	empty: string;
	tooLarge: string;
	heic: string;
	/** A picked file the browser can no longer read (moved, deleted, or kept only online). */
	fileGone: string;
};

/** One language's texts: the messages, the count phrases and the names of crops and diseases. */
export interface LoadedCatalogue {
	locale: Locale;
	messages: Catalogue;
	plurals: Record<PluralKey, PluralForms>;
	/** Null for English: the folder names are English already. */
	names: ClassNames | null;
	/** Null for English: the words thrown. */
	errors: KnownErrors | null;
}

export const EN: LoadedCatalogue = {
	locale: 'en',
	messages: en,
	plurals: enPlurals,
	names: null,
	errors: null
};

/**
 * A language's catalogue. Only English is in the app's first bytes; each other language is its own
 * chunk, fetched (and precached for offline use) when it is chosen.
 */
export async function loadCatalogue(locale: Locale): Promise<LoadedCatalogue> {
	switch (locale) {
		case 'en':
			return EN;
		case 'fr': {
			const m = await import('./messages.fr');
			return {
				locale,
				messages: m.fr,
				plurals: m.frPlurals,
				names: m.frNames,
				errors: m.frErrors
			};
		}
		case 'es': {
			const m = await import('./messages.es');
			return {
				locale,
				messages: m.es,
				plurals: m.esPlurals,
				names: m.esNames,
				errors: m.esErrors
			};
		}
		case 'sw': {
			const m = await import('./messages.sw');
			return {
				locale,
				messages: m.sw,
				plurals: m.swPlurals,
				names: m.swNames,
				errors: m.swErrors
			};
		}
		case 'hi': {
			const m = await import('./messages.hi');
			return {
				locale,
				messages: m.hi,
				plurals: m.hiPlurals,
				names: m.hiNames,
				errors: m.hiErrors
			};
		}
	}
}

/**
 * The form of `key` for `count` in the catalogue's language, with `{n}` filled (digits grouped the
 * language's way). A category the catalogue lacks falls back to `other` (the i18n spec makes sure
 * none is missing).
 */
export function plural(catalogue: LoadedCatalogue, key: PluralKey, count: number): string {
	if (!Number.isFinite(count))
		throw new Error(`Expected count to be a finite number, got ${count}`);
	const { locale } = catalogue;
	const forms = catalogue.plurals[key];
	const category = new Intl.PluralRules(locale).select(count);
	return format(forms[category] ?? forms.other, {
		n: new Intl.NumberFormat(locale).format(count)
	});
}
