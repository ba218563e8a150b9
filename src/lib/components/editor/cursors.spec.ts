import { describe, expect, it } from 'vitest';
import { buildSelection, safeColor, safeName } from './cursors';

describe('remote carets from awareness (text is untrusted, ARCHITECTURE.md rule 8)', () => {
	it('lets only a plain hex colour reach a style', () => {
		expect(safeColor('#1a2B3c')).toBe('#1a2B3c');
		expect(safeColor('red')).toBe('#4b5563');
		expect(safeColor('#123456;background:url(https://evil.example)')).toBe('#4b5563');
		expect(safeColor(0x123456)).toBe('#4b5563');
		expect(buildSelection({ color: 'blue;x:y' }).style).toBe('background-color: #4b556333');
	});

	it('shows at most 24 characters of a name, and nothing for a name that is not text', () => {
		expect(safeName('张三')).toBe('张三');
		expect(safeName('长'.repeat(40))).toHaveLength(24);
		expect(safeName({ toString: () => '<b>x</b>' })).toBe('');
	});
});
