/** French: the interface texts and count phrases (loaded when the language is chosen). */
import type { Catalogue, ClassNames, KnownErrors, PluralForms, PluralKey } from './messages';

export const fr: Catalogue = {
	'app.name': 'LeafLens',
	'app.labelled': '{label} : {text}',
	'nav.label': 'Principal',
	'nav.skip': 'Aller au contenu',
	'nav.diagnose': 'Diagnostic',
	'nav.train': 'Entraîner',
	'nav.evaluate': 'Évaluer',
	'nav.models': 'Modèles',
	'nav.settings': 'Réglages',
	'backend.active': 'Moteur : {name}',
	'ml.unavailable': 'Le moteur {backend} n’est pas disponible ici ; LeafLens utilise {active}.',
	'ml.workerStopped':
		'Le calcul du modèle s’est arrêté ({reason}). Il redémarre à la prochaine action ; vos données enregistrées sont intactes.',
	'ml.workerStoppedWithout':
		'Le calcul du modèle s’est arrêté ({reason}). Il redémarre à la prochaine action, sans {backend} ; vos données enregistrées sont intactes.',
	'ml.unknownError': 'erreur inconnue',
	'ml.gpuStopped': 'La puce graphique s’est arrêtée ({what}).',
	'ml.gpuRestarting': 'La puce graphique s’est arrêtée ({what}) ; redémarrage sur un autre moteur…',
	'ml.gpuRecovered':
		'La puce graphique s’est arrêtée ({what}) ; LeafLens fonctionne maintenant avec {backend}. Vos données sont intactes.',
	'ml.noEngine': 'aucun moteur',
	'ml.engineHung':
		'Le moteur {backend} n’a pas répondu en {seconds} s ; LeafLens a redémarré sans lui pour cette session.',
	'ml.deviceLost': 'appareil perdu',
	'ml.contextLost': 'contexte WebGL perdu',
	'ml.noModel': 'Aucun modèle de diagnostic n’est disponible.',
	'ml.notRunning': 'Le calcul du modèle ne tourne pas.',
	'ml.noReason': 'Le calcul du modèle a échoué et le navigateur n’a donné aucune raison ({value}).',
	'backend.starting': 'Démarrage du moteur…',
	'update.available': 'Une nouvelle version de LeafLens est disponible.',
	'update.reload': 'Recharger',
	'update.later': 'Plus tard',
	'update.elsewhere':
		'LeafLens a été mis à jour dans un autre onglet. Rechargez cet onglet une fois son travail terminé.',
	'update.afterWork':
		'LeafLens a été mis à jour. Rechargez cet onglet une fois son travail terminé.',
	'update.confirmWork':
		'Un travail est en cours dans cet onglet. Recharger maintenant ? Un entraînement reprend à sa dernière époque terminée ; une importation de photos ou une évaluation recommence ; une photo de la page Diagnostic, ou une réponse non gardée dans l’historique, est perdue.',
	'offline.ready': 'LeafLens est prêt à fonctionner hors ligne.',
	'offline.ok': 'Compris',
	'offline.failed':
		'LeafLens n’a pas pu être enregistré sur cet appareil (un téléchargement a échoué) : il ne s’ouvre pas encore sans connexion. Il réessaie quand vous revenez dans l’application.',
	'offline.retry': 'Réessayer',
	'diagnose.title': 'Diagnostiquer une feuille',
	'diagnose.intro':
		'Prenez une photo nette d’une seule feuille, à la lumière du jour, qui remplit presque toute l’image. LeafLens répond sur cet appareil ; la photo ne le quitte jamais.',
	'diagnose.take': 'Prendre une photo',
	'diagnose.choose': 'Choisir une photo',
	'diagnose.drop': 'ou déposez une photo ici',
	'diagnose.loadingModel': 'Chargement du modèle de diagnostic…',
	'diagnose.working': 'Examen de la feuille…',
	'diagnose.reading': 'Lecture de la photo…',
	'diagnose.photoAlt': 'La photo en cours de diagnostic',
	'diagnose.mostLikely': 'Le plus probable',
	'diagnose.veryLikely': 'très probable, {p}',
	'diagnose.likely': 'probable, {p}',
	'diagnose.possibly': 'possible, {p}',
	'diagnose.alternatives': 'Autres possibilités',
	'diagnose.notSure': 'Pas sûr — reprenez la photo',
	'diagnose.unfamiliar':
		'Il peut s’agir d’une maladie que LeafLens ne connaît pas, ou la photo ne ressemble pas aux feuilles qu’il a apprises. Photographiez une feuille atteinte de près, qui remplit l’image, à la lumière du jour. S’il répond encore « pas sûr », demandez à un conseiller.',
	'diagnose.lowConfidence':
		'La photo n’est pas assez claire : le modèle ne peut pas départager ces maladies. Approchez-vous de la feuille la plus atteinte, à la lumière du jour, sans bouger.',
	'diagnose.notSureUnfamiliar': 'Pas sûr — peut-être une maladie que LeafLens ne connaît pas',
	'diagnose.bestGuess': 'Le plus proche, peu fiable : {name}',
	'class.name': '{crop} — {disease}',
	'class.healthy': '{crop} — saine',
	'class.healthyAlone': 'feuilles saines',
	'diagnose.cropLabel': 'Culture de la feuille',
	'diagnose.cropHint':
		'Choisir la culture écarte les maladies des autres cultures. LeafLens retient votre choix.',
	'diagnose.anyCrop': 'Toutes cultures',
	'diagnose.askCropTitle': 'De quelle culture est cette feuille ?',
	'diagnose.askCropHint':
		'LeafLens l’a comparée aux maladies de toutes les cultures. Touchez sa culture : la même photo est analysée de nouveau parmi les seules maladies de cette culture, la meilleure aide pour les photos prises au champ. LeafLens retient votre choix.',
	'diagnose.amongCrop': 'Parmi les maladies de la culture : {crop}',
	'diagnose.otherCropTitle': 'Pas sûr — est-ce bien une feuille de la culture choisie ({crop}) ?',
	'diagnose.otherCrop':
		'Pour le modèle, cette feuille ne ressemble pas à une feuille de la culture choisie ({crop}). Vérifiez la culture choisie plus haut, ou choisissez « Toutes cultures ».',
	'diagnose.heatmap': 'Montrer où le modèle a regardé',
	'diagnose.heatmapNote':
		'Les couleurs chaudes marquent les zones qui ont le plus pesé dans la réponse.',
	'diagnose.heatmapNoteLeaf':
		'Les couleurs chaudes marquent les zones de cette photo qui ont le plus pesé dans sa propre réponse (celle de la plante combine toutes ses feuilles).',
	'diagnose.modelInfo':
		'Modèle : {classes}. Juste dans {accuracy} des cas sur des photos de laboratoire mises de côté (PlantVillage : une feuille, fond uni).',
	'diagnose.modelUnverified':
		'Modèle : {classes}. Importé : sa précision n’a pas été vérifiée sur cet appareil (voir Modèles).',
	'diagnose.modelUntested':
		'Modèle : {classes}. Fait sur cet appareil, il n’a pas de chiffre de précision sur des photos de laboratoire mises de côté (« Apprendre mes champs » montre comment un modèle appris s’en sort sur vos photos mises de côté).',
	'diagnose.modelField':
		'Sur des photos de feuilles de pommier prises au champ, il a eu juste dans {accuracy} des cas quand il devait répondre à chaque photo ({correct} sur {photos}) ; la culture indiquée, dans {cropAccuracy} des cas ({cropCorrect} sur {photos}).',
	'diagnose.modelFailed': 'Le modèle de diagnostic n’a pas pu être chargé : {reason}',
	'diagnose.retryModel': 'Réessayer',
	'diagnose.retry': 'Réessayer avec cette photo',
	'diagnose.failed': 'Cette photo n’a pas pu être diagnostiquée : {reason}',
	'diagnose.leafFailed':
		'La photo de feuille {file} n’a pas pu être ajoutée à cette plante : {reason}',
	'diagnose.separatePlant':
		'Cette feuille n’a pas pu rejoindre la plante à laquelle elle était ajoutée (la plante a été supprimée depuis, ou un autre modèle répond maintenant) : elle est gardée comme une plante à part.',
	'diagnose.separateAgain':
		'La plante de cette photo a maintenant une autre feuille (ajoutée dans un autre onglet), répondue parmi d’autres cultures : la nouvelle réponse de la photo est gardée comme une plante à part.',
	'diagnose.notSaved': 'La réponse ci-dessus n’est pas gardée dans l’historique : {reason}',
	'plant.combined': 'Réponse combinée de {leaves}',
	'plant.add': 'Ajouter une autre feuille de cette plante',
	'plant.addHint':
		'Plusieurs feuilles d’une même plante donnent une réponse plus sûre (jusqu’à {max}).',
	'plant.full':
		'Cette plante a {max} feuilles, le maximum qu’une réponse combine. Choisissez une photo plus haut pour commencer une nouvelle plante.',
	'plant.adding': 'Feuille {n} de la même plante',
	'plant.notSure': 'Pas sûr — les feuilles ne concordent pas',
	'plant.disagree':
		'Les feuilles semblent montrer des problèmes différents. Photographiez seulement des feuilles atteintes de cette plante, de près, à la lumière du jour, sans les feuilles d’apparence saine. Si elles ne concordent toujours pas, la plante a peut-être deux problèmes : demandez à un conseiller.',
	'plant.notSureUnclear': 'Pas sûr — les feuilles n’indiquent pas un seul problème',
	'plant.lowConfidence':
		'Ensemble, les feuilles n’indiquent pas clairement un seul problème. Ajoutez une photo de près, à la lumière du jour, d’une autre feuille atteinte de cette plante. Si ce n’est toujours pas sûr, demandez à un conseiller.',
	'plant.otherCrop':
		'Pour le modèle, ces feuilles ne ressemblent pas à des feuilles de la culture de cette plante ({crop}). Si c’est une autre culture, commencez une nouvelle plante : choisissez sa culture (ou « Toutes cultures ») plus haut et choisissez une photo.',
	'plant.leaf': 'Feuille {n}',
	'plant.leafNotSure': 'pas sûr',
	'crop.title': 'Montrez la feuille',
	'crop.hint':
		'Seule la partie dans le carré est diagnostiquée. LeafLens propose l’endroit où la feuille semble se trouver : faites glisser le carré, tirez son coin ou pincez pour le redimensionner, ou touchez la feuille. Au clavier : les flèches le déplacent (Maj : plus vite), + et − le redimensionnent, Entrée lance le diagnostic.',
	'crop.photoAlt': 'La photo à recadrer',
	'crop.roleDescription': 'carré de recadrage',
	'crop.square':
		'Partie à diagnostiquer : {size} sur {size} pixels en {x}, {y} d’une photo de {width} sur {height}',
	'crop.diagnose': 'Diagnostiquer ce recadrage',
	'crop.whole': 'Utiliser toute la photo',
	'crop.suggestion': 'Revenir à la suggestion',
	'crop.cancel': 'Annuler',
	'history.title': 'Historique',
	'history.empty': 'Aucun diagnostic pour l’instant. Ils restent sur cet appareil.',
	'history.loadFailed': 'L’historique de cet appareil n’a pas pu être lu : {reason}',
	'history.loading': 'Lecture de l’historique de cet appareil…',
	'history.retry': 'Réessayer',
	'history.unreadable': 'Non affichés, car illisibles : {diagnoses} ({reason}).',
	'history.deleteUnreadable': 'Supprimer ce qui est illisible',
	'history.preciseOff':
		'Les nouveaux diagnostics gardent une position arrondie à environ 1 km. Arrondir aussi les positions précises déjà enregistrées ?',
	'history.locationsRounded': 'Les positions enregistrées ont été arrondies à environ 1 km.',
	'history.actionFailed': 'L’historique n’a pas pu être modifié : {reason}',
	'history.export': 'Exporter en CSV',
	'history.clear': 'Tout supprimer',
	'history.delete': 'Supprimer',
	'history.deleted': 'Supprimé : {answer}',
	'history.undo': 'Rétablir',
	'share.button': 'Partager avec un conseiller',
	'share.title': 'Diagnostic LeafLens',
	'share.answer': '{answer} — probable à {p}',
	'share.when': 'Diagnostiqué le {date}',
	'share.leaves': 'D’après {leaves} de la plante',
	'share.crop': 'Culture : {crop}',
	'share.confirmed': 'Selon le producteur : {name}',
	'share.location': 'Lieu : {lat}, {lon} (à environ {m} m près)',
	'share.footer':
		'Diagnostiqué sur le téléphone par LeafLens, un modèle entraîné sur des photos de feuilles, pas un expert : à vérifier.',
	'share.shared': 'Partagé.',
	'share.downloaded':
		'Ce navigateur ne peut pas partager de photos : le cas a été téléchargé comme page web, prêt à envoyer à votre conseiller.',
	'share.failed': 'Partage impossible : {reason}',
	'advice.title': 'Que faire',
	'advice.loading': 'Chargement des conseils…',
	'advice.failed': 'Les conseils n’ont pas pu être chargés : {reason}',
	'advice.fallback':
		'Ces conseils n’existent pas encore en français ; ils sont affichés en anglais.',
	'advice.missing':
		'LeafLens n’a pas encore de conseils pour cette classe. Demandez à un conseiller.',
	'advice.watch': 'À surveiller',
	'advice.confirm': 'Comment le confirmer à l’œil',
	'advice.candidatesTitle': 'Est-ce l’une de celles-ci ? Vérifiez à l’œil',
	'advice.candidatesHint':
		'Les réponses les plus probables, la plus probable d’abord. Comparez votre feuille à ce que montre chacune ; aucune n’est certaine.',
	'advice.candidatesNone':
		'Si votre feuille ne ressemble à aucune, elle a peut-être une maladie que LeafLens ne connaît pas : montrez-la à un conseiller.',
	'advice.now': 'Que faire maintenant',
	'advice.cultural': 'À la ferme',
	'advice.biological': 'Biologique',
	'advice.chemical': 'Chimique',
	'advice.safety': 'Sécurité :',
	'advice.prevent': 'La saison prochaine',
	'advice.adviser': 'Quand appeler un conseiller',
	'advice.sources': 'Sources (vérifiées le {date})',
	'history.confirmClear': 'Supprimer tous les diagnostics de cet appareil ?',
	'history.location': 'Enregistrer ma position avec chaque diagnostic',
	'history.locationRefused':
		'Position non enregistrée : ce navigateur ne peut pas la donner à LeafLens (voir les autorisations du site).',
	'history.locationUnavailable':
		'Position non enregistrée : l’appareil n’a pas pu savoir où il se trouve.',
	'history.locationSlow':
		'Position non enregistrée : l’appareil n’a pas donné sa position à temps.',
	'history.locationPrecise': 'Position précise (sinon arrondie à environ 1 km)',
	'history.locationOff':
		'Les nouveaux diagnostics sont enregistrés sans position. Supprimer celles déjà enregistrées ?',
	'history.keepLocations': 'Les garder',
	'history.locationsRemoved': 'Les positions enregistrées ont été supprimées.',
	'history.right': 'Juste',
	'history.wrong': 'Pas juste…',
	'history.isActually': 'Cette plante a en fait',
	'history.chooseClass': 'Choisissez ce qu’a la plante',
	'history.newClass': 'Autre chose (tapez son nom)',
	'history.newClassName': 'Nom de la maladie',
	'history.nameRequired': 'Tapez le nom de la maladie.',
	'history.cropOf': 'Culture de la plante',
	'history.chooseCrop': 'Choisissez la culture de la plante',
	'history.otherCrop': 'Une autre culture (tapez son nom)',
	'history.newCropName': 'Nom de la culture',
	'history.cropRequired': 'Tapez le nom de la culture.',
	'history.matched': '(LeafLens connaît déjà « {typed} » sous le nom {name} : enregistré ainsi.)',
	'history.badName': 'Tapez un nom de 100 caractères au plus, sans « / ».',
	'history.save': 'Enregistrer',
	'history.cancel': 'Annuler',
	'history.confirmed': 'Selon vous : {name}',
	'history.change': 'Modifier',
	'learn.title': 'Apprendre mes champs',
	'learn.intro':
		'Dites à LeafLens ce que chaque plante a vraiment (« Juste » ou « Pas juste… » dans l’historique). Pour chaque maladie, LeafLens met une plante de côté pour vérifier le modèle avant et après, et apprend d’au moins {min} autres photos (donc de deux plantes ou plus), ici, sur cet appareil : rien n’en sort.',
	'learn.none': 'Aucune photo confirmée et conservée pour l’instant.',
	'learn.ready': '{name} : {photos} — prêt',
	'learn.waiting':
		'{name} : {photos} — pas encore : une plante est mise de côté pour vérifier, et il faut au moins {min} autres photos pour apprendre ({left} pour l’instant)',
	'learn.limit':
		'Photos PlantVillage par classe pour apprendre (vide : toutes ; moins, c’est plus rapide)',
	'learn.start': 'Apprendre de {photos} ({held} pour vérifier)',
	'learn.step.download': 'Téléchargement des photos PlantVillage utilisées pour apprendre…',
	'learn.step.before': 'Vérification du modèle actuel sur les photos mises de côté…',
	'learn.step.import': 'Préparation de vos photos…',
	'learn.step.train': 'Apprentissage de vos champs…',
	'learn.step.after': 'Vérification du nouveau modèle sur les photos mises de côté…',
	'learn.epochs': 'Tour {done} sur {total}',
	'learn.progress': 'Progression de l’apprentissage',
	'learn.stop': 'Arrêter',
	'learn.stopped':
		'L’apprentissage a été arrêté ou interrompu. Appuyez sur « Reprendre l’apprentissage » pour le poursuivre là où il s’est arrêté.',
	'learn.resume': 'Reprendre l’apprentissage',
	'learn.discard': 'Abandonner',
	'learn.failed': 'L’apprentissage n’a pas abouti : {reason}',
	'learn.switchFailed': 'Le modèle n’a pas pu être changé : {reason}',
	'learn.before': 'Avant : {right} sur {held} justes (réponse pour {answered})',
	'learn.after': 'Après : {right} sur {total} justes (réponse pour {answered})',
	'learn.active': 'Le nouveau modèle « {name} » diagnostique désormais.',
	'learn.restore': 'Revenir au modèle précédent',
	'learn.restored': 'Le modèle précédent diagnostique de nouveau.',
	'learn.reapply': 'Utiliser de nouveau le nouveau modèle',
	'learn.otherActive':
		'Un autre modèle diagnostique maintenant (choisi depuis sur la page Modèles).',
	'learn.waitingPlant':
		'{name} : {photos} d’une seule plante — ajoutez une autre plante : une plante est mise de côté pour vérifier, et il faut au moins {min} autres photos pour apprendre',
	'learn.confirmFirst': 'Confirmez d’abord des photos dans l’historique',
	'learn.waitTraining':
		'Apprendre attend la fin de l’entraînement, du téléchargement ou de l’import de photos en cours sur la page Entraîner.',
	'learn.elsewhere':
		'Apprentissage en cours dans un autre onglet de LeafLens : son résultat s’affichera ici à la fin.',
	'learn.modelGone':
		'Le modèle appris n’est plus sur cet appareil (il a été supprimé). Apprenez de nouveau pour en créer un.',
	'learn.limitInvalid': 'Saisissez un nombre entier de 1 ou plus, ou laissez vide pour tout.',
	'learn.modelName': 'Appris de mes champs {time}',
	'learn.reading': 'Lecture des photos : {done} sur {total}',
	'learn.downloaded': '{done} Mo sur {total} Mo',
	'learn.downloadSize':
		'Télécharge environ {size} (une seule fois) : les photos PlantVillage utilisées pour apprendre.',
	'learn.downloadNone':
		'Rien à télécharger : les photos PlantVillage utilisées pour apprendre sont sur cet appareil.',
	'learn.expertReady':
		'Toutes les classes de {cropIn} sont là : l’apprentissage crée aussi un spécialiste de {cropIn} à partir de vos seules photos, utilisé quand vous nommez la culture.',
	'learn.expertPartial':
		'{crop} : l’apprentissage crée aussi un spécialiste de {ready} à partir de vos seules photos, utilisé quand vous nommez la culture. Avec aussi des photos de {missing}, il connaîtra toutes les classes de {cropIn}.',
	'learn.expertMissing':
		'{crop} : confirmez des photos d’une classe de {cropIn} de plus ({missing}), et l’apprentissage créera aussi un spécialiste de {cropIn} à partir de vos seules photos, utilisé quand vous nommez la culture.',
	'learn.expertsLearned':
		'Appris aussi de vos seules photos : un spécialiste de {crops}. Nommez la culture en diagnostiquant pour l’utiliser.',
	'learn.heldDeleted':
		'Hors des deux chiffres, après une suppression ou une correction entre-temps : {photos}.',
	'train.title': 'Entraîner un modèle',
	'train.intro':
		'Affinez le modèle sur un jeu de données ou sur vos propres photos, ici dans le navigateur. Rien n’est envoyé.',
	'data.title': 'Jeux de données sur cet appareil',
	'data.url': 'Adresse du jeu de données (manifest.json)',
	'data.urlEmpty':
		'Saisissez l’adresse du manifeste d’un jeu de données (elle se termine par manifest.json).',
	'data.download': 'Télécharger',
	'data.cancel': 'Annuler',
	'data.downloading': 'Téléchargement de {file} : {done} sur {total} Mo',
	'data.downloadingSpoken': 'Téléchargement : {done} sur {total} Mo',
	'data.starting': 'Début du téléchargement…',
	'data.downloaded': '« {name} » est téléchargé et prêt.',
	'data.deleted': '« {name} » a été supprimé de cet appareil.',
	'data.progress': 'Progression du téléchargement',
	'data.none': 'Aucun jeu de données sur cet appareil pour l’instant.',
	'data.summary': '{classes}, {photos}, {stored} sur {total} Mo enregistrés',
	'data.complete': 'prêt',
	'data.partial': 'téléchargé en partie',
	'data.resume': 'Reprendre le téléchargement',
	'data.failed': 'Le jeu de données n’a pas pu être téléchargé : {reason}',
	'data.listFailed':
		'Les jeux de données de cet appareil n’ont pas pu être lus : {reason}. Rechargez la page pour réessayer.',
	'data.deleteFailed': 'Le jeu de données n’a pas pu être supprimé : {reason}',
	'data.delete': 'Supprimer',
	'data.inTraining':
		'L’entraînement en cours utilise ce jeu de données : arrêtez d’abord l’entraînement, puis supprimez-le.',
	'data.inTrainingElsewhere':
		'Un entraînement en cours dans un autre onglet utilise ce jeu de données : arrêtez-le d’abord là-bas, puis supprimez-le.',
	'data.inStoredJob':
		'Un entraînement en attente de reprise utilise ce jeu de données : reprenez-le ou abandonnez-le d’abord, puis supprimez le jeu de données.',
	'data.confirmDelete': 'Supprimer le jeu de données « {name} » de cet appareil ?',
	'data.storage': 'Stockage utilisé par ce site : {used} Mo sur {quota} Mo disponibles.',
	'train.settings': 'Entraînement',
	'train.dataset': 'Jeu de données',
	'train.preset': 'Préréglage',
	'train.presetQuick': 'Vérification rapide (3 époques)',
	'train.presetHead': 'Entraînement complet de la tête',
	'train.presetFinetune': 'Affiner les dernières couches (plus lent, plus précis)',
	'train.presetField': 'Tête pour les photos prises au champ (photos de labo sur fonds variés)',
	'train.presetAdapt': 'Apprendre mes champs (le jeu de données plus mes photos, pondérées)',
	'train.limit': 'Photos par classe (vide : toutes)',
	'train.limitInvalid':
		'Photos par classe : saisissez un nombre entier d’au moins 1, ou laissez vide pour toutes les photos.',
	'train.settingsRefused': 'Ces réglages avancés ne peuvent pas être utilisés : {reason}',
	'train.overrides': 'Réglages avancés (une clé=valeur par ligne)',
	'train.start': 'Lancer l’entraînement',
	'train.stop': 'Arrêter',
	'train.stopping': 'Arrêt en cours…',
	'train.resume': 'Reprendre l’entraînement',
	'train.discard': 'Abandonner',
	'train.pendingUnsaved':
		'Un entraînement s’est terminé, mais son modèle n’a pas pu être enregistré. « Reprendre l’entraînement » l’enregistre sans réentraîner ; « Abandonner » le supprime.',
	'train.pending':
		'Un entraînement s’est arrêté avant la fin. Le reprendre depuis sa dernière époque terminée ?',
	'train.confirmDiscard':
		'Abandonner l’entraînement arrêté ? Ce qu’il a appris jusqu’ici est perdu.',
	'train.confirmDiscardUnsaved':
		'Abandonner l’entraînement terminé ? Son modèle, pas encore enregistré, est perdu.',
	'train.confirmReplaceUnsaved':
		'Un entraînement terminé attend d’être enregistré (« Reprendre l’entraînement » l’enregistre). En commencer un nouveau et abandonner celui-ci ?',
	'train.confirmReplace':
		'Un entraînement arrêté attend d’être repris. En commencer un nouveau et abandonner celui-ci ?',
	'train.stage.engines':
		'Mesure des moteurs de cet appareil pour cet entraînement (une seule fois)…',
	'train.stage.loading': 'Chargement du modèle…',
	'train.stage.features': 'Lecture des photos ({split}) : {done} sur {total}',
	'train.readingProgress': 'Photos lues',
	'train.stage.training': 'Entraînement : époque {epoch} sur {total}',
	'train.stage.calibrating': 'Calibrage et apprentissage du « je ne sais pas »…',
	'train.eta': 'Environ {seconds} s restantes',
	'train.resumed': 'Repris après l’époque {epoch}.',
	'train.chart': 'Perte et précision par époque',
	'train.epoch': 'Époque',
	'train.loss': 'Perte',
	'train.accuracy': 'Précision',
	'train.valLoss': 'Perte val.',
	'train.valAccuracy': 'Précision val.',
	'train.seconds': 'Secondes',
	'train.doneResumed':
		'Terminé, {seconds} s sur {backend} depuis la reprise : {accuracy} de précision sur les photos de validation.',
	'train.done':
		'Terminé en {seconds} s sur {backend} : {accuracy} de précision sur les photos de validation.',
	'train.saved': 'Enregistré sous « {name} ». Ouvrez Modèles pour l’utiliser en diagnostic.',
	'train.saving': 'Enregistrement du modèle sur cet appareil…',
	'train.failed': 'Entraînement arrêté : {reason}',
	'train.elsewhere':
		'Cet entraînement tourne dans un autre onglet LeafLens : sa progression s’affiche là-bas.',
	'train.learning':
		'« Apprendre mes champs » est en cours sur la page Diagnostic : l’entraînement et l’import de photos d’ici attendent sa fin.',
	'train.saveFailed': 'Le modèle est entraîné mais n’a pas pu être enregistré : {reason}',
	'train.saveAgain': 'Enregistrer à nouveau',
	'train.needData': 'Téléchargez d’abord un jeu de données.',
	'own.title': 'Vos propres photos',
	'own.intro':
		'Créez un jeu de données à partir de vos photos, gardé sur cet appareil. Chaque classe demande au moins 5 photos.',
	'own.folder': 'Choisissez un dossier avec un sous-dossier par classe',
	'own.newClass': 'Ajouter une classe',
	'own.className': 'Nom de la nouvelle classe (par ex. la maladie)',
	'own.classPhotos': 'Photos de cette classe (au moins 5)',
	'own.addClass': 'Ajouter la classe',
	'own.importing': 'Préparation de vos photos : {done} sur {total}',
	'own.saved': '« {name} » est prêt : {classes}, {photos}.',
	'own.failed': 'Vos photos n’ont pas pu être utilisées : {reason}',
	'own.cancel': 'Annuler l’import',
	'own.progress': 'Progression de l’import',
	'own.cancelled': 'Import annulé. Vos autres jeux de données sont inchangés.',
	'own.local': 'vos photos',
	'own.short':
		'Certaines classes de « {name} » ont moins de {min} photos, trop peu pour apprendre. Rien n’est encore importé.',
	'own.shortClass': '« {name} » : {photos}',
	'own.shortRefused':
		'Vos photos n’ont pas pu être utilisées : chaque classe demande au moins {min} photos, et aucune classe ici n’en a autant :',
	'own.importRest': 'Importer les {n} autres classes',
	'own.importOther': 'Importer l’autre classe',
	'train.include': 'Inclure aussi',
	'train.includeNote':
		'Entraîner aussi sur ces jeux de données ; leurs nouvelles classes sont ajoutées au modèle.',
	'train.sameClass':
		'Les photos de « {folder} » ({dataset}) entraînent {name}, la classe que ce nom désigne.',
	'train.cropless':
		'« {folder} » ({dataset}) ne nomme pas sa culture : {names} ? Il serait entraîné comme une classe à part.',
	'train.valFractionHere':
		'adapt.valFraction ne peut pas être réglé ici : un cinquième de vos propres photos de chaque classe est mis de côté quand elles sont ajoutées (le --field de la ligne de commande prend ce réglage).',
	'train.croplessRefused':
		'Un dossier des jeux de données choisis ne nomme pas sa culture (voir ci-dessus) : importez à nouveau ses photos dans un dossier qui nomme la culture (par ex. « Tomato Leaf Mold »), ou laissez ce jeu de données de côté.',
	'evaluate.sameClass':
		'Les photos de « {folder} » sont évaluées comme {name}, la classe que ce nom désigne.',
	'evaluate.perClassShown':
		'Les photos d’ici couvrent {shown} des {total} classes du modèle ; les autres sont omises.',
	'evaluate.title': 'Évaluer un modèle',
	'evaluate.intro':
		'Mesurez un modèle sur des photos mises de côté : précision par maladie, matrice de confusion et calibration.',
	'evaluate.model': 'Modèle',
	'evaluate.defaultModel': 'Modèle PlantVillage fourni',
	'evaluate.dataset': 'Jeu de données',
	'evaluate.split': 'Photos',
	'evaluate.splitTest': 'Test (mises de côté)',
	'evaluate.splitVal': 'Validation',
	'evaluate.splitTrain': 'Entraînement',
	'evaluate.limit': 'Photos par classe (vide : toutes)',
	'evaluate.run': 'Évaluer',
	'evaluate.cancel': 'Annuler',
	'evaluate.preparing': 'Lecture du modèle et des photos…',
	'evaluate.stopping': 'Arrêt en cours…',
	'evaluate.progress': 'Évaluation des photos : {done} sur {total}',
	'evaluate.scoring': 'Évaluation des photos…',
	'evaluate.scrollable': '{name}, défilement horizontal',
	'evaluate.loadingData': 'Lecture des jeux de données de cet appareil…',
	'evaluate.needData': 'Téléchargez d’abord un jeu de données sur la page Entraîner.',
	'evaluate.done':
		'Évaluation terminée : {accuracy} de réponses justes, photos évaluées : {count}.',
	'evaluate.cancelled': 'Évaluation annulée.',
	'evaluate.failed': 'Évaluation arrêtée : {reason}',
	'evaluate.summary': 'Résumé',
	'evaluate.photos': 'Photos',
	'evaluate.accuracy': 'Précision',
	'evaluate.top3': 'Précision top-3',
	'evaluate.macroF1': 'F1 macro',
	'evaluate.ece': 'Erreur de calibration (ECE)',
	'evaluate.eceRaw': 'avant la mise à l’échelle de température',
	'evaluate.coverage': 'Répondues (pas « pas sûr »)',
	'evaluate.selective': 'Précision sur les photos répondues',
	'evaluate.confusion': 'Matrice de confusion',
	'evaluate.confusionNote':
		'Lignes : classe réelle ; colonnes : classe prédite. Les cases foncées contiennent plus de photos.',
	'evaluate.perClass': 'Par classe',
	'evaluate.class': 'Classe',
	'evaluate.precision': 'Précision',
	'evaluate.recall': 'Rappel',
	'evaluate.f1': 'F1',
	'evaluate.support': 'Photos',
	'evaluate.gallery': 'Photos mal classées',
	'evaluate.galleryShown': 'Les {shown} premières des {total} photos mal classées :',
	'evaluate.galleryEmpty': 'Aucune photo mal classée.',
	'evaluate.wasPredicted': 'réel : {actual} · prédit : {predicted}',
	'evaluate.exportJson': 'Exporter en JSON',
	'evaluate.exportCsv': 'Exporter en CSV',
	'evaluate.took': '{seconds} s sur {backend}',
	'models.title': 'Modèles',
	'models.intro': 'Les modèles enregistrés sur cet appareil, et celui utilisé pour le diagnostic.',
	'models.import': 'Importer un fichier de modèle',
	'models.importHint': 'Un fichier .leaflens exporté par LeafLens sur cet appareil ou un autre.',
	'models.importing': 'Vérification du fichier de modèle…',
	'models.imported': '« {name} » a été importé.',
	'models.importFailed': '{file} n’a pas pu être importé. {reason}',
	'models.builtIn': 'Modèle intégré',
	'models.builtInName': 'PlantVillage (fourni avec LeafLens)',
	'models.defaultFailed': 'Le modèle intégré n’a pas pu être lu : {reason}',
	'models.saved': 'Enregistrés sur cet appareil',
	'models.none':
		'Aucun modèle enregistré. Entraînez-en un sur la page Entraîner, ou importez un fichier .leaflens.',
	'models.inUse': 'Utilisé',
	'models.activate': 'Activer',
	'models.rename': 'Renommer',
	'models.newName': 'Nouveau nom',
	'models.save': 'Enregistrer',
	'models.cancel': 'Annuler',
	'models.delete': 'Supprimer',
	'models.confirmDelete': 'Supprimer « {name} » de cet appareil ?',
	'models.export': 'Exporter',
	'models.exportOnnx': 'Télécharger en ONNX',
	'models.activated': '« {name} » diagnostique maintenant vos photos.',
	'models.chosenElsewhere':
		'Un autre onglet a choisi un autre modèle pendant le chargement de « {name} » : celui marqué « Utilisé » diagnostique vos photos.',
	'models.deleted': '« {name} » a été supprimé.',
	'models.exported': 'Téléchargement de {file}.',
	'models.failed': 'Cela n’a pas fonctionné : {reason}',
	'models.trained': 'Entraîné le',
	'models.mode': 'Mode',
	'models.modeHead': 'nouvelle tête de classification',
	'models.modeFinetune': 'affiné',
	'models.classes': 'Classes de feuilles',
	'models.experts': 'Appris de vos photos',
	'models.expertsValue': '{crops}, quand vous nommez la culture',
	'models.accuracy': 'Précision sur des photos de laboratoire mises de côté',
	'models.labNote':
		'Mesurée sur des photos de laboratoire mises de côté (PlantVillage : une feuille, fond uni). Les photos prises au champ sont différentes et en général plus difficiles.',
	'models.valOnly':
		'non mesurée sur des photos mises de côté ({accuracy} sur les photos de validation de son entraînement)',
	'models.notMeasured': 'non mesurée',
	'models.untested':
		'Ce modèle n’a pas de chiffre de test : il n’a pas été mesuré sur des photos mises de côté (les modèles adaptés sur cet appareil n’en enregistrent pas).',
	'models.fieldAccuracy': 'Précision sur des photos de feuilles de pommier prises au champ',
	'models.fieldValue': '{accuracy} ({correct} sur {photos}, en devant répondre à chaque photo)',
	'models.fieldCropAccuracy': 'Les mêmes photos, la culture indiquée (pommier)',
	'models.ece': 'Erreur de calibration (ECE)',
	'models.coverage': 'Réponses données (pas « pas sûr »)',
	'models.unverified': 'non vérifiée',
	'models.unverifiedNote':
		'Importé : son fichier annonce {accuracy}. Un fichier de modèle prouve qu’il est intact, pas qui l’a fait ni que ses chiffres sont vrais : cet appareil n’affiche donc aucune précision tant qu’il n’a pas vérifié le modèle lui-même.',
	'models.unverifiedNoClaim':
		'Importé, et pas vérifié sur cet appareil : sa précision n’est pas connue ici.',
	'models.checkHow':
		'Pour le vérifier, téléchargez un jeu de données avec les mêmes classes sur la page Entraîner.',
	'models.check': 'Vérifier sur « {dataset} »',
	'models.preparing': 'Vérification sur cet appareil… lecture du modèle et des photos',
	'models.checking': 'Vérification sur cet appareil… {done} sur {photos}',
	'models.checkedNote':
		'Mesurée sur cet appareil sur {photos} photos de test de « {dataset} » ({date}), et non reprise de son fichier.',
	'models.checked':
		'« {name} » a raison dans {accuracy} des cas sur les photos de test de cet appareil.',
	'models.size': 'Taille',
	'settings.title': 'Réglages',
	'settings.language': 'Langue',
	'settings.languageFailed':
		'{name} n’a pas pu être chargé : connectez-vous une fois à Internet, puis choisissez-le à nouveau.',
	'settings.backends': 'Moteurs de calcul de cet appareil',
	'settings.backendsIntro':
		'LeafLens exécute TensorFlow.js en arrière-plan, à part de la page. Chaque moteur a été essayé sur cet appareil et chronométré sur un court test ; le plus rapide est utilisé sauf si vous en choisissez un autre.',
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
	'settings.startAgain': 'Relancer les moteurs',
	'settings.environment':
		'TensorFlow.js {version}, {cores} fils d’exécution, adaptateur WebGPU : {adapter}',
	'settings.none': 'aucun',
	'settings.unknownAdapter': 'sans nom',
	'settings.threads':
		'Le moteur wasm calcule sur {threads} (cette page est isolée des autres origines).',
	'settings.oneThread':
		'Le moteur wasm calcule sur un seul fil : cette page n’est pas isolée des autres origines. Elle le sera dès la prochaine visite une fois l’application utilisable hors connexion, ou tout de suite si l’hébergeur envoie les en-têtes indiqués dans le README.',
	'settings.tasks': 'Moteur par tâche',
	'settings.tasksIntro':
		'En mode automatique, chaque tâche tourne sur le moteur qui l’a exécutée le plus vite sur cet appareil, mesuré avec le vrai modèle une fois par appareil et par modèle.',
	'settings.task': 'Tâche',
	'settings.task.diagnose': 'Diagnostic',
	'settings.task.train': 'Entraînement',
	'settings.workDiagnose': '{network} : une photo et où le modèle a regardé',
	'settings.workTrain': '{network} : lots de {batch} photos',
	'settings.workTrainBlocks': '{network}, {blocks} blocs entraînables : lots de {batch} photos',
	'settings.perPhoto': '{ms} ms par photo',
	'settings.cannotWin': 'non mesuré : au moins {ms} ms par passe, plus lent que le meilleur',
	'settings.failed': 'échec : {reason}',
	'settings.diagnoseLater': 'Mesuré au chargement d’un modèle.',
	'settings.trainLater': 'Mesuré au début d’un entraînement.',
	'settings.timeAgain': 'Mesurer les moteurs à nouveau',
	'settings.timed': 'Mesurés : le tableau ci-dessus montre les nouveaux temps.',
	'settings.timing': 'Mesure des moteurs…',
	'settings.overridden': 'Toutes les tâches tournent sur {backend}, le moteur choisi ci-dessus.',
	'settings.switchWaits':
		'Les tâches tourneront sur {backend} une fois la tâche en cours (un diagnostic, un entraînement) terminée sur {active}.',
	'settings.browser': 'Ce que ce navigateur offre',
	'settings.browserIntro':
		'Constaté en testant ce navigateur, pas d’après son nom. Quand quelque chose manque, LeafLens passe par un autre chemin.',
	'settings.feature': 'Fonction',
	'feature.webgpu': 'WebGPU',
	'feature.webgpu.use':
		'Le moteur le plus rapide, sur la puce graphique, si le navigateur trouve aussi une puce utilisable (voir les moteurs ci-dessus)',
	'feature.webgl2': 'WebGL 2',
	'feature.webgl2.use': 'Le moteur sur puce graphique de la plupart des navigateurs',
	'feature.wasmSimd': 'WebAssembly SIMD',
	'feature.wasmSimd.use': 'Diagnostic et entraînement rapides sur le processeur',
	'feature.wasmThreads': 'Fils d’exécution WebAssembly',
	'feature.wasmThreads.use': 'Le moteur processeur sur plusieurs cœurs',
	'feature.offscreenCanvas': 'OffscreenCanvas',
	'feature.offscreenCanvas.use': 'Lire les photos en arrière-plan',
	'feature.imageBitmapOptions': 'Orientation et réduction des photos',
	'feature.imageBitmapOptions.use': 'Grandes photos lues en petit, dans le bon sens',
	'feature.serviceWorker': 'Utilisation hors ligne',
	'feature.serviceWorker.use': 'L’application marche sans connexion après une visite',
	'feature.indexedDb': 'Stockage sur l’appareil',
	'feature.indexedDb.use': 'Historique, jeux de données et modèles gardés sur cet appareil',
	'feature.persistence': 'Stockage persistant',
	'feature.persistence.use': 'Demander au navigateur de ne pas effacer les données de LeafLens',
	'feature.share': 'Partage',
	'feature.share.use': 'Envoyer un diagnostic à un conseiller',
	'feature.camera': 'Bouton appareil photo',
	'feature.camera.use': 'Ouvrir l’appareil photo depuis l’application',
	'settings.storage': 'Stockage sur cet appareil',
	'settings.storageKept': 'Stockage : conservé jusqu’à ce que vous le supprimiez.',
	'settings.storageMayClear':
		'Stockage : le navigateur peut l’effacer quand l’espace vient à manquer.',
	'settings.storageUnknown':
		'Stockage : ce navigateur n’indique pas s’il conserve les données de LeafLens.',
	'settings.storageEviction':
		'Ce que cela veut dire : quand l’appareil manque de place, le navigateur peut supprimer les données de ce site sans demander (« éviction »). Votre historique, vos modèles et vos jeux de données pourraient disparaître ; exportez ce qui compte (l’historique en CSV, les modèles en fichiers .leaflens).',
	'settings.storageUsage': '{used} utilisés, environ {quota} disponibles pour LeafLens.',
	'settings.storageAsk': 'Demander au navigateur de le conserver',
	'settings.storageRefused':
		'Le navigateur a refusé. Il accepte en général pour une application installée ou un site en favori que vous utilisez souvent.',
	'settings.storageChecking': 'Vérification du stockage…'
};

// French: 0 and 1 are singular; "many" is for round millions ("1 000 000 de photos").
export const frPlurals: Record<PluralKey, PluralForms> = {
	'count.classes': { one: '{n} classe', many: '{n} de classes', other: '{n} classes' },
	'count.leafClasses': {
		one: '{n} classe de feuilles',
		many: '{n} de classes de feuilles',
		other: '{n} classes de feuilles'
	},
	'count.photos': { one: '{n} photo', many: '{n} de photos', other: '{n} photos' },
	'count.leaves': { one: '{n} feuille', many: '{n} de feuilles', other: '{n} feuilles' },
	'plant.outvoted': {
		one: 'Prise seule, {n} feuille ressemblait à autre chose ; les autres feuilles l’emportent.',
		many: 'Prises seules, {n} de feuilles ressemblaient à autre chose ; les autres feuilles l’emportent.',
		other:
			'Prises seules, {n} feuilles ressemblaient à autre chose ; les autres feuilles l’emportent.'
	},
	'count.threads': {
		one: '{n} fil d’exécution',
		many: '{n} de fils d’exécution',
		other: '{n} fils d’exécution'
	},
	'count.diagnoses': {
		one: '{n} diagnostic',
		many: '{n} de diagnostics',
		other: '{n} diagnostics'
	},
	'history.roundLocations': {
		one: 'Arrondir la position enregistrée ({n})',
		many: 'Arrondir les {n} de positions enregistrées',
		other: 'Arrondir les {n} positions enregistrées'
	},
	'history.removeLocations': {
		one: 'Supprimer la position enregistrée ({n})',
		many: 'Supprimer les {n} de positions enregistrées',
		other: 'Supprimer les {n} positions enregistrées'
	},
	'own.skipped': {
		one: '{n} fichier a été ignoré :',
		many: '{n} de fichiers ont été ignorés :',
		other: '{n} fichiers ont été ignorés :'
	},
	'learn.keptAside': {
		one: '{n} photo mise de côté',
		many: '{n} de photos mises de côté',
		other: '{n} photos mises de côté'
	},
	'own.leftOut': {
		one: '{n} classe a été laissée de côté, faute de photos :',
		many: '{n} de classes ont été laissées de côté, faute de photos :',
		other: '{n} classes ont été laissées de côté, faute de photos :'
	}
};

// The shipped model's crops (the plant) and diseases, as French growers and extension services name them.
export const frNames: ClassNames = {
	crops: {
		Apple: 'Pommier',
		Blueberry: 'Myrtillier',
		'Cherry_(including_sour)': 'Cerisier',
		'Corn_(maize)': 'Maïs',
		Grape: 'Vigne',
		Orange: 'Oranger',
		'Pepper,_bell': 'Poivron',
		Potato: 'Pomme de terre',
		Raspberry: 'Framboisier',
		Strawberry: 'Fraisier',
		Tomato: 'Tomate'
	},
	diseases: {
		Apple___Apple_scab: 'tavelure',
		Apple___Black_rot: 'pourriture noire',
		Apple___Cedar_apple_rust: 'rouille du genévrier',
		'Cherry_(including_sour)___Powdery_mildew': 'oïdium',
		'Corn_(maize)___Cercospora_leaf_spot Gray_leaf_spot': 'cercosporiose (taches grises)',
		'Corn_(maize)___Common_rust_': 'rouille commune',
		'Corn_(maize)___Northern_Leaf_Blight': 'helminthosporiose',
		Grape___Black_rot: 'black-rot',
		'Grape___Esca_(Black_Measles)': 'esca',
		'Grape___Leaf_blight_(Isariopsis_Leaf_Spot)': 'taches foliaires à Isariopsis',
		'Orange___Haunglongbing_(Citrus_greening)': 'huanglongbing (verdissement des agrumes)',
		'Pepper,_bell___Bacterial_spot': 'gale bactérienne',
		Potato___Early_blight: 'alternariose',
		Potato___Late_blight: 'mildiou',
		Strawberry___Leaf_scorch: 'brûlure des feuilles',
		Tomato___Bacterial_spot: 'gale bactérienne',
		Tomato___Early_blight: 'alternariose',
		Tomato___Late_blight: 'mildiou',
		Tomato___Leaf_Mold: 'cladosporiose',
		Tomato___Septoria_leaf_spot: 'septoriose',
		'Tomato___Spider_mites Two-spotted_spider_mite': 'tétranyques (acariens)',
		Tomato___Target_Spot: 'corynesporiose (taches en cible)',
		Tomato___Tomato_Yellow_Leaf_Curl_Virus: 'maladie des feuilles jaunes en cuillère (TYLCV)',
		Tomato___Tomato_mosaic_virus: 'virus de la mosaïque de la tomate'
	}
};

// Why a photo or a job was refused (thrown in English: i18n/known-errors.ts).
export const frErrors: KnownErrors = {
	unreadable:
		'Ce fichier n’est pas une photo que LeafLens sait lire, ou il est abîmé. Utilisez une photo JPEG, PNG ou WebP.',
	empty: 'Le fichier est vide.',
	tooLarge:
		'Cette photo est trop grande pour être lue ({width}×{height} pixels, plus de {max} mégapixels). Utilisez-en une copie plus petite.',
	heic: 'C’est une photo HEIC (le format habituel de l’appareil photo de l’iPhone), que ce navigateur ne sait pas lire. Envoyez-la en JPEG, ou sur l’iPhone choisissez Réglages → Appareil photo → Formats → Le plus compatible.',
	fileGone:
		'Ce fichier n’a pas pu être lu : il a peut-être été déplacé ou supprimé, ou n’est conservé qu’en ligne. Choisissez-le à nouveau, ou enregistrez-en d’abord une copie sur cet appareil.',
	trainDatasetGone:
		'Un jeu de données utilisé par cet entraînement n’est plus sur cet appareil : abandonnez l’entraînement, ou téléchargez ou importez de nouveau le jeu de données puis reprenez-le.',
	incompleteTraining:
		'Téléchargez entièrement le jeu de données avant d’entraîner le modèle dessus.',
	incompleteEvaluating:
		'Téléchargez entièrement le jeu de données avant d’évaluer le modèle dessus.',
	notModelClasses:
		'Ce jeu de données a des classes sur lesquelles le modèle n’a pas été entraîné : {classes}. Choisissez un modèle entraîné sur toutes ses classes, ou un autre jeu de données.',
	noTrainPhotos: 'Le jeu de données n’a aucune photo d’entraînement.',
	noValPhotos: 'Le jeu de données n’a aucune photo de validation.',
	noTestPhotos: 'Le jeu de données n’a aucune photo de test.',
	modelMissing: 'Le modèle « {id} » n’est pas sur cet appareil.',
	datasetMissing: 'Le jeu de données {id} n’est pas sur cet appareil.',
	shippedModelChanged:
		'{where} : le modèle fourni n’est pas celui avec lequel cette version de LeafLens a été construite (sha256 du manifeste {actual}…, attendu {expected}…). Rechargez la page ; si cela persiste, les fichiers du serveur sont endommagés.',
	backboneMissing:
		'Ce modèle a besoin du réseau de base {architecture} sur lequel il a été entraîné (sha256 du manifeste {sha256}…), qui n’est ni fourni par l’application ni enregistré sur cet appareil. Importez le modèle depuis son fichier .leaflens, qui contient son réseau de base.',
	notDatasetManifest:
		'{url} n’est pas un manifeste de jeu de données JSON : vérifiez l’adresse (elle se termine par manifest.json).',
	datasetDeletedWhileDownloading:
		'« {name} » a été supprimé pendant son téléchargement (dans un autre onglet ?) ; téléchargez-le à nouveau.',
	shardMissing:
		'Une partie de « {name} » ({file}) n’est pas sur cet appareil : reprenez son téléchargement, ou importez-le ou téléchargez-le à nouveau.',
	plantvillageUnavailable: 'Les photos PlantVillage n’ont pas pu être téléchargées.',
	couldNotReach:
		'Impossible de joindre {url} ({reason}). Vérifiez la connexion ; le téléchargement reprendra là où il s’est arrêté.',
	connectionDropped:
		'La connexion a été coupée pendant le téléchargement de {url} ({reason}). Vérifiez la connexion ; le téléchargement reprendra là où il s’est arrêté.',
	webPageInstead:
		'Le serveur a répondu à {url} par une page web (une page de connexion au Wi-Fi ?) : connectez-vous ou vérifiez la connexion, puis téléchargez de nouveau ; ce qui a été téléchargé est conservé.',
	downloadFailed: 'Le téléchargement de {url} a échoué : HTTP {status}',
	noClassFolders:
		'Le dossier « {name} » contient des photos mais aucun sous-dossier par classe : mettez les photos de chaque maladie dans un sous-dossier à son nom (en anglais, p. ex. {name}/Apple scab/), puis choisissez de nouveau le dossier.',
	confirmMore:
		'Confirmez plus de photos d’une maladie : une plante est mise de côté pour vérifier, et il faut au moins {n} autres photos pour apprendre.',
	photosNotImported: 'Les photos n’ont pas été importées.',
	noReadablePhotos: 'Aucune photo lisible n’a été trouvée.',
	diagnosisGone:
		'Ce diagnostic n’est plus sur cet appareil : il a été supprimé dans un autre onglet.',
	tooFewClasses:
		'L’entraînement demande au moins 2 classes, il y en a {count} ({classes}) : ajoutez des photos d’une autre classe',
	trainingDiverged:
		'L’entraînement a divergé à l’époque {epoch} (perte d’entraînement {trainLoss}, perte val. {valLoss}) ; rien n’en a été gardé. Baissez lr (actuellement {lr}) ou vérifiez les données.',
	trainJobWaiting:
		'Un entraînement attend sur la page Entraîner : reprenez-le ou abandonnez-le d’abord.',
	trainRunsElsewhere:
		'Un entraînement est en cours dans un autre onglet : apprenez une fois qu’il est terminé.',
	noDatasetWithClasses: 'Aucun jeu de données téléchargé n’a les classes de « {name} »',
	backboneUnavailable: 'Le fichier du réseau de base {url} n’est pas disponible (HTTP {status})',
	storageFullDownload:
		'Pas assez de place sur cet appareil pour garder la suite de « {name} » ({mb} Mo de plus nécessaires). Les {n} fragments déjà enregistrés sont gardés ; libérez de la place (supprimez un jeu de données ou un modèle) et reprenez.',
	storageFull:
		'Espace de stockage insuffisant sur cet appareil. Libérez de la place (supprimez un jeu de données ou un modèle dont vous n’avez plus besoin) et réessayez.',
	notLeafLensManifest:
		'Ce n’est pas un manifeste de jeu de données LeafLens : format attendu « {expected} », reçu {got}',
	fingerprintTaken:
		'{where} a l’empreinte de « {name} » sur cet appareil mais d’autres champs de manifeste ({differences}) ; supprimez d’abord « {name} », ou préparez le jeu de données à nouveau pour qu’il ait sa propre empreinte.',
	datasetNewer:
		'Ce jeu de données a été fait par un LeafLens plus récent (format {version}) ; cette version lit le format {supported}. Mettez LeafLens à jour ou préparez le jeu de données à nouveau.',
	shardChecksumTwice:
		'Le fragment {file} a échoué deux fois à sa somme de contrôle (attendu {expected}, reçu {actual}) ; il n’a pas été gardé. La copie du serveur est endommagée : préparez le jeu de données à nouveau.',
	shardDamagedLocal:
		'Le fragment {file} de « {name} » gardé sur cet appareil était endommagé et a été retiré ; supprimez « {name} » et importez les photos à nouveau.',
	shardDamaged:
		'Le fragment {file} de « {name} » gardé sur cet appareil était endommagé et a été retiré ; reprenez le téléchargement pour le récupérer.',
	fieldRowsTooMany:
		'Les {photos} photos de terrain seraient répétées en {size} de lignes d’entraînement (chacune avec {views} vues augmentées, {weight} fois), plus que les {most} permis : entraînez sur moins de photos, ou (en ligne de commande) baissez adapt.weight ou adapt.views.',
	shardDisagrees:
		'Le fragment {file} de « {name} » ne concorde pas avec le manifeste du jeu de données ({detail}) : le jeu de données a été mal assemblé et ne peut pas servir. Supprimez « {name} » et préparez de nouveau le jeu de données.',
	storageFullImport:
		'Pas assez de place sur cet appareil pour garder « {name} ». Libérez de la place (supprimez un jeu de données ou un modèle), supprimez le jeu de données partiel et réessayez.',
	modelNameLength:
		'Le nom d’un modèle doit compter de 1 à {max} caractères (les espaces aux extrémités ne comptent pas) ; reçu : {name}',
	notModelFile: 'Ce fichier n’est pas un fichier de modèle LeafLens.',
	modelFileTooBig:
		'Ce fichier n’est pas un fichier de modèle LeafLens : il fait {mb} Mo, et un fichier de modèle LeafLens fait au plus {max} Mo.',
	modelFileNewer:
		'Ce fichier de modèle vient d’une version plus récente de LeafLens (format d’export version {version} ; cette version lit la version {ours}). Mettez LeafLens à jour pour l’importer.',
	modelNewer:
		'{where} : ce modèle vient d’une version plus récente de LeafLens (format de modèle version {version} ; cette version lit la version {ours}). Mettez LeafLens à jour pour l’utiliser.',
	modelNewerInFile:
		'Le modèle de ce fichier vient d’une version plus récente de LeafLens (format de modèle version {version} ; cette version lit la version {ours}). Mettez LeafLens à jour pour l’utiliser.',
	backboneNewerInFile:
		'Le réseau de base de ce fichier vient d’une version plus récente de LeafLens (format de modèle version {version} ; cette version lit la version {ours}). Mettez LeafLens à jour pour l’utiliser.',
	modelNewerStored:
		'Le modèle « {id} » de cet appareil vient d’une version plus récente de LeafLens (format de modèle version {version} ; cette version lit la version {ours}). Mettez LeafLens à jour pour l’utiliser.',
	backboneNewerStored:
		'Le réseau de base {architecture} enregistré sur cet appareil vient d’une version plus récente de LeafLens (format de modèle version {version} ; cette version lit la version {ours}). Mettez LeafLens à jour pour l’utiliser.',
	modelFileDamaged:
		'Ce fichier de modèle est endommagé : {file} ne correspond pas à sa somme de contrôle.',
	modelFileMismatch:
		'Ce fichier de modèle ne tient pas ensemble : son réseau de base ({architecture}, sha256 du manifeste {sha256}…) n’est pas celui sur lequel le modèle a été entraîné ({expected}, {expectedSha256}…).',
	modelFileIncomplete: 'Ce fichier de modèle est incomplet : {file} manque.',
	modelFileDamagedDetail: 'Ce fichier de modèle est endommagé : {detail}',
	notModelFileDetail: 'Ce fichier n’est pas un fichier de modèle LeafLens : {detail}',
	classNameEmpty: 'Saisissez un nom pour la classe.',
	classPhotosEmpty: 'Choisissez les photos de la classe.',
	classNameTooLong: 'Un nom de classe compte au plus 100 caractères ; celui-ci en a {n}.',
	classNameSlash: 'Un nom de classe ne peut pas contenir « / » : « {name} ».',
	notInClass: 'Pas dans un sous-dossier de classe.',
	sameInClasses:
		'La même photo est rangée dans les classes {classes} ({paths}) : toutes ses copies sont laissées de côté.',
	notPhotoFile: 'Pas un fichier photo (JPEG, PNG, WebP, HEIC…).',
	timingBusy:
		'Une tâche est en cours (un diagnostic, un entraînement ou une évaluation) : mesurez à nouveau les moteurs une fois qu’elle est terminée.',
	backendNotStarted: 'Le moteur {backend} n’a pas pu démarrer sur cet appareil',
	backendNotStartedBecause: 'Le moteur {backend} n’a pas pu démarrer sur cet appareil : {detail}',
	backendNotIncluded: 'Le moteur {backend} n’est pas inclus dans cette version',
	modelUnreachable:
		'Impossible de télécharger {url} ({reason}). Vérifiez la connexion et réessayez.',
	storageRefused:
		'Ce navigateur a refusé de garder les données de LeafLens sur cet appareil (le stockage « {db} » n’a pas donné de raison). La navigation privée ou les réglages de stockage peuvent en être la cause : essayez une fenêtre normale.'
};
