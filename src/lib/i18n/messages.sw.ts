/**
 * Swahili: the interface texts, count phrases and names of crops and diseases (loaded when the
 * language is chosen). Plain words a farmer uses; "wewe" forms, as extension leaflets in Kenya and
 * Tanzania address the grower.
 */
import type { Catalogue, ClassNames, KnownErrors, PluralForms, PluralKey } from './messages';

export const sw: Catalogue = {
	'app.name': 'LeafLens',
	'app.labelled': '{label}: {text}',
	'nav.label': 'Kuu',
	'nav.skip': 'Ruka hadi maudhui',
	'nav.diagnose': 'Tambua',
	'nav.train': 'Funza',
	'nav.evaluate': 'Pima',
	'nav.models': 'Modeli',
	'nav.settings': 'Mipangilio',
	'backend.active': 'Injini: {name}',
	'backend.starting': 'Injini inaanza…',
	'ml.unavailable': 'Injini {backend} haipatikani hapa; inatumia {active}.',
	'ml.workerStopped':
		'Sehemu inayoendesha modeli imesimama ({reason}). Itaanza tena kwa hatua inayofuata; data yako iliyohifadhiwa iko salama.',
	'ml.workerStoppedWithout':
		'Sehemu inayoendesha modeli imesimama ({reason}). Itaanza tena kwa hatua inayofuata bila {backend}; data yako iliyohifadhiwa iko salama.',
	'ml.unknownError': 'hitilafu isiyojulikana',
	'ml.gpuStopped': 'Chipu ya michoro imesimama ({what}).',
	'ml.gpuRestarting': 'Chipu ya michoro imesimama ({what}); inaanza tena kwa injini nyingine…',
	'ml.gpuRecovered':
		'Chipu ya michoro imesimama ({what}); sasa inatumia {backend}. Data yako iko salama.',
	'ml.noEngine': 'hakuna injini',
	'ml.engineHung':
		'Injini ya {backend} haikujibu ndani ya sekunde {seconds}; LeafLens imeanza tena bila hiyo kwa kipindi hiki.',
	'ml.deviceLost': 'kifaa kimepotea',
	'ml.contextLost': 'muunganisho wa WebGL umepotea',
	'ml.noModel': 'Hakuna modeli ya kutambua magonjwa inayopatikana.',
	'ml.notRunning': 'Sehemu inayoendesha modeli haifanyi kazi.',
	'ml.noReason': 'Sehemu inayoendesha modeli imeshindwa na kivinjari hakikutoa sababu ({value}).',
	'update.available': 'Toleo jipya la LeafLens linapatikana.',
	'update.reload': 'Pakia upya',
	'update.later': 'Baadaye',
	'update.elsewhere':
		'LeafLens imesasishwa kwenye kichupo kingine. Pakia upya kichupo hiki kazi yake ikikamilika.',
	'update.afterWork': 'LeafLens imesasishwa. Pakia upya kichupo hiki kazi yake ikikamilika.',
	'update.confirmWork':
		'Kuna kazi inayoendelea kwenye kichupo hiki. Pakia upya sasa? Mafunzo yanaendelea kutoka mzunguko wa mwisho uliokamilika; uingizaji wa picha au tathmini huanza upya; picha kwenye ukurasa wa Tambua, au jibu ambalo halijahifadhiwa kwenye historia, hupotea.',
	'offline.ready': 'LeafLens iko tayari kufanya kazi bila mtandao.',
	'offline.ok': 'Sawa',
	'offline.failed':
		'LeafLens haikuweza kuhifadhiwa kwenye kifaa hiki (upakuaji mmoja ulishindwa): bado haifunguki bila mtandao. Itajaribu tena utakaporudi kwenye programu.',
	'offline.retry': 'Jaribu tena',
	'diagnose.title': 'Tambua ugonjwa wa jani',
	'diagnose.intro':
		'Piga picha safi ya jani moja, mchana, likijaza sehemu kubwa ya picha. LeafLens inajibu kwenye kifaa hiki; picha haiondoki humu.',
	'diagnose.take': 'Piga picha',
	'diagnose.choose': 'Chagua picha',
	'diagnose.drop': 'au dondosha picha hapa',
	'diagnose.loadingModel': 'Inapakia modeli ya kutambua magonjwa…',
	'diagnose.working': 'Inaangalia jani…',
	'diagnose.reading': 'Inasoma picha…',
	'diagnose.photoAlt': 'Picha inayochunguzwa',
	'diagnose.mostLikely': 'Huenda zaidi',
	'diagnose.veryLikely': 'inawezekana sana, {p}',
	'diagnose.likely': 'inawezekana, {p}',
	'diagnose.possibly': 'labda, {p}',
	'diagnose.alternatives': 'Uwezekano mwingine',
	'diagnose.notSure': 'Sina uhakika — piga picha tena',
	'diagnose.unfamiliar':
		'Huenda ni ugonjwa ambao LeafLens haujui, au picha haifanani na majani iliyojifunzia. Piga picha ya karibu ya jani moja lenye ugonjwa, likijaza picha, mchana. Ikiendelea kusema "sina uhakika", muulize mshauri wa kilimo.',
	'diagnose.lowConfidence':
		'Picha haiko wazi: modeli haiwezi kutofautisha magonjwa haya kwenye picha hii. Sogea karibu na jani lililoathirika zaidi, mchana, na usitikise simu.',
	'diagnose.notSureUnfamiliar': 'Sina uhakika — huenda ni ugonjwa ambao LeafLens haujui',
	'diagnose.bestGuess': 'Jibu linalokaribia zaidi, lisiloaminika: {name}',
	'diagnose.cropLabel': 'Zao la jani',
	'class.name': '{crop} — {disease}',
	'class.healthy': '{crop} — hakuna ugonjwa',
	'class.healthyAlone': 'hakuna ugonjwa',
	'diagnose.cropHint':
		'Ukichagua zao, magonjwa ya mazao mengine yanaachwa nje. LeafLens inakumbuka chaguo lako.',
	'diagnose.anyCrop': 'Zao lolote',
	'diagnose.askCropTitle': 'Jani hili ni la zao gani?',
	'diagnose.askCropHint':
		'LeafLens imelilinganisha na magonjwa ya kila zao. Gusa zao lake: picha ileile inachunguzwa tena kati ya magonjwa ya zao hilo tu, msaada bora kwa picha zilizopigwa shambani. LeafLens inakumbuka chaguo lako.',
	'diagnose.amongCrop': 'Kati ya magonjwa ya zao: {crop}',
	'diagnose.otherCropTitle': 'Sina uhakika — je, ni jani la zao lililochaguliwa ({crop})?',
	'diagnose.otherCrop':
		'Kwa modeli, jani hili halionekani kuwa la zao lililochaguliwa ({crop}). Angalia zao ulilochagua juu, au chagua “Zao lolote”.',
	'diagnose.heatmap': 'Onyesha modeli ilipoangalia',
	'diagnose.heatmapNote': 'Rangi za joto zinaonyesha sehemu za picha zilizochangia zaidi jibu.',
	'diagnose.heatmapNoteLeaf':
		'Rangi za joto zinaonyesha sehemu za picha hii zilizochangia zaidi jibu lake lenyewe (jibu la mmea linaunganisha majani yake yote).',
	'diagnose.modelInfo':
		'Modeli: {classes}. Ilipata jibu sahihi kwa {accuracy} ya picha za maabara zilizowekwa kando kwa majaribio (PlantVillage: jani moja, mandhari tupu).',
	'diagnose.modelUntested':
		'Modeli: {classes}. Imetengenezwa kwenye kifaa hiki, haina kipimo cha usahihi kwa picha za maabara zilizowekwa kando (“Jifunze mashamba yangu” inaonyesha jinsi modeli iliyojifunzwa ilivyofanya kwa picha zako zilizowekwa kando).',
	'diagnose.modelUnverified':
		'Modeli: {classes}. Imeingizwa: usahihi wake haujakaguliwa kwenye kifaa hiki (tazama Modeli).',
	'diagnose.modelField':
		'Kwenye picha za majani ya tufaha zilizopigwa shambani ilipata jibu sahihi kwa {accuracy} ya picha ilipolazimika kujibu kila picha ({correct} kati ya {photos}); zao likitajwa, {cropAccuracy} ({cropCorrect} kati ya {photos}).',
	'diagnose.modelFailed': 'Modeli ya kutambua magonjwa haikuweza kupakiwa: {reason}',
	'diagnose.retryModel': 'Jaribu tena',
	'diagnose.retry': 'Jaribu picha hii tena',
	'diagnose.failed': 'Picha hii haikuweza kuchunguzwa: {reason}',
	'diagnose.leafFailed': 'Picha ya jani {file} haikuweza kuongezwa kwenye mmea huu: {reason}',
	'diagnose.separatePlant':
		'Jani hili halikuweza kuunganishwa na mmea lililoongezwa kwake (mmea ulifutwa tangu hapo, au modeli nyingine sasa inajibu), kwa hiyo limehifadhiwa kama mmea peke yake.',
	'diagnose.separateAgain':
		'Mmea wa picha hii sasa una jani jingine (lililoongezwa kwenye kichupo kingine) lililojibiwa kati ya mazao mengine, kwa hiyo jibu jipya la picha limehifadhiwa kama mmea peke yake.',
	'diagnose.notSaved': 'Jibu lililo hapo juu halijahifadhiwa kwenye historia: {reason}',
	'plant.combined': 'Jibu la pamoja kutoka {leaves}',
	'plant.add': 'Ongeza jani jingine la mmea huu',
	'plant.addHint': 'Majani kadhaa ya mmea mmoja yanatoa jibu la uhakika zaidi (hadi {max}).',
	'plant.full':
		'Mmea huu una majani {max}, idadi kubwa zaidi ambayo jibu moja linaunganisha. Chagua picha juu ili kuanza mmea mpya.',
	'plant.adding': 'Jani la {n} la mmea uleule',
	'plant.notSure': 'Sina uhakika — majani hayakubaliani',
	'plant.disagree':
		'Majani yanaonekana kuwa na matatizo tofauti. Piga picha za karibu za majani yenye ugonjwa tu ya mmea huu mmoja, mchana, na uache yale yanayoonekana mazima. Yakiendelea kutokubaliana, huenda mmea una matatizo mawili: muulize mshauri wa kilimo.',
	'plant.notSureUnclear': 'Sina uhakika — majani hayaonyeshi tatizo moja',
	'plant.lowConfidence':
		'Kwa pamoja, majani hayaonyeshi wazi tatizo moja. Ongeza picha ya karibu, mchana, ya jani jingine lenye ugonjwa la mmea huu. Ikiendelea kukosa uhakika, muulize mshauri wa kilimo.',
	'plant.otherCrop':
		'Kwa modeli, majani haya hayaonekani kuwa ya zao la mmea huu ({crop}). Ikiwa mmea ni zao jingine, anza mmea mpya: chagua zao lake (au “Zao lolote”) juu kisha uchague picha.',
	'plant.leaf': 'Jani la {n}',
	'plant.leafNotSure': 'sina uhakika',
	'crop.title': 'Onyesha jani',
	'crop.hint':
		'Sehemu iliyo ndani ya mraba tu ndiyo inachunguzwa. LeafLens imependekeza mahali jani linapoonekana kuwa: buruta mraba, buruta pembe yake au bana kwa vidole kubadilisha ukubwa, au gusa jani. Kwa kibodi: vishale vinausogeza (Shift: kwa kasi), + na − vinabadilisha ukubwa, Enter inachunguza.',
	'crop.photoAlt': 'Picha ya kukata',
	'crop.roleDescription': 'mraba wa kukata',
	'crop.square':
		'Sehemu ya kuchunguza: pikseli {size} kwa {size} kwenye {x}, {y} ya picha ya {width} kwa {height}',
	'crop.diagnose': 'Chunguza sehemu hii',
	'crop.whole': 'Tumia picha nzima',
	'crop.suggestion': 'Rudi kwenye pendekezo',
	'crop.cancel': 'Ghairi',
	'history.title': 'Historia',
	'history.empty': 'Bado hakuna uchunguzi. Unahifadhiwa kwenye kifaa hiki tu.',
	'history.loadFailed': 'Historia kwenye kifaa hiki haikuweza kusomwa: {reason}',
	'history.loading': 'Inasoma historia kwenye kifaa hiki…',
	'history.retry': 'Jaribu tena',
	'history.unreadable': 'Hazionyeshwi kwa sababu hazikuweza kusomwa: {diagnoses} ({reason}).',
	'history.deleteUnreadable': 'Futa zisizoweza kusomwa',
	'history.preciseOff':
		'Uchunguzi mpya utahifadhi mahali palipokadiriwa hadi takriban km 1. Ukadirie pia maeneo kamili yaliyokwisha hifadhiwa?',
	'history.locationsRounded': 'Maeneo yaliyohifadhiwa yamekadiriwa hadi takriban km 1.',
	'history.actionFailed': 'Historia haikuweza kubadilishwa: {reason}',
	'history.export': 'Hamisha CSV',
	'history.clear': 'Futa zote',
	'history.delete': 'Futa',
	'history.deleted': 'Imefutwa: {answer}',
	'history.undo': 'Rudisha',
	'share.button': 'Tuma kwa mshauri wa kilimo',
	'share.title': 'Uchunguzi wa LeafLens',
	'share.answer': '{answer} — inawezekana kwa {p}',
	'share.when': 'Ilichunguzwa {date}',
	'share.leaves': 'Kutoka {leaves} ya mmea',
	'share.crop': 'Zao: {crop}',
	'share.confirmed': 'Mkulima anasema: {name}',
	'share.location': 'Mahali: {lat}, {lon} (ndani ya takriban mita {m})',
	'share.footer':
		'Imechunguzwa kwenye simu na LeafLens, modeli iliyofunzwa kwa picha za majani, si mtaalamu: tafadhali hakikisha.',
	'share.shared': 'Imetumwa.',
	'share.downloaded':
		'Kivinjari hiki hakiwezi kutuma picha: taarifa imepakuliwa kama ukurasa wa wavuti, tayari kumtumia mshauri wako.',
	'share.failed': 'Haikuweza kutuma: {reason}',
	'advice.title': 'Nini cha kufanya',
	'advice.loading': 'Inapakia ushauri…',
	'advice.failed': 'Ushauri haukuweza kupakiwa: {reason}',
	'advice.fallback': 'Ushauri huu bado haupatikani kwa lugha yako; unaonyeshwa kwa Kiingereza.',
	'advice.missing': 'LeafLens bado haina ushauri kwa aina hii. Muulize mshauri wa kilimo.',
	'advice.watch': 'Cha kuangalia',
	'advice.confirm': 'Jinsi ya kuuthibitisha kwa macho',
	'advice.candidatesTitle': 'Je, ni mojawapo ya haya? Kagua kwa macho',
	'advice.candidatesHint':
		'Majibu yanayowezekana zaidi, la kwanza likiwa ndilo linalowezekana zaidi. Linganisha jani lako na jinsi kila moja linavyoonekana; hakuna lililo la uhakika.',
	'advice.candidatesNone':
		'Ikiwa jani lako halifanani na lolote kati ya haya, huenda lina ugonjwa ambao LeafLens haujui: mwonyeshe mshauri wa kilimo.',
	'advice.now': 'Cha kufanya sasa',
	'advice.cultural': 'Shambani',
	'advice.biological': 'Kibiolojia',
	'advice.chemical': 'Kwa kemikali',
	'advice.safety': 'Usalama:',
	'advice.prevent': 'Msimu ujao',
	'advice.adviser': 'Wakati wa kumwita mshauri wa kilimo',
	'advice.sources': 'Vyanzo (vilikaguliwa {date})',
	'history.confirmClear': 'Futa uchunguzi wote kwenye kifaa hiki?',
	'history.location': 'Hifadhi mahali nilipo pamoja na kila uchunguzi',
	'history.locationRefused':
		'Mahali hapakuhifadhiwa: kivinjari hiki hakiruhusiwi kuipa LeafLens mahali (angalia ruhusa za tovuti).',
	'history.locationUnavailable': 'Mahali hapakuhifadhiwa: kifaa hakikuweza kujua kilipo.',
	'history.locationSlow': 'Mahali hapakuhifadhiwa: kifaa hakikusema kilipo kwa wakati.',
	'history.locationPrecise': 'Mahali kamili (vinginevyo takriban kilomita 1)',
	'history.locationOff':
		'Uchunguzi mpya utahifadhiwa bila mahali. Ufute maeneo yaliyokwisha hifadhiwa?',
	'history.keepLocations': 'Yaache',
	'history.locationsRemoved': 'Maeneo yaliyohifadhiwa yamefutwa.',
	'history.right': 'Sahihi',
	'history.wrong': 'Si sahihi…',
	'history.isActually': 'Kwa kweli mmea huu una',
	'history.chooseClass': 'Chagua kile ambacho mmea una',
	'history.newClass': 'Kitu kingine (andika jina lake)',
	'history.newClassName': 'Jina la ugonjwa',
	'history.nameRequired': 'Andika jina la ugonjwa.',
	'history.cropOf': 'Zao la mmea',
	'history.chooseCrop': 'Chagua zao la mmea',
	'history.otherCrop': 'Zao lingine (andika jina lake)',
	'history.newCropName': 'Jina la zao',
	'history.cropRequired': 'Andika jina la zao.',
	'history.matched': '(LeafLens tayari inajua “{typed}” kama {name}: imehifadhiwa hivyo.)',
	'history.badName': 'Andika jina lisilozidi herufi 100, bila “/”.',
	'history.save': 'Hifadhi',
	'history.cancel': 'Ghairi',
	'history.confirmed': 'Ulisema: {name}',
	'history.change': 'Badilisha',
	'learn.title': 'Jifunze mashamba yangu',
	'learn.intro':
		'Iambie LeafLens kila mmea una nini hasa (“Sahihi” au “Si sahihi…” kwenye historia). Kwa kila ugonjwa, LeafLens inaweka mmea mmoja kando ili kupima modeli kabla na baada, na inajifunza kutoka angalau picha {min} nyingine (yaani kutoka mimea miwili au zaidi), hapa kwenye kifaa hiki: hakuna kinachoondoka.',
	'learn.none': 'Bado hakuna picha zilizothibitishwa zenye picha iliyohifadhiwa.',
	'learn.ready': '{name}: {photos} — tayari',
	'learn.waiting':
		'{name}: {photos} — bado: mmea mmoja unawekwa kando kwa kupima, na zinahitajika angalau picha {min} nyingine za kujifunzia (sasa {left})',
	'learn.limit':
		'Picha za PlantVillage kwa kila aina za kujifunzia (tupu: zote; chache ni haraka zaidi)',
	'learn.start': 'Jifunza kutoka {photos} ({held} kwa kupima)',
	'learn.step.download': 'Inapakua picha za PlantVillage inazojifunzia…',
	'learn.step.before': 'Inapima modeli ya sasa kwa picha zilizowekwa kando…',
	'learn.step.import': 'Inaandaa picha zako…',
	'learn.step.train': 'Inajifunza mashamba yako…',
	'learn.step.after': 'Inapima modeli mpya kwa picha zilizowekwa kando…',
	'learn.epochs': 'Mzunguko {done} kati ya {total}',
	'learn.progress': 'Maendeleo ya kujifunza',
	'learn.stop': 'Simamisha',
	'learn.stopped':
		'Kujifunza kulisimamishwa au kukatizwa. Bonyeza “Endelea kujifunza” ili kuendelea pale kilipoishia.',
	'learn.resume': 'Endelea kujifunza',
	'learn.discard': 'Tupa',
	'learn.failed': 'Kujifunza hakukukamilika: {reason}',
	'learn.switchFailed': 'Modeli haikuweza kubadilishwa: {reason}',
	'learn.before': 'Kabla: {right} kati ya {held} sahihi ({answered} zilijibiwa)',
	'learn.after': 'Baada: {right} kati ya {total} sahihi ({answered} zilijibiwa)',
	'learn.active': 'Modeli mpya “{name}” sasa ndiyo inayochunguza.',
	'learn.restore': 'Rudi kwenye modeli ya awali',
	'learn.restored': 'Modeli ya awali inachunguza tena.',
	'learn.reapply': 'Tumia modeli mpya tena',
	'learn.otherActive':
		'Modeli nyingine inatambua sasa (iliyochaguliwa baadaye kwenye ukurasa wa Modeli).',
	'learn.waitingPlant':
		'{name}: mmea mmoja ({photos}) — ongeza mmea mwingine: mmea mmoja unawekwa kando kwa kupima, na zinahitajika angalau picha {min} nyingine za kujifunzia',
	'learn.confirmFirst': 'Thibitisha picha kwenye historia kwanza',
	'learn.waitTraining':
		'Kujifunza kunasubiri mafunzo, upakuaji au uingizaji wa picha unaoendelea kwenye ukurasa wa Funza umalizike.',
	'learn.elsewhere':
		'Inajifunza kwenye kichupo kingine cha LeafLens: matokeo yake yataonekana hapa itakapomaliza.',
	'learn.modelGone':
		'Modeli iliyojifunzwa haipo tena kwenye kifaa hiki (ilifutwa). Jifunza tena ili kutengeneza mpya.',
	'learn.limitInvalid': 'Andika namba kamili ya 1 au zaidi, au acha tupu kwa zote.',
	'learn.modelName': 'Imejifunza kutoka mashamba yangu {time}',
	'learn.reading': 'Inasoma picha: {done} kati ya {total}',
	'learn.downloaded': 'MB {done} kati ya {total}',
	'learn.downloadSize':
		'Inapakua takriban {size} (mara moja tu): picha za PlantVillage inazojifunzia.',
	'learn.downloadNone':
		'Hakuna cha kupakua: picha za PlantVillage inazojifunzia ziko kwenye kifaa hiki.',
	'learn.expertReady':
		'Aina zote za {cropIn} zipo: kujifunza pia hutengeneza mtaalamu wa {cropIn} kutoka picha zako pekee, anayetumika unapotaja zao.',
	'learn.expertPartial':
		'{crop}: kujifunza pia hutengeneza mtaalamu wa {ready} kutoka picha zako pekee, anayetumika unapotaja zao. Ukiwa na picha za {missing} pia, atajua aina zote za {cropIn}.',
	'learn.expertMissing':
		'{crop}: thibitisha picha za aina moja zaidi ya {cropIn} ({missing}), na kujifunza kutatengeneza pia mtaalamu wa {cropIn} kutoka picha zako pekee, anayetumika unapotaja zao.',
	'learn.expertsLearned':
		'Imejifunza pia kutoka picha zako pekee: mtaalamu wa {crops}. Taja zao unapochunguza ili kumtumia.',
	'learn.heldDeleted':
		'Nje ya takwimu zote mbili, baada ya kufutwa au kusahihishwa wakati huo: {photos}.',
	'train.title': 'Funza modeli',
	'train.intro':
		'Boresha modeli ya majani kwa seti ya data au kwa picha zako mwenyewe, hapa kwenye kivinjari. Hakuna kinachopakiwa mtandaoni.',
	'data.title': 'Seti za data kwenye kifaa hiki',
	'data.url': 'Anwani ya seti ya data (manifest.json)',
	'data.urlEmpty': 'Andika anwani ya manifesti ya seti ya data (inaishia na manifest.json).',
	'data.download': 'Pakua',
	'data.cancel': 'Ghairi',
	'data.downloading': 'Inapakua {file}: MB {done} kati ya {total}',
	'data.downloadingSpoken': 'Inapakua: MB {done} kati ya {total}',
	'data.starting': 'Upakuaji unaanza…',
	'data.downloaded': '“{name}” imepakuliwa na iko tayari.',
	'data.deleted': '“{name}” imefutwa kwenye kifaa hiki.',
	'data.progress': 'Maendeleo ya upakuaji',
	'data.none': 'Bado hakuna seti ya data kwenye kifaa hiki.',
	'data.summary': '{classes}, {photos}, MB {stored} kati ya {total} zimehifadhiwa',
	'data.complete': 'tayari',
	'data.partial': 'imepakuliwa sehemu',
	'data.resume': 'Endelea kupakua',
	'data.failed': 'Seti ya data haikuweza kupakuliwa: {reason}',
	'data.listFailed':
		'Seti za data kwenye kifaa hiki hazikuweza kusomwa: {reason}. Pakia ukurasa upya ili ujaribu tena.',
	'data.deleteFailed': 'Seti ya data haikuweza kufutwa: {reason}',
	'data.delete': 'Futa',
	'data.inTraining':
		'Mafunzo yanayoendelea sasa yanatumia seti hii ya data: simamisha mafunzo kwanza, kisha uifute.',
	'data.inTrainingElsewhere':
		'Mafunzo yanayoendelea kwenye kichupo kingine yanatumia seti hii ya data: yasimamishe huko kwanza, kisha uifute.',
	'data.inStoredJob':
		'Mafunzo yanayosubiri kuendelezwa yanatumia seti hii ya data: yaendeleze au uyatupe kwanza, kisha ufute seti ya data.',
	'data.confirmDelete': 'Futa seti ya data "{name}" kwenye kifaa hiki?',
	'data.storage': 'Nafasi inayotumiwa na tovuti hii: MB {used} kati ya MB {quota} zinazopatikana.',
	'train.settings': 'Mafunzo',
	'train.dataset': 'Seti ya data',
	'train.preset': 'Mpangilio tayari',
	'train.presetQuick': 'Jaribio la haraka (mizunguko 3)',
	'train.presetHead': 'Mafunzo kamili ya sehemu ya mwisho',
	'train.presetFinetune': 'Boresha tabaka za mwisho (polepole zaidi, sahihi zaidi)',
	'train.presetField':
		'Sehemu ya mwisho kwa picha za shambani (picha za maabara kwenye mandhari mbalimbali)',
	'train.presetAdapt': 'Jifunze mashamba yangu (seti ya data pamoja na picha zangu, kwa uzito)',
	'train.limit': 'Picha kwa kila aina (tupu: zote)',
	'train.limitInvalid':
		'Picha kwa kila aina: andika namba kamili ya angalau 1, au iache tupu kwa picha zote.',
	'train.settingsRefused': 'Mipangilio hii ya hali ya juu haiwezi kutumika: {reason}',
	'train.overrides': 'Mipangilio ya hali ya juu (ufunguo=thamani moja kwa kila mstari)',
	'train.start': 'Anza mafunzo',
	'train.stop': 'Simamisha',
	'train.stopping': 'Inasimamisha…',
	'train.resume': 'Endelea na mafunzo',
	'train.discard': 'Tupa',
	'train.pendingUnsaved':
		'Mafunzo yalimalizika, lakini modeli yake haikuweza kuhifadhiwa. “Endelea na mafunzo” huihifadhi bila kufunza tena; “Tupa” huifuta.',
	'train.pending':
		'Mafunzo yalisimama kabla ya kumalizika. Yaendelee kutoka mzunguko wa mwisho uliokamilika?',
	'train.confirmDiscard': 'Kutupa mafunzo yaliyosimamishwa? Yaliyojifunzwa hadi sasa yatapotea.',
	'train.confirmDiscardUnsaved':
		'Kutupa mafunzo yaliyokamilika? Modeli yake, ambayo bado haijahifadhiwa, itapotea.',
	'train.confirmReplaceUnsaved':
		'Mafunzo yaliyokamilika yanasubiri kuhifadhiwa (“Endelea na mafunzo” huyahifadhi). Kuanza mafunzo mapya na kuyatupa?',
	'train.confirmReplace':
		'Mafunzo yaliyosimamishwa yanasubiri kuendelezwa. Kuanza mafunzo mapya na kuyaacha yaliyosimamishwa?',
	'train.stage.engines': 'Inapima injini za kifaa hiki kwa mafunzo haya (mara moja tu)…',
	'train.stage.loading': 'Inapakia modeli…',
	'train.stage.features': 'Inasoma picha ({split}): {done} kati ya {total}',
	'train.readingProgress': 'Picha zilizosomwa',
	'train.stage.training': 'Inafunza: mzunguko {epoch} kati ya {total}',
	'train.stage.calibrating': 'Inarekebisha na kujifunza wakati wa kusema "sina uhakika"…',
	'train.eta': 'Zimebaki takriban sekunde {seconds}',
	'train.resumed': 'Imeendelea baada ya mzunguko {epoch}.',
	'train.chart': 'Hasara na usahihi kwa kila mzunguko',
	'train.epoch': 'Mzunguko',
	'train.loss': 'Hasara',
	'train.accuracy': 'Usahihi',
	'train.valLoss': 'Hasara (uthibitisho)',
	'train.valAccuracy': 'Usahihi (uthibitisho)',
	'train.seconds': 'Sekunde',
	'train.doneResumed':
		'Imekamilika, sekunde {seconds} kwenye {backend} tangu yaendelezwe: usahihi wa {accuracy} kwa picha za uthibitisho.',
	'train.done':
		'Imekamilika kwa sekunde {seconds} kwenye {backend}: usahihi wa {accuracy} kwa picha za uthibitisho.',
	'train.saved': 'Imehifadhiwa kama "{name}". Fungua Modeli ili uitumie kuchunguza.',
	'train.saving': 'Inahifadhi modeli kwenye kifaa hiki…',
	'train.failed': 'Mafunzo yamesimama: {reason}',
	'train.elsewhere':
		'Mafunzo haya yanaendelea kwenye kichupo kingine cha LeafLens: maendeleo yake yanaonekana huko.',
	'train.learning':
		'“Jifunza mashamba yangu” kinaendelea kwenye ukurasa wa Tambua: mafunzo na uingizaji wa picha hapa vinasubiri kimalizike.',
	'train.saveFailed': 'Modeli imefunzwa lakini haikuweza kuhifadhiwa: {reason}',
	'train.saveAgain': 'Hifadhi tena',
	'train.needData': 'Kwanza pakua seti ya data.',
	'own.title': 'Picha zako mwenyewe',
	'own.intro':
		'Tengeneza seti ya data kutoka picha zako, inayohifadhiwa kwenye kifaa hiki. Kila aina inahitaji angalau picha 5.',
	'own.folder': 'Chagua folda yenye folda ndogo moja kwa kila aina',
	'own.newClass': 'Ongeza aina mpya',
	'own.className': 'Jina la aina mpya (k.m. ugonjwa)',
	'own.classPhotos': 'Picha za aina hii (angalau 5)',
	'own.addClass': 'Ongeza aina',
	'own.importing': 'Inaandaa picha zako: {done} kati ya {total}',
	'own.saved': '“{name}” iko tayari: {classes}, {photos}.',
	'own.failed': 'Picha zako hazikuweza kutumika: {reason}',
	'own.cancel': 'Ghairi uingizaji',
	'own.progress': 'Maendeleo ya uingizaji',
	'own.cancelled': 'Uingizaji umeghairiwa. Seti zako nyingine za data hazijabadilika.',
	'own.local': 'picha zako',
	'own.short':
		'Baadhi ya aina za “{name}” zina picha chini ya {min}, chache mno kujifunza kutoka kwazo. Bado hakuna kilichoingizwa.',
	'own.shortClass': '“{name}” ina {photos}',
	'own.shortRefused':
		'Picha zako hazikuweza kutumika: kila aina inahitaji angalau picha {min}, na hakuna aina hapa yenye picha nyingi hivyo:',
	'own.importRest': 'Ingiza aina nyingine {n}',
	'own.importOther': 'Ingiza aina iliyobaki',
	'train.include': 'Jumuisha pia',
	'train.includeNote': 'Funza kwa seti hizi za data pia; aina zao mpya zinaongezwa kwenye modeli.',
	'train.sameClass':
		'“{folder}” ya {dataset} inafunzwa kama {name}, aina ambayo jina hilo linaitaja.',
	'train.cropless':
		'“{folder}” ya {dataset} haitaji zao lake: {names}? Ingefunzwa kama aina yake yenyewe.',
	'train.valFractionHere':
		'adapt.valFraction haiwezi kuwekwa hapa: sehemu ya tano ya picha zako mwenyewe za kila aina huwekwa kando zinapoongezwa (--field ya mstari wa amri huchukua mpangilio huu).',
	'train.croplessRefused':
		'Folda ya seti za data zilizochaguliwa haitaji zao lake (juu): ingiza picha zake tena katika folda yenye jina la zao (k.m. “Tomato Leaf Mold”), au acha seti hiyo ya data.',
	'evaluate.sameClass': '“{folder}” inapimwa kama {name}, aina ambayo jina hilo linaitaja.',
	'evaluate.perClassShown':
		'Picha za hapa zinahusu aina {shown} kati ya {total} za modeli; nyingine zimeachwa.',
	'evaluate.title': 'Pima modeli',
	'evaluate.intro':
		'Pima modeli kwa picha zilizowekwa kando: usahihi kwa kila ugonjwa, jedwali la michanganyiko na ulinganifu wa uhakika.',
	'evaluate.model': 'Modeli',
	'evaluate.defaultModel': 'Modeli ya PlantVillage iliyokuja na programu',
	'evaluate.dataset': 'Seti ya data',
	'evaluate.split': 'Picha',
	'evaluate.splitTest': 'Majaribio (zilizowekwa kando)',
	'evaluate.splitVal': 'Uthibitisho',
	'evaluate.splitTrain': 'Mafunzo',
	'evaluate.limit': 'Picha kwa kila aina (tupu: zote)',
	'evaluate.run': 'Pima',
	'evaluate.cancel': 'Ghairi',
	'evaluate.preparing': 'Inasoma modeli na picha…',
	'evaluate.stopping': 'Inasimamisha…',
	'evaluate.progress': 'Inapima picha: {done} kati ya {total}',
	'evaluate.scoring': 'Inapima picha…',
	'evaluate.scrollable': '{name}, inaweza kusogezwa kando',
	'evaluate.loadingData': 'Inasoma seti za data kwenye kifaa hiki…',
	'evaluate.needData': 'Kwanza pakua seti ya data kwenye ukurasa wa Funza.',
	'evaluate.done': 'Tathmini imekamilika: {accuracy} sahihi, picha zilizopimwa: {count}.',
	'evaluate.cancelled': 'Tathmini imeghairiwa.',
	'evaluate.failed': 'Upimaji umesimama: {reason}',
	'evaluate.summary': 'Muhtasari',
	'evaluate.photos': 'Picha',
	'evaluate.accuracy': 'Usahihi',
	'evaluate.top3': 'Usahihi wa majibu 3 ya juu',
	'evaluate.macroF1': 'F1 ya wastani',
	'evaluate.ece': 'Kosa la ulinganifu wa uhakika (ECE)',
	'evaluate.eceRaw': 'kabla ya kurekebisha joto',
	'evaluate.coverage': 'Zilizojibiwa (si "sina uhakika")',
	'evaluate.selective': 'Usahihi kwa picha zilizojibiwa',
	'evaluate.confusion': 'Jedwali la michanganyiko',
	'evaluate.confusionNote':
		'Mistari: aina halisi; safu: aina iliyotabiriwa. Visanduku vyeusi zaidi vina picha nyingi zaidi.',
	'evaluate.perClass': 'Kwa kila aina',
	'evaluate.class': 'Aina',
	'evaluate.precision': 'Usahihi wa utabiri',
	'evaluate.recall': 'Ugunduzi',
	'evaluate.f1': 'F1',
	'evaluate.support': 'Idadi ya picha',
	'evaluate.gallery': 'Picha zilizokosewa',
	'evaluate.galleryShown': 'Picha {shown} za kwanza kati ya {total} zilizoainishwa vibaya:',
	'evaluate.galleryEmpty': 'Hakuna picha iliyokosewa.',
	'evaluate.wasPredicted': 'halisi: {actual} · ilitabiriwa: {predicted}',
	'evaluate.exportJson': 'Hamisha JSON',
	'evaluate.exportCsv': 'Hamisha CSV',
	'evaluate.took': 'Sekunde {seconds} kwenye {backend}',
	'models.title': 'Modeli',
	'models.intro': 'Modeli zilizohifadhiwa kwenye kifaa hiki, na ile inayotumika kuchunguza.',
	'models.import': 'Ingiza faili ya modeli',
	'models.importHint': 'Faili ya .leaflens iliyohamishwa na LeafLens kwenye kifaa hiki au kingine.',
	'models.importing': 'Inakagua faili ya modeli…',
	'models.imported': '“{name}” imeingizwa.',
	'models.importFailed': '{file} haikuweza kuingizwa. {reason}',
	'models.builtIn': 'Modeli iliyokuja na programu',
	'models.builtInName': 'PlantVillage (inakuja na LeafLens)',
	'models.defaultFailed': 'Modeli iliyokuja na programu haikuweza kusomwa: {reason}',
	'models.saved': 'Zilizohifadhiwa kwenye kifaa hiki',
	'models.none':
		'Bado hakuna modeli zilizohifadhiwa. Funza moja kwenye ukurasa wa Funza, au ingiza faili ya .leaflens.',
	'models.inUse': 'Inatumika',
	'models.activate': 'Itumie',
	'models.rename': 'Badilisha jina',
	'models.newName': 'Jina jipya',
	'models.save': 'Hifadhi',
	'models.cancel': 'Ghairi',
	'models.delete': 'Futa',
	'models.unverified': 'haijakaguliwa',
	'models.unverifiedNote':
		'Imeingizwa: faili lake linadai {accuracy}. Faili la modeli linaonyesha tu kwamba liko kamili, si nani alilitengeneza wala kwamba takwimu zake ni za kweli; kwa hiyo kifaa hiki hakionyeshi usahihi hadi kiikague modeli chenyewe.',
	'models.unverifiedNoClaim':
		'Imeingizwa, na haijakaguliwa kwenye kifaa hiki: usahihi wake haujulikani hapa.',
	'models.checkHow':
		'Ili kuikagua, pakua seti ya data yenye aina zile zile kwenye ukurasa wa Funza.',
	'models.check': 'Kagua kwa “{dataset}”',
	'models.preparing': 'Inakagua kwenye kifaa hiki… inasoma modeli na picha',
	'models.checking': 'Inakagua kwenye kifaa hiki… {done} kati ya {photos}',
	'models.checkedNote':
		'Imepimwa kwenye kifaa hiki kwa picha {photos} za majaribio za “{dataset}” ({date}), si kutoka kwenye faili lake.',
	'models.checked':
		'“{name}” iko sahihi {accuracy} ya mara kwenye picha za majaribio za kifaa hiki.',
	'models.confirmDelete': 'Futa “{name}” kwenye kifaa hiki?',
	'models.export': 'Hamisha',
	'models.exportOnnx': 'Pakua ONNX',
	'models.activated': '“{name}” sasa inachunguza picha zako.',
	'models.chosenElsewhere':
		'Kichupo kingine kilichagua modeli nyingine wakati “{name}” ilipokuwa ikipakiwa: ule ulioandikwa “Inatumika” ndio unachunguza picha zako.',
	'models.deleted': '“{name}” imefutwa.',
	'models.exported': '{file} inapakuliwa.',
	'models.failed': 'Hilo halikufanikiwa: {reason}',
	'models.trained': 'Ilifunzwa',
	'models.mode': 'Namna',
	'models.modeHead': 'sehemu mpya ya mwisho ya kuainisha',
	'models.modeFinetune': 'imeboreshwa',
	'models.classes': 'Aina za majani',
	'models.experts': 'Imejifunza kutoka picha zako',
	'models.expertsValue': '{crops}, unapotaja zao',
	'models.accuracy': 'Usahihi kwa picha za maabara zilizowekwa kando',
	'models.labNote':
		'Ulipimwa kwa picha za maabara zilizowekwa kando (PlantVillage: jani moja, mandhari tupu). Picha za shambani zinaonekana tofauti na kwa kawaida ni ngumu zaidi.',
	'models.valOnly':
		'haukupimwa kwa picha zilizowekwa kando ({accuracy} kwa picha za uthibitisho za mafunzo yake)',
	'models.notMeasured': 'haukupimwa',
	'models.untested':
		'Modeli hii haina kipimo cha majaribio: haikupimwa kwa picha zilizowekwa kando (modeli zilizorekebishwa kwenye kifaa hiki hazina kipimo hicho).',
	'models.fieldAccuracy': 'Usahihi kwa picha za shambani za majani ya tufaha',
	'models.fieldValue': '{accuracy} ({correct} kati ya {photos}, ikilazimika kujibu kila picha)',
	'models.fieldCropAccuracy': 'Picha zilezile, zao likitajwa (tufaha)',
	'models.ece': 'Kosa la ulinganifu wa uhakika (ECE)',
	'models.coverage': 'Zilizojibiwa (si “sina uhakika”)',
	'models.size': 'Ukubwa',
	'settings.title': 'Mipangilio',
	'settings.language': 'Lugha',
	'settings.languageFailed':
		'{name} haikuweza kupakiwa: unganisha kwenye intaneti mara moja, kisha uichague tena.',
	'settings.backends': 'Injini za kukokotoa kwenye kifaa hiki',
	'settings.backendsIntro':
		'LeafLens inaendesha TensorFlow.js nyuma ya pazia. Kila injini ilijaribiwa kwenye kifaa hiki na kupimwa muda kwa jaribio fupi; ya haraka zaidi inatumika usipochagua nyingine.',
	'settings.backend': 'Injini',
	'settings.available': 'Inapatikana',
	'settings.probe': 'Jaribio la kasi',
	'settings.training': 'Inaweza kuboresha modeli',
	'settings.yes': 'ndiyo',
	'settings.no': 'hapana',
	'settings.active': 'inatumika',
	'settings.recommended': 'ya haraka zaidi',
	'settings.choice': 'Injini ya kutumia',
	'settings.auto': 'Kiotomatiki (ya haraka zaidi)',
	'settings.detecting': 'Inajaribu injini kwenye kifaa hiki…',
	'settings.startAgain': 'Anzisha injini tena',
	'settings.environment':
		'TensorFlow.js {version}, nyuzi {cores} za CPU, adapta ya WebGPU: {adapter}',
	'settings.none': 'hakuna',
	'settings.unknownAdapter': 'haina jina',
	'settings.threads':
		'Injini ya wasm inakokotoa kwa {threads} (ukurasa huu umetengwa na asili nyingine).',
	'settings.oneThread':
		'Injini ya wasm inakokotoa kwa uzi mmoja: ukurasa huu haujatengwa na asili nyingine. Utatengwa kuanzia ziara ijayo programu ikishafanya kazi bila mtandao, au mara moja ikiwa mwenyeji atatuma vichwa vilivyotajwa kwenye README.',
	'settings.tasks': 'Injini kwa kila kazi',
	'settings.tasksIntro':
		'Katika hali ya kiotomatiki kila kazi huendeshwa kwenye injini iliyoifanya kwa kasi zaidi kwenye kifaa hiki, ikipimwa kwa modeli halisi mara moja kwa kila kifaa na modeli.',
	'settings.task': 'Kazi',
	'settings.task.diagnose': 'Utambuzi',
	'settings.task.train': 'Mafunzo',
	'settings.workDiagnose': '{network}: picha moja na mahali modeli ilipoangalia',
	'settings.workTrain': '{network}: makundi ya picha {batch}',
	'settings.workTrainBlocks': '{network}, vitalu {blocks} vinavyofunzwa: makundi ya picha {batch}',
	'settings.perPhoto': 'ms {ms} kwa picha',
	'settings.cannotWin': 'haikupimwa: angalau ms {ms} kwa mzunguko, polepole kuliko iliyo bora',
	'settings.failed': 'imeshindwa: {reason}',
	'settings.diagnoseLater': 'Hupimwa modeli inapopakiwa.',
	'settings.trainLater': 'Hupimwa mafunzo yanapoanza.',
	'settings.timeAgain': 'Pima injini tena',
	'settings.timed': 'Imepimwa: jedwali lililo juu linaonyesha muda mpya.',
	'settings.timing': 'Inapima injini…',
	'settings.overridden': 'Kila kazi inaendeshwa kwenye {backend}, injini uliyochagua hapo juu.',
	'settings.switchWaits':
		'Kazi zitaendeshwa kwenye {backend} kazi inayoendelea sasa (utambuzi, mafunzo) ikishamalizika kwenye {active}.',
	'settings.browser': 'Kivinjari hiki kinatoa nini',
	'settings.browserIntro':
		'Imegunduliwa kwa kujaribu kivinjari hiki, si kwa jina lake. Kitu kikikosekana, LeafLens inatumia njia nyingine.',
	'settings.feature': 'Uwezo',
	'feature.webgpu': 'WebGPU',
	'feature.webgpu.use':
		'Injini ya haraka zaidi, kwenye chipu ya michoro, kivinjari kikipata pia chipu inayotumika (injini zilizo juu zinaonyesha)',
	'feature.webgl2': 'WebGL 2',
	'feature.webgl2.use': 'Injini ya chipu ya michoro iliyo kwenye vivinjari vingi',
	'feature.wasmSimd': 'WebAssembly SIMD',
	'feature.wasmSimd.use': 'Uchunguzi na mafunzo ya haraka kwenye prosesa',
	'feature.wasmThreads': 'Nyuzi za WebAssembly',
	'feature.wasmThreads.use': 'Injini ya prosesa kwenye viini kadhaa',
	'feature.offscreenCanvas': 'OffscreenCanvas',
	'feature.offscreenCanvas.use': 'Kusoma picha nyuma ya pazia',
	'feature.imageBitmapOptions': 'Mkao na ukubwa wa picha',
	'feature.imageBitmapOptions.use':
		'Picha kubwa zinasomwa kwa ukubwa mdogo, zikiwa zimegeuzwa sawa',
	'feature.serviceWorker': 'Kutumia bila mtandao',
	'feature.serviceWorker.use': 'Programu inafanya kazi bila mtandao baada ya ziara moja',
	'feature.indexedDb': 'Hifadhi kwenye kifaa',
	'feature.indexedDb.use': 'Historia, seti za data na modeli zinahifadhiwa kwenye kifaa hiki',
	'feature.persistence': 'Hifadhi ya kudumu',
	'feature.persistence.use': 'Kukiomba kivinjari kisifute data ya LeafLens',
	'feature.share': 'Kutuma',
	'feature.share.use': 'Kumtumia mshauri wa kilimo uchunguzi',
	'feature.camera': 'Kitufe cha kamera',
	'feature.camera.use': 'Kufungua kamera moja kwa moja kutoka kwenye programu',
	'settings.storage': 'Hifadhi kwenye kifaa hiki',
	'settings.storageKept': 'Hifadhi: inabaki hadi utakapoifuta.',
	'settings.storageMayClear': 'Hifadhi: kivinjari kinaweza kuifuta nafasi ikipungua.',
	'settings.storageUnknown': 'Hifadhi: kivinjari hiki hakisemi kama kinaweka data ya LeafLens.',
	'settings.storageEviction':
		'Maana yake: kifaa kikikosa nafasi, kivinjari kinaweza kufuta data ya tovuti hii bila kuuliza (“kuondolewa”). Historia yako, modeli na seti za data ulizohifadhi zinaweza kupotea; hamisha vilivyo muhimu (historia kama CSV, modeli kama faili za .leaflens).',
	'settings.storageUsage': '{used} zimetumika, takriban {quota} zinapatikana kwa LeafLens.',
	'settings.storageAsk': 'Kiombe kivinjari kiihifadhi',
	'settings.storageRefused':
		'Kivinjari kimekataa. Kwa kawaida vivinjari hukubali kwa programu iliyosakinishwa au tovuti iliyowekwa alama unayoitumia mara nyingi.',
	'settings.storageChecking': 'Inakagua hifadhi…'
};

// Swahili (CLDR): "one" for exactly 1, "other" for the rest; the count follows the noun.
export const swPlurals: Record<PluralKey, PluralForms> = {
	'count.classes': { one: 'aina {n}', other: 'aina {n}' },
	'count.leafClasses': { one: 'aina {n} ya majani', other: 'aina {n} za majani' },
	'count.photos': { one: 'picha {n}', other: 'picha {n}' },
	'count.leaves': { one: 'jani {n}', other: 'majani {n}' },
	'plant.outvoted': {
		one: 'Likiangaliwa peke yake, jani {n} lilionekana kama tatizo jingine; majani mengine yanalizidi.',
		other:
			'Yakiangaliwa peke yake, majani {n} yalionekana kama tatizo jingine; majani mengine yanayazidi.'
	},
	'count.threads': { one: 'uzi {n}', other: 'nyuzi {n}' },
	'count.diagnoses': { one: 'uchunguzi {n}', other: 'uchunguzi {n}' },
	'history.roundLocations': {
		one: 'Kadiria eneo {n} lililohifadhiwa',
		other: 'Kadiria maeneo {n} yaliyohifadhiwa'
	},
	'history.removeLocations': {
		one: 'Futa eneo {n} lililohifadhiwa',
		other: 'Futa maeneo {n} yaliyohifadhiwa'
	},
	'own.skipped': { one: 'Faili {n} imerukwa:', other: 'Faili {n} zimerukwa:' },
	'learn.keptAside': {
		one: 'picha {n} iliyowekwa kando',
		other: 'picha {n} zilizowekwa kando'
	},
	'own.leftOut': {
		one: 'Aina {n} imeachwa nje, ina picha chache mno:',
		other: 'Aina {n} zimeachwa nje, zina picha chache mno:'
	}
};

// The shipped model's crops and diseases, in the words of Kenyan and Tanzanian extension leaflets
// (ukungu: blight, kutu: rust, ubwiri unga: powdery mildew, utitiri: mites).
export const swNames: ClassNames = {
	crops: {
		Apple: 'Tufaha',
		Blueberry: 'Bluberi',
		'Cherry_(including_sour)': 'Cheri',
		'Corn_(maize)': 'Mahindi',
		Grape: 'Zabibu',
		Orange: 'Chungwa',
		'Pepper,_bell': 'Pilipili hoho',
		Potato: 'Viazi',
		Raspberry: 'Rasiberi',
		Strawberry: 'Stroberi',
		Tomato: 'Nyanya'
	},
	diseases: {
		Apple___Apple_scab: 'kigaga',
		Apple___Black_rot: 'uozo mweusi',
		Apple___Cedar_apple_rust: 'kutu ya mwerezi',
		'Cherry_(including_sour)___Powdery_mildew': 'ubwiri unga',
		'Corn_(maize)___Cercospora_leaf_spot Gray_leaf_spot': 'madoa ya kijivu ya majani',
		'Corn_(maize)___Common_rust_': 'kutu ya kawaida',
		'Corn_(maize)___Northern_Leaf_Blight': 'ukungu wa majani wa kaskazini',
		Grape___Black_rot: 'uozo mweusi',
		'Grape___Esca_(Black_Measles)': 'esca (surua nyeusi)',
		'Grape___Leaf_blight_(Isariopsis_Leaf_Spot)': 'madoa ya majani ya Isariopsis',
		'Orange___Haunglongbing_(Citrus_greening)': 'ugonjwa wa kijani wa machungwa (HLB)',
		'Pepper,_bell___Bacterial_spot': 'madoa ya bakteria',
		Potato___Early_blight: 'ukungu wa mapema',
		Potato___Late_blight: 'ukungu wa kuchelewa',
		Strawberry___Leaf_scorch: 'kuungua kwa majani',
		Tomato___Bacterial_spot: 'madoa ya bakteria',
		Tomato___Early_blight: 'ukungu wa mapema',
		Tomato___Late_blight: 'ukungu wa kuchelewa',
		Tomato___Leaf_Mold: 'kuvu wa majani',
		Tomato___Septoria_leaf_spot: 'madoa ya Septoria',
		'Tomato___Spider_mites Two-spotted_spider_mite': 'utitiri buibui',
		Tomato___Target_Spot: 'madoa ya duara',
		Tomato___Tomato_Yellow_Leaf_Curl_Virus: 'virusi vya kujikunja kwa majani ya njano',
		Tomato___Tomato_mosaic_virus: 'virusi vya mozaiki ya nyanya'
	}
};

// Why a photo or a job was refused (thrown in English: i18n/known-errors.ts).
export const swErrors: KnownErrors = {
	unreadable:
		'Faili hii si picha ambayo LeafLens inaweza kusoma, au imeharibika. Tumia picha ya JPEG, PNG au WebP.',
	empty: 'Faili hii ni tupu.',
	tooLarge:
		'Picha hii ni kubwa mno kusomwa (pikseli {width}×{height}, zaidi ya megapikseli {max}). Tumia nakala ndogo zaidi ya picha hii.',
	heic: 'Hii ni picha ya HEIC (muundo wa kawaida wa kamera ya iPhone), ambayo kivinjari hiki hakiwezi kusoma. Itume kama JPEG, au kwenye iPhone chagua Settings → Camera → Formats → Most Compatible.',
	fileGone:
		'Faili hii haikuweza kusomwa: huenda imehamishwa au kufutwa, au imehifadhiwa mtandaoni tu. Ichague tena, au kwanza hifadhi nakala yake kwenye kifaa hiki.',
	trainDatasetGone:
		'Seti ya data inayotumiwa na mafunzo haya haipo tena kwenye kifaa hiki: tupa mafunzo, au pakua au ingiza seti ya data tena kisha uendelee.',
	incompleteTraining: 'Pakua seti ya data yote kwanza kabla ya kufunza modeli kwayo.',
	incompleteEvaluating: 'Pakua seti ya data yote kwanza kabla ya kupima modeli kwayo.',
	notModelClasses:
		'Seti hii ya data ina aina ambazo modeli haikufunzwa kwazo: {classes}. Chagua modeli iliyofunzwa kwa aina zake zote, au seti nyingine ya data.',
	noTrainPhotos: 'Seti ya data haina picha za mafunzo.',
	noValPhotos: 'Seti ya data haina picha za uthibitisho.',
	noTestPhotos: 'Seti ya data haina picha za majaribio.',
	modelMissing: 'Modeli “{id}” haipo kwenye kifaa hiki.',
	datasetMissing: 'Seti ya data {id} haipo kwenye kifaa hiki.',
	shippedModelChanged:
		'{where}: modeli iliyokuja na programu si ile ambayo toleo hili la LeafLens lilijengwa nayo (sha256 ya manifest {actual}…, ilitarajiwa {expected}…). Pakia ukurasa upya; likiendelea, faili za seva zimeharibika.',
	backboneMissing:
		'Modeli hii inahitaji mtandao msingi wa {architecture} iliofunzwa nao (sha256 ya manifest {sha256}…), na haitolewi na programu hii wala haijahifadhiwa kwenye kifaa hiki. Leta modeli kutoka kwenye faili yake ya .leaflens, ambayo ina mtandao msingi wake.',
	notDatasetManifest:
		'{url} si manifesti ya seti ya data ya JSON: kagua anwani (inaishia na manifest.json).',
	datasetDeletedWhileDownloading:
		'“{name}” ilifutwa ilipokuwa ikipakuliwa (kwenye kichupo kingine?); ipakue tena.',
	shardMissing:
		'Sehemu ya “{name}” ({file}) haipo kwenye kifaa hiki: endelea kuipakua, au iingize au uipakue tena.',
	plantvillageUnavailable: 'Picha za PlantVillage hazikuweza kupakuliwa.',
	couldNotReach:
		'Imeshindwa kufikia {url} ({reason}). Angalia muunganisho; upakuaji utaendelea pale ulipoishia.',
	connectionDropped:
		'Muunganisho ulikatika wakati wa kupakua {url} ({reason}). Angalia muunganisho; upakuaji utaendelea pale ulipoishia.',
	webPageInstead:
		'Seva ilijibu {url} kwa ukurasa wa wavuti (ukurasa wa kuingia kwenye Wi-Fi?): ingia au kagua muunganisho, kisha pakua tena; kilichopakuliwa tayari kinahifadhiwa.',
	downloadFailed: 'Kupakua {url} kumeshindikana: HTTP {status}',
	noClassFolders:
		'Folda “{name}” ina picha lakini haina folda ndogo za aina: weka picha za kila ugonjwa kwenye folda ndogo yenye jina lake (k.m. {name}/Apple scab/), kisha chagua folda tena.',
	confirmMore:
		'Thibitisha picha zaidi za ugonjwa: mmea mmoja unawekwa kando kwa kupima, na zinahitajika angalau picha {n} nyingine za kujifunzia.',
	photosNotImported: 'Picha hazikuingizwa.',
	noReadablePhotos: 'Hakuna picha inayosomeka iliyopatikana.',
	diagnosisGone: 'Uchunguzi huu haupo tena kwenye kifaa hiki: ulifutwa kwenye kichupo kingine.',
	tooFewClasses:
		'Mafunzo yanahitaji angalau aina 2, zipo {count} ({classes}): ongeza picha za aina nyingine',
	trainingDiverged:
		'Mafunzo yaliharibika katika mzunguko {epoch} (hasara ya mafunzo {trainLoss}, hasara ya uthibitisho {valLoss}); hakuna kilichohifadhiwa kutoka kwayo. Punguza lr (sasa {lr}) au kagua data.',
	trainJobWaiting: 'Mafunzo kwenye ukurasa wa Funza yanasubiri: yaendeleze au uyatupe huko kwanza.',
	trainRunsElsewhere: 'Mafunzo yanaendelea kwenye kichupo kingine: jifunze yakishamalizika.',
	noDatasetWithClasses: 'Hakuna seti ya data iliyopakuliwa yenye aina za “{name}”',
	backboneUnavailable: 'Faili ya mtandao wa msingi {url} haipatikani (HTTP {status})',
	storageFullDownload:
		'Hakuna nafasi ya kutosha kwenye kifaa hiki kuhifadhi sehemu iliyobaki ya “{name}” (MB {mb} zaidi zinahitajika). Vipande {n} vilivyokwisha hifadhiwa vimebaki; toa nafasi (futa seti ya data au modeli) kisha endelea.',
	storageFull:
		'Hakuna nafasi ya kutosha kwenye kifaa hiki. Futa kitu ili kupata nafasi (seti ya data au modeli usiyohitaji tena) kisha ujaribu tena.',
	notLeafLensManifest:
		'Hii si orodha ya seti ya data ya LeafLens: muundo "{expected}" ulitarajiwa, umepokelewa {got}',
	fingerprintTaken:
		'{where} ina alama ya “{name}” kwenye kifaa hiki lakini sehemu nyingine za manifest ({differences}) ni tofauti; futa “{name}” kwanza, au andaa seti ya data upya ili ipate alama yake yenyewe.',
	datasetNewer:
		'Seti hii ya data ilitengenezwa na LeafLens mpya zaidi (muundo {version}); toleo hili husoma muundo {supported}. Sasisha LeafLens au andaa seti ya data tena.',
	shardChecksumTwice:
		'Kipande {file} kilishindwa ukaguzi wake mara mbili (ilitarajiwa {expected}, imepatikana {actual}); hakikuhifadhiwa. Nakala ya seva imeharibika: andaa seti ya data tena.',
	shardDamagedLocal:
		'Kipande {file} cha “{name}” kilichohifadhiwa kwenye kifaa hiki kiliharibika na kimeondolewa; futa “{name}” kisha uingize picha tena.',
	shardDamaged:
		'Kipande {file} cha “{name}” kilichohifadhiwa kwenye kifaa hiki kiliharibika na kimeondolewa; endelea na upakuaji ili kukipata tena.',
	fieldRowsTooMany:
		'Picha {photos} za shambani zingerudiwa kuwa safu za mafunzo za {size} (kila moja na mionekano {views} iliyoongezwa, mara {weight}), zaidi ya {most} zinazoruhusiwa: funza kwa picha chache zaidi, au (kwenye mstari wa amri) punguza adapt.weight au adapt.views.',
	shardDisagrees:
		'Kipande {file} cha “{name}” hakilingani na maelezo ya seti ya data ({detail}): seti ya data iliundwa vibaya na haiwezi kutumika. Futa “{name}” kisha uandae seti ya data upya.',
	storageFullImport:
		'Hakuna nafasi ya kutosha kwenye kifaa hiki kuhifadhi “{name}”. Toa nafasi (futa seti ya data au modeli), futa seti ya data iliyokamilika nusu kisha ujaribu tena.',
	modelNameLength:
		'Jina la modeli linahitaji herufi 1 hadi {max} (nafasi za mwanzoni na mwishoni hazihesabiwi); limepokelewa {name}',
	notModelFile: 'Hii si faili ya modeli ya LeafLens.',
	modelFileTooBig:
		'Hii si faili ya modeli ya LeafLens: ina ukubwa wa MB {mb}, na faili ya modeli ya LeafLens haizidi MB {max}.',
	modelFileNewer:
		'Faili hii ya modeli imetengenezwa na toleo jipya zaidi la LeafLens (toleo la muundo {version}; LeafLens hii inasoma toleo {ours}). Sasisha LeafLens ili kuiingiza.',
	modelNewer:
		'{where}: modeli hii imetengenezwa na toleo jipya zaidi la LeafLens (toleo la muundo wa modeli {version}; LeafLens hii inasoma toleo {ours}). Sasisha LeafLens ili kuitumia.',
	modelNewerInFile:
		'Modeli iliyo kwenye faili hii imetengenezwa na toleo jipya zaidi la LeafLens (toleo la muundo wa modeli {version}; LeafLens hii inasoma toleo {ours}). Sasisha LeafLens ili kuitumia.',
	backboneNewerInFile:
		'Mtandao msingi ulio kwenye faili hii umetengenezwa na toleo jipya zaidi la LeafLens (toleo la muundo wa modeli {version}; LeafLens hii inasoma toleo {ours}). Sasisha LeafLens ili kuutumia.',
	modelNewerStored:
		'Modeli “{id}” iliyo kwenye kifaa hiki imetengenezwa na toleo jipya zaidi la LeafLens (toleo la muundo wa modeli {version}; LeafLens hii inasoma toleo {ours}). Sasisha LeafLens ili kuitumia.',
	backboneNewerStored:
		'Mtandao msingi wa {architecture} uliohifadhiwa kwenye kifaa hiki umetengenezwa na toleo jipya zaidi la LeafLens (toleo la muundo wa modeli {version}; LeafLens hii inasoma toleo {ours}). Sasisha LeafLens ili kuutumia.',
	modelFileDamaged: 'Faili hii ya modeli imeharibika: {file} hailingani na checksum yake.',
	modelFileMismatch:
		'Faili hii ya modeli hailingani: mtandao wake wa msingi ({architecture}, sha256 ya manifest {sha256}…) si ule ambao modeli ilifunzwa juu yake ({expected}, {expectedSha256}…).',
	modelFileIncomplete: 'Faili hii ya modeli haijakamilika: {file} haipo.',
	modelFileDamagedDetail: 'Faili hii ya modeli imeharibika: {detail}',
	notModelFileDetail: 'Hii si faili ya modeli ya LeafLens: {detail}',
	classNameEmpty: 'Andika jina la aina.',
	classPhotosEmpty: 'Chagua picha za aina.',
	classNameTooLong: 'Jina la aina lisizidi herufi 100; hili lina {n}.',
	classNameSlash: 'Jina la aina haliwezi kuwa na “/”: “{name}”.',
	notInClass: 'Haiko ndani ya folda ndogo ya aina.',
	sameInClasses:
		'Picha hiyo hiyo iko katika aina {classes} ({paths}): nakala zake zote zimeachwa nje.',
	notPhotoFile: 'Si faili ya picha (JPEG, PNG, WebP, HEIC…).',
	timingBusy: 'Kazi inaendelea (utambuzi, mafunzo au tathmini): pima injini tena ikishakamilika.',
	backendNotStarted: 'Injini ya {backend} haikuweza kuanzishwa kwenye kifaa hiki',
	backendNotStartedBecause: 'Injini ya {backend} haikuweza kuanzishwa kwenye kifaa hiki: {detail}',
	backendNotIncluded: 'Injini ya {backend} haijajumuishwa katika toleo hili',
	modelUnreachable: 'Imeshindwa kupakua {url} ({reason}). Angalia muunganisho kisha ujaribu tena.',
	storageRefused:
		'Kivinjari hiki kimekataa kuhifadhi data ya LeafLens kwenye kifaa hiki (hifadhi “{db}” haikutoa sababu). Kuvinjari kwa faragha au mipangilio ya hifadhi kunaweza kusababisha hili: jaribu dirisha la kawaida.'
};
