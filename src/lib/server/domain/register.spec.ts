import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRegister } from './register';

describe('household register CSV', () => {
	it('[REG-1] reads the demo register of Heping Garden Block D', () => {
		const text = readFileSync(
			new URL('../../../../tests/fixtures/heping-garden-block-d.csv', import.meta.url),
			'utf8'
		);
		const { rows, errors } = parseRegister(text);
		expect(errors).toEqual([]);
		expect(rows).toHaveLength(192);
		expect(rows[0]).toEqual({
			line: 2,
			building: 'D栋',
			unit: '101',
			area: 8850,
			ownerKey: 'owner-001'
		});
		expect(rows.reduce((s, r) => s + r.area, 0)).toBe(2_006_200);
	});

	it('[REG-2] reports every bad line by number and message', () => {
		const text = [
			'building,unit,area,owner',
			'D栋,101,88.50,owner-001',
			'D栋,102,abc,owner-002',
			'D栋,103,88.505,owner-003',
			'D栋,101,70.00,owner-004',
			'D栋,104,70.00',
			',105,70.00,owner-005'
		].join('\r\n');
		const { errors } = parseRegister(text);
		expect(errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7]);
		expect(errors[2]?.message).toMatch(/line 2/);
		expect(errors[3]?.message).toMatch(/4 columns/);
	});

	it('[REG-3] refuses a file without the contract header, and accepts a BOM and quotes', () => {
		expect(parseRegister('楼栋,单元,面积,业主\nD栋,101,88.5,x').errors[0]).toMatchObject({
			line: 1
		});
		const { rows, errors } = parseRegister(
			'\uFEFFbuilding,unit,area,owner\n"D栋","2408","170.75","developer"\n'
		);
		expect(errors).toEqual([]);
		expect(rows[0]?.area).toBe(17_075);
	});
});
