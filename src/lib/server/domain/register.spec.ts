import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveFloor, parseRegister } from './register';

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
			ownerKey: 'owner-001',
			floor: 1,
			floorGiven: false
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

	it('[REG-4] derives the floor from the unit number: the last run of 3 or 4 digits less its last two', () => {
		expect(deriveFloor('101')).toBe(1);
		expect(deriveFloor('1203')).toBe(12);
		expect(deriveFloor('2408')).toBe(24);
		expect(deriveFloor('D-1203')).toBe(12);
		expect(deriveFloor('2单元1203室')).toBe(12);
		expect(deriveFloor('３号楼５０２')).toBe(5);
		expect(deriveFloor('1203A')).toBe(12);
		for (const unit of ['12', '5', '12-03', '001', '10203', 'A', '地下室']) {
			expect(deriveFloor(unit), unit).toBeNull();
		}
	});

	it('[REG-5] reads an optional fifth column floor; an empty cell falls back to the unit', () => {
		const { rows, errors } = parseRegister(
			'building,unit,area,owner,floor\nA,101,80.00,o1,\nA,跃层,120.00,o2,25\nA,B1,30.00,o3,-1\n'
		);
		expect(errors).toEqual([]);
		expect(rows.map((r) => [r.floor, r.floorGiven])).toEqual([
			[1, false],
			[25, true],
			[-1, true]
		]);
	});

	it('[REG-6] a floor that cannot be derived or read fails the line, and so the whole import', () => {
		const { rows, errors } = parseRegister(
			'building,unit,area,owner\nA,101,80.00,o1\nA,12,80.00,o2\n'
		);
		expect(rows).toHaveLength(1);
		expect(errors).toEqual([{ line: 3, message: expect.stringMatching(/fifth column floor/) }]);
		const bad = parseRegister(
			'building,unit,area,owner,floor\nA,101,80.00,o1,1.5\nA,102,80.00,o2\n'
		);
		expect(bad.errors.map((e) => e.line)).toEqual([2, 3]);
		expect(bad.errors[1]?.message).toMatch(/5 columns/);
	});
});
