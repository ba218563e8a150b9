import { describe, expect, it } from 'vitest';
import { keyOf } from './comments-plugin';

describe('comment highlights are redrawn only when they change (undo groups survive typing)', () => {
	it('gives the same key to the same passages in any order', () => {
		const a = { from: 1, to: 5, id: 'c1', stance: 'support' };
		const b = { from: 7, to: 9, id: 'c2', stance: 'concern' };
		expect(keyOf([a, b])).toBe(keyOf([b, a]));
	});

	it('tells a moved, restanced or added passage apart', () => {
		const a = { from: 1, to: 5, id: 'c1', stance: 'support' };
		expect(keyOf([a])).not.toBe(keyOf([{ ...a, to: 6 }]));
		expect(keyOf([a])).not.toBe(keyOf([{ ...a, stance: 'oppose' }]));
		expect(keyOf([a])).not.toBe(keyOf([a, { from: 8, to: 9, id: 'c2', stance: 'question' }]));
		expect(keyOf([])).toBe('');
	});
});
