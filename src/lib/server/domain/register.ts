/**
 * The household register CSV (REFERENCE.md §5): header `building,unit,area,owner`; area in m² with
 * at most two decimals. Every bad line is reported with its number; the caller imports all or
 * nothing. Parsing is csv-parse's (quotes, BOMs, CRLF from Excel exports).
 */
import { parse } from 'csv-parse/sync';
import { areaToHundredths } from './ratio';

export interface RegisterRow {
	line: number;
	building: string;
	unit: string;
	area: number;
	ownerKey: string;
}

export interface RegisterError {
	line: number;
	message: string;
}

const HEADER = ['building', 'unit', 'area', 'owner'];
export const MAX_REGISTER_ROWS = 20_000;

export function parseRegister(text: string): { rows: RegisterRow[]; errors: RegisterError[] } {
	let records: string[][];
	try {
		records = parse(text, {
			bom: true,
			relax_column_count: true,
			skip_empty_lines: true,
			trim: true
		});
	} catch (error) {
		const line = (error as { lines?: number }).lines ?? 1;
		return { rows: [], errors: [{ line, message: `not valid CSV: ${(error as Error).message}` }] };
	}
	const [header, ...body] = records;
	if (!header || header.map((h) => h.toLowerCase()).join(',') !== HEADER.join(',')) {
		return {
			rows: [],
			errors: [{ line: 1, message: `the first line must be exactly: ${HEADER.join(',')}` }]
		};
	}
	if (body.length === 0)
		return { rows: [], errors: [{ line: 2, message: 'no households after the header' }] };
	if (body.length > MAX_REGISTER_ROWS) {
		return {
			rows: [],
			errors: [
				{
					line: MAX_REGISTER_ROWS + 2,
					message: `at most ${MAX_REGISTER_ROWS} households per import`
				}
			]
		};
	}
	const rows: RegisterRow[] = [];
	const errors: RegisterError[] = [];
	const seen = new Map<string, number>();
	body.forEach((record, index) => {
		const line = index + 2;
		if (record.length !== 4) {
			errors.push({
				line,
				message: `expected 4 columns (building,unit,area,owner), found ${record.length}`
			});
			return;
		}
		const [building, unit, areaText, ownerKey] = record as [string, string, string, string];
		const problems: string[] = [];
		if (!building || building.length > 64) problems.push('building is empty or too long');
		if (!unit || unit.length > 64) problems.push('unit is empty or too long');
		if (!ownerKey || ownerKey.length > 128) problems.push('owner is empty or too long');
		const area = areaToHundredths(areaText);
		if (area === null || area === 0)
			problems.push(`area "${areaText}" must be a positive number of m² with at most two decimals`);
		const key = `${building}\u0000${unit}`;
		const first = seen.get(key);
		if (first !== undefined) problems.push(`${building} ${unit} already appears on line ${first}`);
		else seen.set(key, line);
		if (problems.length) errors.push({ line, message: problems.join('; ') });
		else rows.push({ line, building, unit, area: area!, ownerKey });
	});
	return { rows, errors };
}
