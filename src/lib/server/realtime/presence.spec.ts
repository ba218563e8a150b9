import { describe, expect, it } from 'vitest';
import { Presence } from './presence';

describe('Presence', () => {
	it('keeps a participant online until their last socket leaves', () => {
		const p = new Presence();
		expect(p.add('s', 'a')).toBe(true);
		expect(p.add('s', 'a')).toBe(false);
		expect(p.remove('s', 'a')).toBe(false);
		expect([...p.online('s')]).toEqual(['a']);
		expect(p.remove('s', 'a')).toBe(true);
		expect(p.online('s').size).toBe(0);
	});

	it('ignores a leave it never saw and keeps rooms apart', () => {
		const p = new Presence();
		p.add('s1', 'a');
		expect(p.remove('s2', 'a')).toBe(false);
		expect([...p.online('s1')]).toEqual(['a']);
	});
});
