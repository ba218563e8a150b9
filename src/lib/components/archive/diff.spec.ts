import { describe, expect, it } from 'vitest';
import { diffInline, diffStats, diffText, tokenize, type DiffOp } from './diff';

/** Rebuilds both sides from the ops: a diff must never lose or invent text. */
const sides = (ops: readonly DiffOp[]) => ({
	before: ops
		.filter((o) => o.type !== 'insert')
		.map((o) => o.text)
		.join(''),
	after: ops
		.filter((o) => o.type !== 'delete')
		.map((o) => o.text)
		.join('')
});

describe('tokenize', () => {
	it('splits Chinese into characters and keeps Latin words and numbers whole', () => {
		expect(tokenize('每平方米15元 per m2')).toEqual([
			'每',
			'平',
			'方',
			'米',
			'15',
			'元',
			' ',
			'per',
			' ',
			'm2'
		]);
	});
	it('keeps characters outside the basic plane whole', () => {
		expect(tokenize('𠮷野家')).toEqual(['𠮷', '野', '家']);
	});
});

describe('diffInline', () => {
	it('marks an insertion inside a Chinese sentence', () => {
		expect(diffInline('加装电梯的费用', '加装三部电梯的费用')).toEqual([
			{ type: 'equal', text: '加装' },
			{ type: 'insert', text: '三部' },
			{ type: 'equal', text: '电梯的费用' }
		]);
	});
	it('marks a deletion', () => {
		expect(diffInline('低层住户少交费用', '低层住户交费用')).toEqual([
			{ type: 'equal', text: '低层住户' },
			{ type: 'delete', text: '少' },
			{ type: 'equal', text: '交费用' }
		]);
	});
	it('replaces a number as one token', () => {
		expect(diffInline('每平方米15元', '每平方米20元')).toEqual([
			{ type: 'equal', text: '每平方米' },
			{ type: 'delete', text: '15' },
			{ type: 'insert', text: '20' },
			{ type: 'equal', text: '元' }
		]);
	});
	it('folds a single kept character between two changes into one replaced phrase', () => {
		const ops = diffInline('甲乙丙', '丁乙戊');
		expect(ops).toEqual([
			{ type: 'delete', text: '甲乙丙' },
			{ type: 'insert', text: '丁乙戊' }
		]);
	});
	it('returns one equal op for identical text and nothing for two empty strings', () => {
		expect(diffInline('不变', '不变')).toEqual([{ type: 'equal', text: '不变' }]);
		expect(diffInline('', '')).toEqual([]);
	});
	it('never loses text on either side', () => {
		const a = '维修资金筹集：按建筑面积每平方米15元，低层住户减半，车库不计。';
		const b = '维修资金筹集：按专有面积每平方米15元，一楼住户不参加，车库另议，租户不计。';
		expect(sides(diffInline(a, b))).toEqual({ before: a, after: b });
	});
});

describe('diffText', () => {
	it('keeps unchanged lines, marks added and removed lines and edits in place', () => {
		const a = ['一、更换三部电梯', '二、费用按面积分摊', '三、旧电梯回收'].join('\n');
		const b = ['一、更换三部电梯', '二、费用按专有面积分摊', '四、施工期间开放楼梯'].join('\n');
		const lines = diffText(a, b);
		expect(lines.map((l) => l.kind)).toEqual(['equal', 'changed', 'removed', 'added']);
		expect(lines[1]!.ops).toEqual([
			{ type: 'equal', text: '二、费用按' },
			{ type: 'insert', text: '专有' },
			{ type: 'equal', text: '面积分摊' }
		]);
		expect(lines[2]!.ops).toEqual([{ type: 'delete', text: '三、旧电梯回收' }]);
		expect(lines[3]!.ops).toEqual([{ type: 'insert', text: '四、施工期间开放楼梯' }]);
	});
	it('shows a rewritten line inline when much of it stayed', () => {
		const lines = diffText(
			'二、费用按每户平均分摊。',
			'二、费用按专有面积每平方米15元分摊，一楼住户减半。'
		);
		expect(lines.map((l) => l.kind)).toEqual(['changed']);
		expect(lines[0]!.ops[0]).toEqual({ type: 'equal', text: '二、费用按' });
	});
	it('treats the first version as all added and an emptied text as all removed', () => {
		expect(diffText('', '第一行\n第二行').map((l) => l.kind)).toEqual(['added', 'added']);
		expect(diffText('第一行', '').map((l) => l.kind)).toEqual(['removed']);
	});
	it('counts inserted and deleted characters', () => {
		expect(diffStats(diffText('费用15元整', '费用200元整'))).toEqual({ inserted: 3, deleted: 2 });
	});
	it('stays fast on long texts', () => {
		const a = '居民议事'.repeat(1500);
		const b = `${'居民议事'.repeat(700)}新增内容${'居民议事'.repeat(800)}`;
		const started = Date.now();
		const lines = diffText(a, b);
		expect(Date.now() - started).toBeLessThan(2000);
		expect(sides(lines[0]!.ops)).toEqual({ before: a, after: b });
	});
});
