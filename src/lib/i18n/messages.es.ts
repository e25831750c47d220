/** Spanish: the interface texts and count phrases (loaded when the language is chosen). */
import type { Catalogue, ClassNames, KnownErrors, PluralForms, PluralKey } from './messages';

export const es: Catalogue = {
	'app.name': 'LeafLens',
	'app.labelled': '{label}: {text}',
	'nav.label': 'Principal',
	'nav.skip': 'Ir al contenido',
	'nav.diagnose': 'Diagnóstico',
	'nav.train': 'Entrenar',
	'nav.evaluate': 'Evaluar',
	'nav.models': 'Modelos',
	'nav.settings': 'Ajustes',
	'backend.active': 'Motor: {name}',
	'ml.unavailable': 'El motor {backend} no está disponible aquí; se usa {active}.',
	'ml.workerStopped':
		'El proceso del modelo se detuvo ({reason}). Se reinicia con la próxima acción; sus datos guardados están intactos.',
	'ml.workerStoppedWithout':
		'El proceso del modelo se detuvo ({reason}). Se reinicia con la próxima acción, sin {backend}; sus datos guardados están intactos.',
	'ml.unknownError': 'error desconocido',
	'ml.gpuStopped': 'El chip gráfico se detuvo ({what}).',
	'ml.gpuRestarting': 'El chip gráfico se detuvo ({what}); reiniciando con otro motor…',
	'ml.gpuRecovered':
		'El chip gráfico se detuvo ({what}); ahora funciona con {backend}. Sus datos están intactos.',
	'ml.noEngine': 'ningún motor',
	'ml.engineHung':
		'El motor {backend} no respondió en {seconds} s; LeafLens se reinició sin él para esta sesión.',
	'ml.deviceLost': 'dispositivo perdido',
	'ml.contextLost': 'contexto WebGL perdido',
	'ml.noModel': 'No hay ningún modelo de diagnóstico disponible.',
	'ml.notRunning': 'El proceso del modelo no está en marcha.',
	'ml.noReason': 'El proceso del modelo falló y el navegador no dio ningún motivo ({value}).',
	'backend.starting': 'Iniciando el motor…',
	'update.available': 'Hay una nueva versión de LeafLens.',
	'update.reload': 'Recargar',
	'update.later': 'Más tarde',
	'update.elsewhere':
		'LeafLens se actualizó en otra pestaña. Recargue esta pestaña cuando termine su trabajo.',
	'update.afterWork': 'LeafLens se actualizó. Recargue esta pestaña cuando termine su trabajo.',
	'update.confirmWork':
		'Hay trabajo en curso en esta pestaña. ¿Recargar ahora? Un entrenamiento se reanuda desde su última época terminada; una importación de fotos o una evaluación empieza de nuevo; una foto de la página Diagnóstico, o una respuesta no guardada en el historial, se pierde.',
	'offline.ready': 'LeafLens está listo para funcionar sin conexión.',
	'offline.ok': 'Entendido',
	'offline.failed':
		'LeafLens no se pudo guardar en este dispositivo (falló una descarga): todavía no abre sin conexión. Lo intentará de nuevo cuando vuelva a la aplicación.',
	'offline.retry': 'Reintentar',
	'diagnose.title': 'Diagnosticar una hoja',
	'diagnose.intro':
		'Tome una foto nítida de una sola hoja, con luz de día, que ocupe casi toda la imagen. LeafLens responde en este dispositivo; la foto nunca sale de él.',
	'diagnose.take': 'Tomar una foto',
	'diagnose.choose': 'Elegir una foto',
	'diagnose.drop': 'o suelte una foto aquí',
	'diagnose.loadingModel': 'Cargando el modelo de diagnóstico…',
	'diagnose.working': 'Examinando la hoja…',
	'diagnose.reading': 'Leyendo la foto…',
	'diagnose.photoAlt': 'La foto que se está diagnosticando',
	'diagnose.mostLikely': 'Lo más probable',
	'diagnose.veryLikely': 'muy probable, {p}',
	'diagnose.likely': 'probable, {p}',
	'diagnose.possibly': 'posible, {p}',
	'diagnose.alternatives': 'Otras posibilidades',
	'diagnose.notSure': 'Sin certeza — vuelva a tomar la foto',
	'diagnose.unfamiliar':
		'Puede ser una enfermedad que LeafLens no conoce, o la foto no se parece a las hojas con las que aprendió. Fotografíe de cerca una hoja afectada, que ocupe toda la imagen, con luz de día. Si sigue diciendo “sin certeza”, consulte a un asesor técnico.',
	'diagnose.lowConfidence':
		'La foto no es clara: el modelo no puede distinguir estas enfermedades en ella. Acérquese a la hoja más afectada, con luz de día, y no se mueva.',
	'diagnose.notSureUnfamiliar': 'Sin certeza — quizá una enfermedad que LeafLens no conoce',
	'diagnose.bestGuess': 'Lo más parecido, poco fiable: {name}',
	'class.name': '{crop} — {disease}',
	'class.healthy': '{crop} — sana',
	'class.healthyAlone': 'hojas sanas',
	'diagnose.cropLabel': 'Cultivo de la hoja',
	'diagnose.cropHint':
		'Al elegir el cultivo se descartan las enfermedades de otros cultivos. LeafLens recuerda su elección.',
	'diagnose.anyCrop': 'Cualquier cultivo',
	'diagnose.askCropTitle': '¿De qué cultivo es esta hoja?',
	'diagnose.askCropHint':
		'LeafLens la comparó con las enfermedades de todos los cultivos. Toque su cultivo: la misma foto se vuelve a analizar solo entre las enfermedades de ese cultivo, la mejor ayuda para fotos tomadas en el campo. LeafLens recuerda su elección.',
	'diagnose.amongCrop': 'Entre las enfermedades del cultivo: {crop}',
	'diagnose.otherCropTitle': 'Sin certeza — ¿es una hoja del cultivo elegido ({crop})?',
	'diagnose.otherCrop':
		'Para el modelo, esta hoja no parece del cultivo elegido ({crop}). Revise el cultivo elegido arriba, o elija “Cualquier cultivo”.',
	'diagnose.heatmap': 'Mostrar dónde miró el modelo',
	'diagnose.heatmapNote':
		'Los colores cálidos marcan las partes de la foto que más pesaron en la respuesta.',
	'diagnose.heatmapNoteLeaf':
		'Los colores cálidos marcan las partes de esta foto que más pesaron en su propia respuesta (la de la planta combina todas sus hojas).',
	'diagnose.modelInfo':
		'Modelo: {classes}. Acertó en el {accuracy} de los casos con fotos de laboratorio apartadas para la prueba (PlantVillage: una hoja, fondo liso).',
	'diagnose.modelUnverified':
		'Modelo: {classes}. Importado: su exactitud no se ha comprobado en este dispositivo (ver Modelos).',
	'diagnose.modelUntested':
		'Modelo: {classes}. Hecho en este dispositivo, no tiene cifra de exactitud con fotos de laboratorio apartadas («Aprender de mis campos» muestra cómo le fue a un modelo aprendido con sus fotos apartadas).',
	'diagnose.modelField':
		'Con fotos de hojas de manzano tomadas en el campo, acertó en el {accuracy} de los casos cuando tuvo que responder a todas las fotos ({correct} de {photos}); con el cultivo indicado, el {cropAccuracy} ({cropCorrect} de {photos}).',
	'diagnose.modelFailed': 'No se pudo cargar el modelo de diagnóstico: {reason}',
	'diagnose.retryModel': 'Reintentar',
	'diagnose.retry': 'Probar de nuevo con esta foto',
	'diagnose.failed': 'No se pudo diagnosticar esta foto: {reason}',
	'diagnose.leafFailed': 'No se pudo añadir la foto de hoja {file} a esta planta: {reason}',
	'diagnose.separatePlant':
		'Esta hoja no pudo unirse a la planta a la que se añadió (la planta se borró entretanto, u otro modelo responde ahora), así que se guarda como una planta aparte.',
	'diagnose.separateAgain':
		'La planta de esta foto tiene ahora otra hoja (añadida en otra pestaña) que se respondió entre otros cultivos, así que la nueva respuesta de la foto se guarda como una planta aparte.',
	'diagnose.notSaved': 'La respuesta de arriba no se guardó en el historial: {reason}',
	'plant.combined': 'Respuesta combinada de {leaves}',
	'plant.add': 'Agregar otra hoja de esta planta',
	'plant.addHint': 'Varias hojas de una misma planta dan una respuesta más segura (hasta {max}).',
	'plant.full':
		'Esta planta ya tiene {max} hojas, el máximo que combina una respuesta. Elija una foto arriba para empezar con otra planta.',
	'plant.adding': 'Hoja {n} de la misma planta',
	'plant.notSure': 'Sin certeza — las hojas no coinciden',
	'plant.disagree':
		'Las hojas parecen tener problemas distintos. Fotografíe solo hojas afectadas de esta misma planta, de cerca, con luz de día, y deje fuera las que se ven sanas. Si siguen sin coincidir, puede que la planta tenga dos problemas: consulte a un asesor técnico.',
	'plant.notSureUnclear': 'Sin certeza — las hojas no señalan un solo problema',
	'plant.lowConfidence':
		'En conjunto, las hojas no señalan con claridad un solo problema. Añada una foto de cerca, con luz de día, de otra hoja afectada de esta planta. Si sigue sin certeza, consulte a un asesor técnico.',
	'plant.otherCrop':
		'Para el modelo, estas hojas no parecen del cultivo de esta planta ({crop}). Si es otro cultivo, empiece una planta nueva: elija su cultivo (o “Cualquier cultivo”) arriba y elija una foto.',
	'plant.leaf': 'Hoja {n}',
	'plant.leafNotSure': 'sin certeza',
	'crop.title': 'Señale la hoja',
	'crop.hint':
		'Solo se diagnostica la parte dentro del cuadro. LeafLens sugirió dónde parece estar la hoja: arrastre el cuadro, arrastre su esquina o pellizque para cambiar su tamaño, o toque la hoja. Con teclado: las flechas lo mueven (Mayús: más rápido), + y − cambian su tamaño, Intro hace el diagnóstico.',
	'crop.photoAlt': 'La foto que se va a recortar',
	'crop.roleDescription': 'cuadro de recorte',
	'crop.square':
		'Parte a diagnosticar: {size} por {size} píxeles en {x}, {y} de una foto de {width} por {height}',
	'crop.diagnose': 'Diagnosticar este recorte',
	'crop.whole': 'Usar la foto entera',
	'crop.suggestion': 'Volver a la sugerencia',
	'crop.cancel': 'Cancelar',
	'history.title': 'Historial',
	'history.empty': 'Todavía no hay diagnósticos. Se guardan solo en este dispositivo.',
	'history.loadFailed': 'No se pudo leer el historial de este dispositivo: {reason}',
	'history.loading': 'Leyendo el historial de este dispositivo…',
	'history.retry': 'Reintentar',
	'history.unreadable': 'No se muestran porque no se pudieron leer: {diagnoses} ({reason}).',
	'history.deleteUnreadable': 'Borrar lo que no se puede leer',
	'history.preciseOff':
		'Los nuevos diagnósticos guardan una ubicación redondeada a 1 km aproximadamente. ¿Redondear también las ubicaciones precisas ya guardadas?',
	'history.locationsRounded': 'Se redondearon las ubicaciones guardadas a 1 km aproximadamente.',
	'history.actionFailed': 'No se pudo cambiar el historial: {reason}',
	'history.export': 'Exportar CSV',
	'history.clear': 'Borrar todo',
	'history.delete': 'Borrar',
	'history.deleted': 'Borrado: {answer}',
	'history.undo': 'Deshacer',
	'share.button': 'Compartir con un asesor técnico',
	'share.title': 'Diagnóstico de LeafLens',
	'share.answer': '{answer} — {p} de probabilidad',
	'share.when': 'Diagnosticado el {date}',
	'share.leaves': 'Según {leaves} de la planta',
	'share.crop': 'Cultivo: {crop}',
	'share.confirmed': 'El productor dice: {name}',
	'share.location': 'Ubicación: {lat}, {lon} (con un margen de unos {m} m)',
	'share.footer':
		'Diagnóstico hecho en el teléfono por LeafLens, un modelo entrenado con fotos de hojas, no por un experto: por favor, verifíquelo.',
	'share.shared': 'Compartido.',
	'share.downloaded':
		'Este navegador no puede compartir fotos: el caso se descargó como página web, listo para enviar a su asesor técnico.',
	'share.failed': 'No se pudo compartir: {reason}',
	'advice.title': 'Qué hacer',
	'advice.loading': 'Cargando los consejos…',
	'advice.failed': 'No se pudieron cargar los consejos: {reason}',
	'advice.fallback': 'Estos consejos aún no están disponibles en español; se muestran en inglés.',
	'advice.missing': 'LeafLens aún no tiene consejos para esta clase. Consulte a un asesor.',
	'advice.watch': 'Qué vigilar',
	'advice.confirm': 'Cómo confirmarlo a simple vista',
	'advice.candidatesTitle': '¿Es una de estas? Compruébelo a simple vista',
	'advice.candidatesHint':
		'Las respuestas más probables, la más probable primero. Compare su hoja con lo que muestra cada una; ninguna es segura.',
	'advice.candidatesNone':
		'Si su hoja no se parece a ninguna, puede tener una enfermedad que LeafLens no conoce: muéstresela a un asesor.',
	'advice.now': 'Qué hacer ahora',
	'advice.cultural': 'En la finca',
	'advice.biological': 'Biológico',
	'advice.chemical': 'Químico',
	'advice.safety': 'Seguridad:',
	'advice.prevent': 'La próxima temporada',
	'advice.adviser': 'Cuándo llamar a un asesor',
	'advice.sources': 'Fuentes (revisadas el {date})',
	'history.confirmClear': '¿Borrar todos los diagnósticos de este dispositivo?',
	'history.location': 'Guardar mi ubicación con cada diagnóstico',
	'history.locationRefused':
		'No se guardó la ubicación: este navegador no puede darla a LeafLens (vea los permisos del sitio).',
	'history.locationUnavailable':
		'No se guardó la ubicación: el dispositivo no pudo saber dónde está.',
	'history.locationSlow': 'No se guardó la ubicación: el dispositivo no dijo a tiempo dónde está.',
	'history.locationPrecise': 'Ubicación precisa (si no, redondeada a 1 km aproximadamente)',
	'history.locationOff':
		'Los nuevos diagnósticos se guardan sin ubicación. ¿Borrar las ubicaciones ya guardadas?',
	'history.keepLocations': 'Conservarlas',
	'history.locationsRemoved': 'Se borraron las ubicaciones guardadas.',
	'history.right': 'Correcto',
	'history.wrong': 'Incorrecto…',
	'history.isActually': 'En realidad, esta planta tiene',
	'history.chooseClass': 'Elija lo que tiene la planta',
	'history.newClass': 'Otra cosa (escriba su nombre)',
	'history.newClassName': 'Nombre de la enfermedad',
	'history.nameRequired': 'Escriba el nombre de la enfermedad.',
	'history.cropOf': 'Cultivo de la planta',
	'history.chooseCrop': 'Elija el cultivo de la planta',
	'history.otherCrop': 'Otro cultivo (escriba su nombre)',
	'history.newCropName': 'Nombre del cultivo',
	'history.cropRequired': 'Escriba el nombre del cultivo.',
	'history.matched': '(LeafLens ya conoce “{typed}” como {name}: se guardó así.)',
	'history.badName': 'Escriba un nombre de 100 caracteres como máximo, sin “/”.',
	'history.save': 'Guardar',
	'history.cancel': 'Cancelar',
	'history.confirmed': 'Usted dijo: {name}',
	'history.change': 'Cambiar',
	'learn.title': 'Aprender de mis campos',
	'learn.intro':
		'Indique a LeafLens lo que de verdad tiene cada planta (“Correcto” o “Incorrecto…” en el historial). Para cada enfermedad, LeafLens aparta una planta para comprobar el modelo antes y después, y aprende de al menos {min} fotos más (así que de dos plantas o más), aquí, en este dispositivo: nada sale de él.',
	'learn.none': 'Todavía no hay fotos confirmadas con la foto guardada.',
	'learn.ready': '{name}: {photos} — suficientes',
	'learn.waiting':
		'{name}: {photos} — todavía no: se aparta una planta para comprobar, y se necesitan al menos {min} fotos más para aprender ({left} ahora)',
	'learn.limit':
		'Fotos de PlantVillage por clase para aprender (vacío: todas; con menos es más rápido)',
	'learn.start': 'Aprender de {photos} ({held} para comprobar)',
	'learn.step.download': 'Descargando las fotos de PlantVillage con las que aprende…',
	'learn.step.before': 'Comprobando el modelo actual con las fotos apartadas…',
	'learn.step.import': 'Preparando sus fotos…',
	'learn.step.train': 'Aprendiendo de sus campos…',
	'learn.step.after': 'Comprobando el nuevo modelo con las fotos apartadas…',
	'learn.epochs': 'Ronda {done} de {total}',
	'learn.progress': 'Progreso del aprendizaje',
	'learn.stop': 'Detener',
	'learn.stopped':
		'El aprendizaje se detuvo o se interrumpió. Pulse “Continuar el aprendizaje” para seguir donde se quedó.',
	'learn.resume': 'Continuar el aprendizaje',
	'learn.discard': 'Descartar',
	'learn.failed': 'El aprendizaje no terminó: {reason}',
	'learn.switchFailed': 'No se pudo cambiar de modelo: {reason}',
	'learn.before': 'Antes: {right} de {held} correctas (respuesta para {answered})',
	'learn.after': 'Después: {right} de {total} correctas (respuesta para {answered})',
	'learn.active': 'Ahora diagnostica el nuevo modelo “{name}”.',
	'learn.restore': 'Volver al modelo anterior',
	'learn.restored': 'El modelo anterior vuelve a diagnosticar.',
	'learn.reapply': 'Volver a usar el nuevo modelo',
	'learn.otherActive': 'Ahora diagnostica otro modelo (elegido después en la página Modelos).',
	'learn.waitingPlant':
		'{name}: {photos} de una sola planta — añada otra planta: se aparta una planta para comprobar, y se necesitan al menos {min} fotos más para aprender',
	'learn.confirmFirst': 'Primero confirme fotos en el historial',
	'learn.waitTraining':
		'Aprender espera a que termine el entrenamiento, la descarga o la importación de fotos en curso en la página Entrenar.',
	'learn.elsewhere':
		'Aprendiendo en otra pestaña de LeafLens: su resultado se mostrará aquí al terminar.',
	'learn.modelGone':
		'El modelo aprendido ya no está en este dispositivo (se eliminó). Aprenda de nuevo para crear otro.',
	'learn.limitInvalid': 'Escriba un número entero de 1 o más, o déjelo vacío para usar todas.',
	'learn.modelName': 'Aprendido de mis campos {time}',
	'learn.reading': 'Leyendo las fotos: {done} de {total}',
	'learn.downloaded': '{done} de {total} MB',
	'learn.downloadSize':
		'Descarga unos {size} (una sola vez): las fotos de PlantVillage con las que aprende.',
	'learn.downloadNone':
		'Nada que descargar: las fotos de PlantVillage con las que aprende ya están en este dispositivo.',
	'learn.expertReady':
		'Están todas las clases de {cropIn}: al aprender se crea también un especialista en {cropIn} solo con sus fotos, que se usa al indicar el cultivo.',
	'learn.expertPartial':
		'{crop}: al aprender se crea también un especialista en {ready} solo con sus fotos, que se usa al indicar el cultivo. Con fotos de {missing} también, conocerá todas las clases de {cropIn}.',
	'learn.expertMissing':
		'{crop}: confirme fotos de una clase más de {cropIn} ({missing}) y al aprender se creará también un especialista en {cropIn} solo con sus fotos, que se usa al indicar el cultivo.',
	'learn.expertsLearned':
		'También aprendido solo de sus fotos: un especialista en {crops}. Indique el cultivo al diagnosticar para usarlo.',
	'learn.heldDeleted':
		'Fuera de ambas cifras, tras eliminarse o corregirse mientras tanto: {photos}.',
	'train.title': 'Entrenar un modelo',
	'train.intro':
		'Afine el modelo de hojas con un conjunto de datos o con sus propias fotos, aquí en el navegador. No se sube nada.',
	'data.title': 'Conjuntos de datos en este dispositivo',
	'data.url': 'Dirección del conjunto de datos (manifest.json)',
	'data.urlEmpty':
		'Escriba la dirección del manifiesto de un conjunto de datos (termina en manifest.json).',
	'data.download': 'Descargar',
	'data.cancel': 'Cancelar',
	'data.downloading': 'Descargando {file}: {done} de {total} MB',
	'data.downloadingSpoken': 'Descargando: {done} de {total} MB',
	'data.starting': 'Iniciando la descarga…',
	'data.downloaded': '«{name}» se descargó y está listo.',
	'data.deleted': '«{name}» se borró de este dispositivo.',
	'data.progress': 'Progreso de la descarga',
	'data.none': 'Todavía no hay ningún conjunto de datos en este dispositivo.',
	'data.summary': '{classes}, {photos}, {stored} de {total} MB guardados',
	'data.complete': 'listo',
	'data.partial': 'descargado en parte',
	'data.resume': 'Reanudar la descarga',
	'data.failed': 'No se pudo descargar el conjunto de datos: {reason}',
	'data.listFailed':
		'No se pudieron leer los conjuntos de datos de este dispositivo: {reason}. Recarga la página para intentarlo de nuevo.',
	'data.deleteFailed': 'No se pudo borrar el conjunto de datos: {reason}',
	'data.delete': 'Borrar',
	'data.inTraining':
		'El entrenamiento en curso usa este conjunto de datos: detenga primero el entrenamiento y luego bórrelo.',
	'data.inTrainingElsewhere':
		'Un entrenamiento en curso en otra pestaña usa este conjunto de datos: deténgalo allí primero y luego bórrelo.',
	'data.inStoredJob':
		'Un entrenamiento en espera de reanudarse usa este conjunto de datos: reanúdelo o descártelo primero y luego elimine el conjunto de datos.',
	'data.confirmDelete': '¿Borrar el conjunto de datos “{name}” de este dispositivo?',
	'data.storage': 'Almacenamiento usado por este sitio: {used} MB de {quota} MB disponibles.',
	'train.settings': 'Entrenamiento',
	'train.dataset': 'Conjunto de datos',
	'train.preset': 'Preajuste',
	'train.presetQuick': 'Prueba rápida (3 épocas)',
	'train.presetHead': 'Entrenamiento completo de la cabeza',
	'train.presetFinetune': 'Afinar las últimas capas (más lento, más preciso)',
	'train.presetField':
		'Cabeza para fotos tomadas en el campo (fotos de laboratorio sobre fondos variados)',
	'train.presetAdapt':
		'Aprender de mis campos (el conjunto de datos más mis propias fotos, ponderadas)',
	'train.limit': 'Fotos por clase (vacío: todas)',
	'train.limitInvalid':
		'Fotos por clase: escriba un número entero de al menos 1, o déjelo vacío para usar todas las fotos.',
	'train.settingsRefused': 'No se pueden usar estos ajustes avanzados: {reason}',
	'train.overrides': 'Ajustes avanzados (una clave=valor por línea)',
	'train.start': 'Iniciar el entrenamiento',
	'train.stop': 'Detener',
	'train.stopping': 'Deteniendo…',
	'train.resume': 'Reanudar el entrenamiento',
	'train.discard': 'Descartar',
	'train.pendingUnsaved':
		'Un entrenamiento terminó, pero su modelo no se pudo guardar. «Reanudar el entrenamiento» lo guarda sin volver a entrenar; «Descartar» lo borra.',
	'train.pending':
		'Un entrenamiento se detuvo antes de terminar. ¿Reanudarlo desde su última época completada?',
	'train.confirmDiscard':
		'¿Descartar el entrenamiento detenido? Lo aprendido hasta ahora se pierde.',
	'train.confirmDiscardUnsaved':
		'¿Descartar el entrenamiento terminado? Su modelo, aún sin guardar, se pierde.',
	'train.confirmReplaceUnsaved':
		'Un entrenamiento terminado espera a ser guardado («Reanudar el entrenamiento» lo guarda). ¿Empezar uno nuevo y descartarlo?',
	'train.confirmReplace':
		'Un entrenamiento detenido espera a ser reanudado. ¿Empezar uno nuevo y descartar el detenido?',
	'train.stage.engines':
		'Midiendo los motores de este dispositivo para este entrenamiento (una sola vez)…',
	'train.stage.loading': 'Cargando el modelo…',
	'train.stage.features': 'Leyendo las fotos ({split}): {done} de {total}',
	'train.readingProgress': 'Fotos leídas',
	'train.stage.training': 'Entrenando: época {epoch} de {total}',
	'train.stage.calibrating': 'Calibrando y aprendiendo cuándo decir “sin certeza”…',
	'train.eta': 'Quedan unos {seconds} s',
	'train.resumed': 'Reanudado después de la época {epoch}.',
	'train.chart': 'Pérdida y exactitud por época',
	'train.epoch': 'Época',
	'train.loss': 'Pérdida',
	'train.accuracy': 'Exactitud',
	'train.valLoss': 'Pérdida val.',
	'train.valAccuracy': 'Exactitud val.',
	'train.seconds': 'Segundos',
	'train.doneResumed':
		'Terminado, {seconds} s con {backend} desde que se reanudó: {accuracy} de exactitud en las fotos de validación.',
	'train.done':
		'Terminado en {seconds} s con {backend}: {accuracy} de exactitud en las fotos de validación.',
	'train.saved': 'Guardado como “{name}”. Abra Modelos para usarlo en el diagnóstico.',
	'train.saving': 'Guardando el modelo en este dispositivo…',
	'train.failed': 'El entrenamiento se detuvo: {reason}',
	'train.elsewhere':
		'Este entrenamiento se está ejecutando en otra pestaña de LeafLens: su progreso se ve allí.',
	'train.learning':
		'«Aprender de mis campos» está en curso en la página Diagnóstico: el entrenamiento y la importación de fotos de aquí esperan a que termine.',
	'train.saveFailed': 'El modelo se entrenó pero no se pudo guardar: {reason}',
	'train.saveAgain': 'Guardar de nuevo',
	'train.needData': 'Primero descargue un conjunto de datos.',
	'own.title': 'Sus propias fotos',
	'own.intro':
		'Cree un conjunto de datos con sus fotos, guardado en este dispositivo. Cada clase necesita al menos 5 fotos.',
	'own.folder': 'Elija una carpeta con una subcarpeta por clase',
	'own.newClass': 'Agregar una clase nueva',
	'own.className': 'Nombre de la clase nueva (p. ej., la enfermedad)',
	'own.classPhotos': 'Fotos de esta clase (al menos 5)',
	'own.addClass': 'Agregar la clase',
	'own.importing': 'Preparando sus fotos: {done} de {total}',
	'own.saved': '“{name}” está listo: {classes}, {photos}.',
	'own.failed': 'No se pudieron usar sus fotos: {reason}',
	'own.cancel': 'Cancelar la importación',
	'own.progress': 'Progreso de la importación',
	'own.cancelled': 'Importación cancelada. Sus otros conjuntos de datos no cambiaron.',
	'own.local': 'sus fotos',
	'own.short':
		'Algunas clases de “{name}” tienen menos de {min} fotos, muy pocas para aprender. Todavía no se importó nada.',
	'own.shortClass': '“{name}” tiene {photos}',
	'own.shortRefused':
		'No se pudieron usar sus fotos: cada clase necesita al menos {min} fotos, y ninguna clase de aquí tiene tantas:',
	'own.importRest': 'Importar las otras {n} clases',
	'own.importOther': 'Importar la otra clase',
	'train.include': 'Incluir también',
	'train.includeNote':
		'Entrenar también con estos conjuntos de datos; sus clases nuevas se agregan al modelo.',
	'train.sameClass': '«{folder}» de {dataset} se entrena como {name}, la clase que nombra.',
	'train.cropless':
		'«{folder}» de {dataset} no nombra su cultivo: ¿{names}? Se entrenaría como una clase aparte.',
	'train.valFractionHere':
		'adapt.valFraction no se puede ajustar aquí: una quinta parte de sus propias fotos de cada clase se aparta al añadirlas (el --field de la línea de órdenes sí toma este ajuste).',
	'train.croplessRefused':
		'Una carpeta de los conjuntos de datos elegidos no nombra su cultivo (arriba): importe de nuevo sus fotos en una carpeta con el nombre del cultivo (p. ej. «Tomato Leaf Mold») o deje fuera ese conjunto de datos.',
	'evaluate.sameClass': '«{folder}» se evalúa como {name}, la clase que nombra.',
	'evaluate.perClassShown':
		'Las fotos de aquí cubren {shown} de las {total} clases del modelo; las demás se omiten.',
	'evaluate.title': 'Evaluar un modelo',
	'evaluate.intro':
		'Mida un modelo con fotos apartadas: exactitud por enfermedad, matriz de confusión y calibración.',
	'evaluate.model': 'Modelo',
	'evaluate.defaultModel': 'Modelo PlantVillage incluido',
	'evaluate.dataset': 'Conjunto de datos',
	'evaluate.split': 'Fotos',
	'evaluate.splitTest': 'Prueba (apartadas)',
	'evaluate.splitVal': 'Validación',
	'evaluate.splitTrain': 'Entrenamiento',
	'evaluate.limit': 'Fotos por clase (vacío: todas)',
	'evaluate.run': 'Evaluar',
	'evaluate.cancel': 'Cancelar',
	'evaluate.preparing': 'Leyendo el modelo y las fotos…',
	'evaluate.stopping': 'Deteniendo…',
	'evaluate.progress': 'Evaluando fotos: {done} de {total}',
	'evaluate.scoring': 'Evaluando las fotos…',
	'evaluate.scrollable': '{name}, con desplazamiento horizontal',
	'evaluate.loadingData': 'Leyendo los conjuntos de datos de este dispositivo…',
	'evaluate.needData': 'Primero descargue un conjunto de datos en la página Entrenar.',
	'evaluate.done': 'Evaluación terminada: {accuracy} de aciertos, fotos evaluadas: {count}.',
	'evaluate.cancelled': 'Evaluación cancelada.',
	'evaluate.failed': 'La evaluación se detuvo: {reason}',
	'evaluate.summary': 'Resumen',
	'evaluate.photos': 'Fotos',
	'evaluate.accuracy': 'Exactitud',
	'evaluate.top3': 'Exactitud top-3',
	'evaluate.macroF1': 'F1 macro',
	'evaluate.ece': 'Error de calibración (ECE)',
	'evaluate.eceRaw': 'antes del escalado de temperatura',
	'evaluate.coverage': 'Respondidas (no “sin certeza”)',
	'evaluate.selective': 'Exactitud en las fotos respondidas',
	'evaluate.confusion': 'Matriz de confusión',
	'evaluate.confusionNote':
		'Filas: clase real; columnas: clase predicha. Las celdas más oscuras contienen más fotos.',
	'evaluate.perClass': 'Por clase',
	'evaluate.class': 'Clase',
	'evaluate.precision': 'Precisión',
	'evaluate.recall': 'Exhaustividad',
	'evaluate.f1': 'F1',
	'evaluate.support': 'Fotos',
	'evaluate.gallery': 'Fotos mal clasificadas',
	'evaluate.galleryShown': 'Las primeras {shown} de las {total} fotos mal clasificadas:',
	'evaluate.galleryEmpty': 'Ninguna foto se clasificó mal.',
	'evaluate.wasPredicted': 'real: {actual} · predicha: {predicted}',
	'evaluate.exportJson': 'Exportar JSON',
	'evaluate.exportCsv': 'Exportar CSV',
	'evaluate.took': '{seconds} s con {backend}',
	'models.title': 'Modelos',
	'models.intro': 'Los modelos guardados en este dispositivo, y el que se usa para el diagnóstico.',
	'models.import': 'Importar un archivo de modelo',
	'models.importHint': 'Un archivo .leaflens exportado por LeafLens en este u otro dispositivo.',
	'models.importing': 'Comprobando el archivo de modelo…',
	'models.imported': 'Se importó “{name}”.',
	'models.importFailed': 'No se pudo importar {file}. {reason}',
	'models.builtIn': 'Modelo incluido',
	'models.builtInName': 'PlantVillage (incluido con LeafLens)',
	'models.defaultFailed': 'No se pudo leer el modelo incluido: {reason}',
	'models.saved': 'Guardados en este dispositivo',
	'models.none':
		'Todavía no hay modelos guardados. Entrene uno en la página Entrenar, o importe un archivo .leaflens.',
	'models.inUse': 'En uso',
	'models.activate': 'Activar',
	'models.rename': 'Cambiar nombre',
	'models.newName': 'Nombre nuevo',
	'models.save': 'Guardar',
	'models.cancel': 'Cancelar',
	'models.delete': 'Borrar',
	'models.confirmDelete': '¿Borrar “{name}” de este dispositivo?',
	'models.export': 'Exportar',
	'models.exportOnnx': 'Descargar en ONNX',
	'models.activated': '«{name}» diagnostica ahora sus fotos.',
	'models.chosenElsewhere':
		'Otra pestaña eligió otro modelo mientras «{name}» se cargaba: el marcado «En uso» diagnostica sus fotos.',
	'models.deleted': '«{name}» se eliminó.',
	'models.exported': 'Descargando {file}.',
	'models.failed': 'No funcionó: {reason}',
	'models.trained': 'Entrenado',
	'models.mode': 'Modo',
	'models.modeHead': 'cabeza de clasificación nueva',
	'models.modeFinetune': 'con ajuste fino',
	'models.classes': 'Clases de hojas',
	'models.experts': 'Aprendido de sus fotos',
	'models.expertsValue': '{crops}, al indicar el cultivo',
	'models.accuracy': 'Exactitud con fotos de laboratorio apartadas',
	'models.labNote':
		'Medida con fotos de laboratorio apartadas (PlantVillage: una hoja, fondo liso). Las fotos tomadas en el campo se ven distintas y suelen ser más difíciles.',
	'models.valOnly':
		'no medida en fotos reservadas ({accuracy} en las fotos de validación de su entrenamiento)',
	'models.notMeasured': 'no medida',
	'models.untested':
		'Este modelo no registra ninguna cifra de prueba: no se midió con fotos apartadas (los modelos adaptados en este dispositivo no la registran).',
	'models.fieldAccuracy': 'Exactitud con fotos de hojas de manzano tomadas en el campo',
	'models.fieldValue': '{accuracy} ({correct} de {photos}, respondiendo a todas las fotos)',
	'models.fieldCropAccuracy': 'Las mismas fotos, indicando el cultivo (manzano)',
	'models.ece': 'Error de calibración (ECE)',
	'models.coverage': 'Respondidas (no “sin certeza”)',
	'models.unverified': 'sin verificar',
	'models.unverifiedNote':
		'Importado: su archivo declara {accuracy}. Un archivo de modelo prueba que está intacto, no quién lo hizo ni que sus cifras sean ciertas, así que este dispositivo no muestra ninguna exactitud hasta haber comprobado el modelo por sí mismo.',
	'models.unverifiedNoClaim':
		'Importado y sin comprobar en este dispositivo: aquí no se conoce su exactitud.',
	'models.checkHow':
		'Para comprobarlo, descargue un conjunto de datos con las mismas clases en la página Entrenar.',
	'models.check': 'Comprobar con «{dataset}»',
	'models.preparing': 'Comprobando en este dispositivo… leyendo el modelo y las fotos',
	'models.checking': 'Comprobando en este dispositivo… {done} de {photos}',
	'models.checkedNote':
		'Medida en este dispositivo con {photos} fotos de prueba de «{dataset}» ({date}), no tomada de su archivo.',
	'models.checked':
		'«{name}» acierta en el {accuracy} de los casos con las fotos de prueba de este dispositivo.',
	'models.size': 'Tamaño',
	'settings.title': 'Ajustes',
	'settings.language': 'Idioma',
	'settings.languageFailed':
		'No se pudo cargar {name}: conéctese a internet una vez y vuelva a elegirlo.',
	'settings.backends': 'Motores de cálculo de este dispositivo',
	'settings.backendsIntro':
		'LeafLens ejecuta TensorFlow.js en un proceso en segundo plano. Cada motor se probó en este dispositivo y se cronometró con una prueba corta; se usa el más rápido, salvo que usted elija otro.',
	'settings.backend': 'Motor',
	'settings.available': 'Disponible',
	'settings.probe': 'Prueba de velocidad',
	'settings.training': 'Puede afinar',
	'settings.yes': 'sí',
	'settings.no': 'no',
	'settings.active': 'activo',
	'settings.recommended': 'el más rápido',
	'settings.choice': 'Motor que se usará',
	'settings.auto': 'Automático (el más rápido)',
	'settings.detecting': 'Probando los motores de este dispositivo…',
	'settings.startAgain': 'Volver a iniciar los motores',
	'settings.environment':
		'TensorFlow.js {version}, {cores} hilos de CPU, adaptador WebGPU: {adapter}',
	'settings.none': 'ninguno',
	'settings.unknownAdapter': 'sin nombre',
	'settings.threads':
		'El motor wasm calcula con {threads} (esta página está aislada de otros orígenes).',
	'settings.oneThread':
		'El motor wasm calcula con un solo hilo: esta página no está aislada de otros orígenes. Lo estará desde la próxima visita, cuando la aplicación ya funcione sin conexión, o de inmediato si el alojamiento envía los encabezados que indica el README.',
	'settings.tasks': 'Motor por tarea',
	'settings.tasksIntro':
		'En modo automático cada tarea se ejecuta en el motor que la hizo más rápido en este dispositivo, medido con el modelo real una vez por dispositivo y modelo.',
	'settings.task': 'Tarea',
	'settings.task.diagnose': 'Diagnóstico',
	'settings.task.train': 'Entrenamiento',
	'settings.workDiagnose': '{network}: una foto y dónde miró el modelo',
	'settings.workTrain': '{network}: lotes de {batch} fotos',
	'settings.workTrainBlocks': '{network}, {blocks} bloques entrenables: lotes de {batch} fotos',
	'settings.perPhoto': '{ms} ms por foto',
	'settings.cannotWin': 'no medido: al menos {ms} ms por pasada, más lento que el mejor',
	'settings.failed': 'falló: {reason}',
	'settings.diagnoseLater': 'Se mide al cargar un modelo.',
	'settings.trainLater': 'Se mide al empezar un entrenamiento.',
	'settings.timeAgain': 'Medir los motores otra vez',
	'settings.timed': 'Medidos: la tabla de arriba muestra los nuevos tiempos.',
	'settings.timing': 'Midiendo los motores…',
	'settings.overridden': 'Todas las tareas se ejecutan en {backend}, el motor elegido arriba.',
	'settings.switchWaits':
		'Las tareas se ejecutarán en {backend} cuando la tarea en curso (un diagnóstico, un entrenamiento) termine en {active}.',
	'settings.browser': 'Lo que ofrece este navegador',
	'settings.browserIntro':
		'Se comprobó probando este navegador, no por su nombre. Cuando falta algo, LeafLens usa otro camino.',
	'settings.feature': 'Función',
	'feature.webgpu': 'WebGPU',
	'feature.webgpu.use':
		'El motor más rápido, en el chip gráfico, si el navegador además encuentra un chip utilizable (lo dicen los motores de arriba)',
	'feature.webgl2': 'WebGL 2',
	'feature.webgl2.use': 'El motor de chip gráfico que tienen la mayoría de los navegadores',
	'feature.wasmSimd': 'WebAssembly SIMD',
	'feature.wasmSimd.use': 'Diagnóstico y entrenamiento rápidos en el procesador',
	'feature.wasmThreads': 'Hilos de WebAssembly',
	'feature.wasmThreads.use': 'El motor de procesador en varios núcleos',
	'feature.offscreenCanvas': 'OffscreenCanvas',
	'feature.offscreenCanvas.use': 'Lectura de fotos en segundo plano',
	'feature.imageBitmapOptions': 'Orientación y reducción de fotos',
	'feature.imageBitmapOptions.use': 'Las fotos grandes se leen en tamaño pequeño y bien orientadas',
	'feature.serviceWorker': 'Uso sin conexión',
	'feature.serviceWorker.use': 'La aplicación funciona sin conexión después de una visita',
	'feature.indexedDb': 'Almacenamiento en el dispositivo',
	'feature.indexedDb.use': 'Historial, conjuntos de datos y modelos guardados en este dispositivo',
	'feature.persistence': 'Almacenamiento persistente',
	'feature.persistence.use': 'Pedir al navegador que no borre los datos de LeafLens',
	'feature.share': 'Compartir',
	'feature.share.use': 'Enviar un diagnóstico a un asesor técnico',
	'feature.camera': 'Botón de cámara',
	'feature.camera.use': 'Abrir la cámara directamente desde la aplicación',
	'settings.storage': 'Almacenamiento en este dispositivo',
	'settings.storageKept': 'Almacenamiento: se conserva hasta que usted lo borre.',
	'settings.storageMayClear': 'Almacenamiento: el navegador puede borrarlo cuando falte espacio.',
	'settings.storageUnknown':
		'Almacenamiento: este navegador no indica si conserva los datos de LeafLens.',
	'settings.storageEviction':
		'Qué significa: cuando al dispositivo le falta espacio, el navegador puede borrar los datos de este sitio sin preguntar (“desalojo”). Su historial, sus modelos guardados y sus conjuntos de datos podrían desaparecer; exporte lo importante (el historial en CSV, los modelos como archivos .leaflens).',
	'settings.storageUsage': '{used} usados, unos {quota} disponibles para LeafLens.',
	'settings.storageAsk': 'Pedir al navegador que lo conserve',
	'settings.storageRefused':
		'El navegador dijo que no. Los navegadores suelen aceptar si se trata de una aplicación instalada o de un sitio en favoritos que usted usa a menudo.',
	'settings.storageChecking': 'Comprobando el almacenamiento…'
};

// Spanish: 1 is singular (0 is plural); "many" is for round millions ("1.000.000 de fotos").
export const esPlurals: Record<PluralKey, PluralForms> = {
	'count.classes': { one: '{n} clase', many: '{n} de clases', other: '{n} clases' },
	'count.leafClasses': {
		one: '{n} clase de hojas',
		many: '{n} de clases de hojas',
		other: '{n} clases de hojas'
	},
	'count.photos': { one: '{n} foto', many: '{n} de fotos', other: '{n} fotos' },
	'count.leaves': { one: '{n} hoja', many: '{n} de hojas', other: '{n} hojas' },
	'plant.outvoted': {
		one: 'Por sí sola, {n} hoja parecía otra cosa; las demás hojas pesan más.',
		many: 'Por sí solas, {n} de hojas parecían otra cosa; las demás hojas pesan más.',
		other: 'Por sí solas, {n} hojas parecían otra cosa; las demás hojas pesan más.'
	},
	'count.threads': { one: '{n} hilo', many: '{n} de hilos', other: '{n} hilos' },
	'count.diagnoses': {
		one: '{n} diagnóstico',
		many: '{n} de diagnósticos',
		other: '{n} diagnósticos'
	},
	'history.roundLocations': {
		one: 'Redondear la ubicación guardada ({n})',
		many: 'Redondear los {n} de ubicaciones guardadas',
		other: 'Redondear las {n} ubicaciones guardadas'
	},
	'history.removeLocations': {
		one: 'Borrar la ubicación guardada ({n})',
		many: 'Borrar los {n} de ubicaciones guardadas',
		other: 'Borrar las {n} ubicaciones guardadas'
	},
	'own.skipped': {
		one: 'Se omitió {n} archivo:',
		many: 'Se omitieron {n} de archivos:',
		other: 'Se omitieron {n} archivos:'
	},
	'learn.keptAside': {
		one: '{n} foto apartada',
		many: '{n} de fotos apartadas',
		other: '{n} fotos apartadas'
	},
	'own.leftOut': {
		one: 'Se dejó fuera {n} clase, con muy pocas fotos:',
		many: 'Se dejaron fuera {n} de clases, con muy pocas fotos:',
		other: 'Se dejaron fuera {n} clases, con muy pocas fotos:'
	}
};

// The shipped model's crops (the plant) and diseases, with the names growers and extension services use.
export const esNames: ClassNames = {
	crops: {
		Apple: 'Manzano',
		Blueberry: 'Arándano',
		'Cherry_(including_sour)': 'Cerezo',
		'Corn_(maize)': 'Maíz',
		Grape: 'Vid',
		Orange: 'Naranjo',
		'Pepper,_bell': 'Pimiento',
		Potato: 'Papa',
		Raspberry: 'Frambueso',
		Strawberry: 'Fresa',
		Tomato: 'Tomate'
	},
	diseases: {
		Apple___Apple_scab: 'sarna',
		Apple___Black_rot: 'podredumbre negra',
		Apple___Cedar_apple_rust: 'roya del cedro',
		'Cherry_(including_sour)___Powdery_mildew': 'oídio',
		'Corn_(maize)___Cercospora_leaf_spot Gray_leaf_spot': 'mancha gris de la hoja (cercospora)',
		'Corn_(maize)___Common_rust_': 'roya común',
		'Corn_(maize)___Northern_Leaf_Blight': 'tizón foliar del norte',
		Grape___Black_rot: 'podredumbre negra',
		'Grape___Esca_(Black_Measles)': 'yesca',
		'Grape___Leaf_blight_(Isariopsis_Leaf_Spot)': 'mancha foliar por Isariopsis',
		'Orange___Haunglongbing_(Citrus_greening)': 'huanglongbing (enverdecimiento de los cítricos)',
		'Pepper,_bell___Bacterial_spot': 'mancha bacteriana',
		Potato___Early_blight: 'tizón temprano',
		Potato___Late_blight: 'tizón tardío',
		Strawberry___Leaf_scorch: 'quemadura de la hoja',
		Tomato___Bacterial_spot: 'mancha bacteriana',
		Tomato___Early_blight: 'tizón temprano',
		Tomato___Late_blight: 'tizón tardío',
		Tomato___Leaf_Mold: 'moho de la hoja',
		Tomato___Septoria_leaf_spot: 'mancha foliar por Septoria',
		'Tomato___Spider_mites Two-spotted_spider_mite': 'araña roja (ácaros)',
		Tomato___Target_Spot: 'mancha diana',
		Tomato___Tomato_Yellow_Leaf_Curl_Virus: 'virus del rizado amarillo (TYLCV)',
		Tomato___Tomato_mosaic_virus: 'virus del mosaico del tomate'
	}
};

// Why a photo or a job was refused (thrown in English: i18n/known-errors.ts).
export const esErrors: KnownErrors = {
	unreadable:
		'Este archivo no es una foto que LeafLens pueda leer, o está dañado. Use una foto JPEG, PNG o WebP.',
	empty: 'El archivo está vacío.',
	tooLarge:
		'Esta foto es demasiado grande para leerla ({width}×{height} píxeles, más de {max} megapíxeles). Use una copia más pequeña.',
	heic: 'Es una foto HEIC (el formato habitual de la cámara del iPhone), que este navegador no puede leer. Envíela como JPEG, o en el iPhone elija Ajustes → Cámara → Formatos → Más compatible.',
	fileGone:
		'No se pudo leer este archivo: puede que se haya movido o eliminado, o que solo esté guardado en línea. Vuelva a elegirlo, o guarde antes una copia en este dispositivo.',
	trainDatasetGone:
		'Un conjunto de datos que usa este entrenamiento ya no está en este dispositivo: descarte el entrenamiento, o descargue o importe de nuevo el conjunto de datos y reanúdelo.',
	incompleteTraining: 'Descargue el conjunto de datos completo antes de entrenar con él.',
	incompleteEvaluating: 'Descargue el conjunto de datos completo antes de evaluar con él.',
	notModelClasses:
		'Este conjunto de datos tiene clases con las que el modelo no se entrenó: {classes}. Elija un modelo entrenado con todas sus clases u otro conjunto de datos.',
	noTrainPhotos: 'El conjunto de datos no tiene fotos de entrenamiento.',
	noValPhotos: 'El conjunto de datos no tiene fotos de validación.',
	noTestPhotos: 'El conjunto de datos no tiene fotos de prueba.',
	modelMissing: 'El modelo «{id}» no está en este dispositivo.',
	datasetMissing: 'El conjunto de datos {id} no está en este dispositivo.',
	shippedModelChanged:
		'{where}: el modelo incluido no es aquel con el que se construyó esta versión de LeafLens (sha256 del manifiesto {actual}…, se esperaba {expected}…). Recargue la página; si continúa, los archivos del servidor están dañados.',
	backboneMissing:
		'Este modelo necesita la red base {architecture} con la que se entrenó (sha256 del manifiesto {sha256}…), y no la ofrece esta aplicación ni está guardada en este dispositivo. Importe el modelo desde su archivo .leaflens, que incluye su red base.',
	notDatasetManifest:
		'{url} no es un manifiesto de conjunto de datos JSON: revise la dirección (termina en manifest.json).',
	datasetDeletedWhileDownloading:
		'«{name}» se borró mientras se descargaba (¿en otra pestaña?); descárguelo de nuevo.',
	shardMissing:
		'Una parte de «{name}» ({file}) no está en este dispositivo: reanude su descarga, o impórtelo o descárguelo de nuevo.',
	plantvillageUnavailable: 'No se pudieron descargar las fotos de PlantVillage.',
	couldNotReach:
		'No se pudo conectar con {url} ({reason}). Revise la conexión; la descarga seguirá donde se detuvo.',
	connectionDropped:
		'La conexión se cortó durante la descarga de {url} ({reason}). Revise la conexión; la descarga seguirá donde se detuvo.',
	webPageInstead:
		'El servidor respondió a {url} con una página web (¿una página de acceso a la red wifi?): inicie sesión o revise la conexión y descargue de nuevo; lo ya descargado se conserva.',
	downloadFailed: 'La descarga de {url} falló: HTTP {status}',
	noClassFolders:
		'La carpeta «{name}» tiene fotos pero ninguna subcarpeta por clase: ponga las fotos de cada enfermedad en una subcarpeta con su nombre (en inglés, p. ej. {name}/Apple scab/) y elija la carpeta de nuevo.',
	confirmMore:
		'Confirme más fotos de una enfermedad: una planta se aparta para comprobar, y se necesitan al menos {n} fotos más para aprender.',
	photosNotImported: 'Las fotos no se importaron.',
	noReadablePhotos: 'No se encontró ninguna foto legible.',
	diagnosisGone: 'Este diagnóstico ya no está en este dispositivo: se borró en otra pestaña.',
	tooFewClasses:
		'El entrenamiento necesita al menos 2 clases, hay {count} ({classes}): añada fotos de otra clase',
	trainingDiverged:
		'El entrenamiento divergió en la época {epoch} (pérdida de entrenamiento {trainLoss}, pérdida val. {valLoss}); no se guardó nada de él. Baje lr (ahora {lr}) o revise los datos.',
	trainJobWaiting:
		'Hay un entrenamiento en espera en la página Entrenar: reanúdelo o descártelo allí primero.',
	trainRunsElsewhere:
		'Hay un entrenamiento en curso en otra pestaña: aprenda cuando haya terminado.',
	noDatasetWithClasses: 'Ningún conjunto de datos descargado tiene las clases de «{name}»',
	backboneUnavailable: 'El archivo de la red base {url} no está disponible (HTTP {status})',
	storageFullDownload:
		'No hay espacio suficiente en este dispositivo para guardar el resto de «{name}» (faltan {mb} MB). Los {n} fragmentos ya guardados se conservan; libere espacio (borre un conjunto de datos o un modelo) y reanude.',
	storageFull:
		'No hay espacio suficiente en este dispositivo. Libere espacio (borre un conjunto de datos o un modelo que ya no necesite) e inténtelo de nuevo.',
	notLeafLensManifest:
		'No es un manifiesto de conjunto de datos de LeafLens: se esperaba el formato "{expected}", se recibió {got}',
	fingerprintTaken:
		'{where} tiene la huella de «{name}» en este dispositivo pero otros campos del manifiesto ({differences}); elimine «{name}» primero, o prepare el conjunto de datos de nuevo para que tenga su propia huella.',
	datasetNewer:
		'Este conjunto de datos lo hizo un LeafLens más reciente (formato {version}); esta versión lee el formato {supported}. Actualice LeafLens o prepare el conjunto de datos de nuevo.',
	shardChecksumTwice:
		'El fragmento {file} falló su suma de comprobación dos veces (se esperaba {expected}, se obtuvo {actual}); no se guardó. La copia del servidor está dañada: prepare el conjunto de datos de nuevo.',
	shardDamagedLocal:
		'El fragmento {file} de «{name}» guardado en este dispositivo estaba dañado y se ha quitado; borre «{name}» e importe las fotos de nuevo.',
	shardDamaged:
		'El fragmento {file} de «{name}» guardado en este dispositivo estaba dañado y se ha quitado; reanude la descarga para obtenerlo de nuevo.',
	fieldRowsTooMany:
		'Las {photos} fotos de campo se repetirían en {size} de filas de entrenamiento (cada una con {views} vistas aumentadas, {weight} veces), más que los {most} permitidos: entrene con menos fotos o (en la línea de órdenes) baje adapt.weight o adapt.views.',
	shardDisagrees:
		'El fragmento {file} de «{name}» no concuerda con el manifiesto del conjunto de datos ({detail}): el conjunto de datos se armó mal y no se puede usar. Borre «{name}» y vuelva a preparar el conjunto de datos.',
	storageFullImport:
		'No hay espacio suficiente en este dispositivo para guardar «{name}». Libere espacio (borre un conjunto de datos o un modelo), borre el conjunto de datos parcial e inténtelo de nuevo.',
	modelNameLength:
		'El nombre de un modelo necesita de 1 a {max} caracteres (los espacios de los extremos no cuentan); se recibió {name}',
	notModelFile: 'Esto no es un archivo de modelo de LeafLens.',
	modelFileTooBig:
		'Esto no es un archivo de modelo de LeafLens: ocupa {mb} MB, y un archivo de modelo de LeafLens ocupa como máximo {max} MB.',
	modelFileNewer:
		'Este archivo de modelo lo creó una versión más nueva de LeafLens (formato de exportación versión {version}; esta versión lee la {ours}). Actualice LeafLens para importarlo.',
	modelNewer:
		'{where}: este modelo lo creó una versión más nueva de LeafLens (formato de modelo versión {version}; esta versión lee la {ours}). Actualice LeafLens para usarlo.',
	modelNewerInFile:
		'El modelo de este archivo lo creó una versión más nueva de LeafLens (formato de modelo versión {version}; esta versión lee la {ours}). Actualice LeafLens para usarlo.',
	backboneNewerInFile:
		'La red base de este archivo la creó una versión más nueva de LeafLens (formato de modelo versión {version}; esta versión lee la {ours}). Actualice LeafLens para usarla.',
	modelNewerStored:
		'El modelo «{id}» de este dispositivo lo creó una versión más nueva de LeafLens (formato de modelo versión {version}; esta versión lee la {ours}). Actualice LeafLens para usarlo.',
	backboneNewerStored:
		'La red base {architecture} guardada en este dispositivo la creó una versión más nueva de LeafLens (formato de modelo versión {version}; esta versión lee la {ours}). Actualice LeafLens para usarla.',
	modelFileDamaged:
		'Este archivo de modelo está dañado: {file} no coincide con su suma de verificación.',
	modelFileMismatch:
		'Este archivo de modelo no es coherente: su red base ({architecture}, sha256 del manifiesto {sha256}…) no es aquella con la que se entrenó el modelo ({expected}, {expectedSha256}…).',
	modelFileIncomplete: 'Este archivo de modelo está incompleto: falta {file}.',
	modelFileDamagedDetail: 'Este archivo de modelo está dañado: {detail}',
	notModelFileDetail: 'Este no es un archivo de modelo de LeafLens: {detail}',
	classNameEmpty: 'Escriba un nombre para la clase.',
	classPhotosEmpty: 'Elija las fotos de la clase.',
	classNameTooLong: 'Un nombre de clase tiene como máximo 100 caracteres; este tiene {n}.',
	classNameSlash: 'Un nombre de clase no puede contener «/»: «{name}».',
	notInClass: 'No está dentro de una subcarpeta de clase.',
	sameInClasses:
		'La misma foto está en las clases {classes} ({paths}): se dejan fuera todas sus copias.',
	notPhotoFile: 'No es un archivo de foto (JPEG, PNG, WebP, HEIC…).',
	timingBusy:
		'Hay una tarea en curso (un diagnóstico, un entrenamiento o una evaluación): vuelva a medir los motores cuando termine.',
	backendNotStarted: 'No se pudo iniciar el motor {backend} en este dispositivo',
	backendNotStartedBecause: 'No se pudo iniciar el motor {backend} en este dispositivo: {detail}',
	backendNotIncluded: 'El motor {backend} no está incluido en esta versión',
	modelUnreachable:
		'No se pudo descargar {url} ({reason}). Revise la conexión y vuelva a intentarlo.',
	storageRefused:
		'Este navegador se negó a guardar los datos de LeafLens en este dispositivo (el almacenamiento «{db}» no dio ningún motivo). La navegación privada o los ajustes de almacenamiento pueden causarlo: pruebe con una ventana normal.'
};
