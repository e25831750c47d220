import { describe, expect, it } from 'vitest';
import { parseClassFolder } from './class-folder';

describe('parseClassFolder', () => {
	it('splits Crop___Disease names and tidies underscores', () => {
		expect(parseClassFolder('Corn_(maize)___Common_rust_')).toEqual({
			crop: 'Corn (maize)',
			disease: 'Common rust',
			healthy: false,
			displayName: 'Corn (maize) — Common rust'
		});
		expect(parseClassFolder('Pepper,_bell___healthy')).toMatchObject({
			crop: 'Pepper, bell',
			disease: null,
			healthy: true
		});
		expect(parseClassFolder('Tomato___Spider_mites Two-spotted_spider_mite')).toMatchObject({
			disease: 'Spider mites Two-spotted spider mite'
		});
		expect(parseClassFolder('roses')).toMatchObject({
			crop: 'roses',
			disease: null,
			healthy: false,
			displayName: 'roses'
		});
	});
});
