import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	matchPlantDocClass,
	matchPlantVillageClass,
	aliasKey,
	PLANTDOC_TO_PLANTVILLAGE,
	PLANTVILLAGE_CLASSES
} from './class-names';
import { plantVillageColor } from '../../../test/inputs';

/** The 38 labels of TFDS `plant_village` (the Mendeley zip's folder names), as TFDS lists them. */
const MENDELEY = `Apple___Apple_scab Apple___Black_rot Apple___Cedar_apple_rust Apple___healthy
Blueberry___healthy Cherry___healthy Cherry___Powdery_mildew
Corn___Cercospora_leaf_spot_Gray_leaf_spot Corn___Common_rust Corn___healthy
Corn___Northern_Leaf_Blight Grape___Black_rot Grape___Esca_(Black_Measles) Grape___healthy
Grape___Leaf_blight_(Isariopsis_Leaf_Spot) Orange___Haunglongbing_(Citrus_greening)
Peach___Bacterial_spot Peach___healthy Pepper,_bell___Bacterial_spot Pepper,_bell___healthy
Potato___Early_blight Potato___healthy Potato___Late_blight Raspberry___healthy Soybean___healthy
Squash___Powdery_mildew Strawberry___healthy Strawberry___Leaf_scorch Tomato___Bacterial_spot
Tomato___Early_blight Tomato___healthy Tomato___Late_blight Tomato___Leaf_Mold
Tomato___Septoria_leaf_spot Tomato___Spider_mites_Two-spotted_spider_mite Tomato___Target_Spot
Tomato___Tomato_mosaic_virus Tomato___Tomato_Yellow_Leaf_Curl_Virus`
	.split(/\s+/)
	// TFDS writes two names with a space where this list has `_` (a space cannot sit in this list).
	.map((n) => n.replace('spot_Gray', 'spot Gray').replace('mites_Two', 'mites Two'));

describe('class names', () => {
	it('has the 38 PlantVillage classes, and every Mendeley/TFDS name maps to a distinct one', () => {
		expect(Object.keys(PLANTVILLAGE_CLASSES)).toHaveLength(38);
		expect(MENDELEY).toHaveLength(38);
		const mapped = MENDELEY.map((n) => matchPlantVillageClass(n));
		expect(mapped.every((m) => m.kind === 'class')).toBe(true);
		expect(new Set(mapped.map((m) => (m.kind === 'class' ? m.name : '')))).toEqual(
			new Set(Object.keys(PLANTVILLAGE_CLASSES))
		);
		expect(matchPlantVillageClass('Corn___Common_rust')).toEqual({
			kind: 'class',
			name: 'Corn_(maize)___Common_rust_'
		});
	});

	it('ignores case, spaces versus underscores and trailing underscores; knows what it does not know', () => {
		expect(aliasKey('Corn_(maize)___Common_rust_')).toBe(aliasKey('corn (maize) common rust'));
		expect(matchPlantVillageClass('tomato___spider_mites_two-spotted_spider_mite')).toMatchObject({
			name: 'Tomato___Spider_mites Two-spotted_spider_mite'
		});
		expect(matchPlantVillageClass('Background_without_leaves')).toEqual({ kind: 'excluded' });
		expect(matchPlantVillageClass('Rice___Blast')).toEqual({
			kind: 'unknown',
			name: 'Rice___Blast'
		});
	});

	it('keeps the real PlantVillage folder names as they are', () => {
		for (const name of readdirSync(plantVillageColor()))
			expect(matchPlantVillageClass(name)).toEqual({ kind: 'class', name });
	});

	it('maps PlantDoc’s classes onto 27+ PlantVillage classes, each a real one', () => {
		const targets = new Set(Object.values(PLANTDOC_TO_PLANTVILLAGE));
		expect(targets.size).toBeGreaterThanOrEqual(27);
		for (const t of targets) expect(PLANTVILLAGE_CLASSES[t]).toBeDefined();
		expect(matchPlantDocClass('Tomato two spotted spider mites leaf')).toEqual({
			kind: 'class',
			name: 'Tomato___Spider_mites Two-spotted_spider_mite'
		});
		expect(matchPlantDocClass('Banana leaf')).toEqual({ kind: 'unknown', name: 'Banana leaf' });
	});
});
