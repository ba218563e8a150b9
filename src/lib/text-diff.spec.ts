import { describe, expect, it } from 'vitest';
import { diffText } from './text-diff';

const rebuild = (parts: ReturnType<typeof diffText>, drop: 'removed' | 'added') =>
	parts
		.filter((p) => p.kind !== drop)
		.map((p) => p.text)
		.join('');

describe('diffText', () => {
	it('marks only the changed words of a Chinese sentence', () => {
		expect(diffText('每户每月缴纳三十元', '每户每月缴纳二十元')).toEqual([
			{ kind: 'same', text: '每户每月缴纳' },
			{ kind: 'removed', text: '三' },
			{ kind: 'added', text: '二' },
			{ kind: 'same', text: '十元' }
		]);
	});

	it('shows an insertion and a deletion in the middle', () => {
		const parts = diffText('一楼住户免缴', '一楼和二楼住户减半缴纳');
		expect(rebuild(parts, 'added')).toBe('一楼住户免缴');
		expect(rebuild(parts, 'removed')).toBe('一楼和二楼住户减半缴纳');
		expect(parts.some((p) => p.kind === 'added' && p.text.includes('和二楼'))).toBe(true);
	});

	it('shows a deleted passage as removed only', () => {
		expect(diffText('删掉这句', '')).toEqual([{ kind: 'removed', text: '删掉这句' }]);
	});

	it('never splits a character outside the basic plane', () => {
		const parts = diffText('𠀀甲', '𠀁甲');
		expect(parts).toEqual([
			{ kind: 'removed', text: '𠀀' },
			{ kind: 'added', text: '𠀁' },
			{ kind: 'same', text: '甲' }
		]);
	});

	it('falls back to whole removal and addition for very long rewrites', () => {
		const before = '甲'.repeat(1000);
		const after = '乙'.repeat(1000);
		expect(diffText(before, after)).toEqual([
			{ kind: 'removed', text: before },
			{ kind: 'added', text: after }
		]);
	});
});
