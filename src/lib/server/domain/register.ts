/**
 * The household register CSV (src/lib/protocol/REFERENCE.md §5, §12): header
 * `building,unit,area,owner` with an optional fifth column `floor`; area in m² with at most two
 * decimals. Every bad line is reported with its number; the caller imports all or nothing.
 * Parsing is csv-parse's (quotes, BOMs, CRLF from Excel exports).
 */
import { parse } from 'csv-parse/sync';
import { areaToHundredths } from './ratio';

export interface RegisterRow {
	line: number;
	building: string;
	unit: string;
	area: number;
	ownerKey: string;
	floor: number;
	/** True when the floor came from the CSV's fifth column, false when derived from the unit. */
	floorGiven: boolean;
}

export interface RegisterError {
	line: number;
	message: string;
}

const HEADER = ['building', 'unit', 'area', 'owner'];
const HEADER_WITH_FLOOR = [...HEADER, 'floor'];
export const MAX_REGISTER_ROWS = 20_000;
export const MIN_FLOOR = -9;
export const MAX_FLOOR = 199;

/**
 * The floor a unit number names, or null when it names none. Chinese unit numbers put the room
 * on the floor in the last two digits and the floor before them (1203 = 12楼03室, 101 = 1楼01室),
 * and a register often prefixes the stair or building (D-1203, 2单元1203室, 3号楼1203). So:
 * take the LAST run of digits (full-width digits count); if it has 3 or 4 digits, the floor is
 * that run without its last two digits, and it must be at least 1. Anything else — 1 or 2 digits
 * (villas, "12-03" written with a separator), 5 or more digits, floor 0 (001), no digits, a
 * basement — is not guessed: the import reports the line and the register gives the floor in
 * the fifth column instead. A wrong guess would move money between households silently.
 */
export function deriveFloor(unit: string): number | null {
	const ascii = unit.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
	const runs = ascii.match(/\d+/g);
	const room = runs?.[runs.length - 1];
	if (!room || room.length < 3 || room.length > 4) return null;
	const floor = Number(room.slice(0, -2));
	return floor >= 1 ? floor : null;
}

/** A floor typed in the fifth column: an integer from MIN_FLOOR to MAX_FLOOR (basements < 0). */
export function parseFloor(text: string): number | null {
	if (!/^[-+]?\d{1,3}$/.test(text.trim())) return null;
	const floor = Number(text.trim());
	return floor >= MIN_FLOOR && floor <= MAX_FLOOR ? floor : null;
}

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
	const headerText = header?.map((h) => h.toLowerCase()).join(',');
	const withFloor = headerText === HEADER_WITH_FLOOR.join(',');
	if (!header || (!withFloor && headerText !== HEADER.join(','))) {
		return {
			rows: [],
			errors: [
				{
					line: 1,
					message: `the first line must be exactly: ${HEADER.join(',')} (or ${HEADER_WITH_FLOOR.join(',')})`
				}
			]
		};
	}
	const columns = withFloor ? 5 : 4;
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
		if (record.length !== columns) {
			errors.push({
				line,
				message: `expected ${columns} columns (${(withFloor ? HEADER_WITH_FLOOR : HEADER).join(',')}), found ${record.length}`
			});
			return;
		}
		const [building, unit, areaText, ownerKey, floorText = ''] = record as string[] as [
			string,
			string,
			string,
			string,
			string?
		];
		const problems: string[] = [];
		if (!building || building.length > 64) problems.push('building is empty or too long');
		if (!unit || unit.length > 64) problems.push('unit is empty or too long');
		if (!ownerKey || ownerKey.length > 128) problems.push('owner is empty or too long');
		const area = areaToHundredths(areaText);
		if (area === null || area === 0)
			problems.push(`area "${areaText}" must be a positive number of m² with at most two decimals`);
		// An empty floor cell falls back to the unit number, so a register can name only the odd ones.
		const floorGiven = floorText !== '';
		const floor = floorGiven ? parseFloor(floorText) : deriveFloor(unit);
		if (floor === null) {
			problems.push(
				floorGiven
					? `floor "${floorText}" must be a whole number from ${MIN_FLOOR} to ${MAX_FLOOR}`
					: `cannot tell the floor from unit "${unit}": add a fifth column floor`
			);
		}
		const key = `${building}\u0000${unit}`;
		const first = seen.get(key);
		if (first !== undefined) problems.push(`${building} ${unit} already appears on line ${first}`);
		else seen.set(key, line);
		if (problems.length) errors.push({ line, message: problems.join('; ') });
		else rows.push({ line, building, unit, area: area!, ownerKey, floor: floor!, floorGiven });
	});
	return { rows, errors };
}
