/**
 * Words and numbers of cost schemes: methods, yuan, the side-by-side table by floor and what
 * each scheme means for the reader's household. Pure, so the components stay about layout.
 */
import type {
	FloorRange,
	MyAmount,
	SchemeForReader,
	SchemeMethod,
	SchemeSummaryView
} from '$lib/client/cost-schemes.svelte';
import { m } from '$lib/paraglide/messages.js';

/** Yuan with two decimals and thousands separators: 1327.5 → "1,327.50". */
export function formatYuan(yuan: number): string {
	const fen = Math.round(yuan * 100);
	const sign = fen < 0 ? '-' : '';
	const abs = Math.abs(fen);
	const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
	return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

export function methodLabel(method: SchemeMethod): string {
	switch (method.kind) {
		case 'area':
			return m.cost_method_area();
		case 'household':
			return m.cost_method_household();
		case 'floor':
			return m.cost_method_floor();
		case 'mix': {
			const area = Math.round((method.areaShare ?? 0) * 10_000) / 100;
			return m.cost_method_mix({
				area: String(area),
				floor: String(Math.round((100 - area) * 100) / 100)
			});
		}
	}
}

/** The method with its exemptions and cap, e.g. "按专有面积分摊 · 免缴 2 户 · 每户最多 2,000.00 元". */
export function methodLine(method: SchemeMethod): string {
	const parts = [methodLabel(method)];
	if (method.exempt?.length) parts.push(m.cost_exempt_count({ count: method.exempt.length }));
	if (method.cap !== undefined) parts.push(m.cost_cap({ cap: formatYuan(method.cap) }));
	return parts.join(' · ');
}

export function statusLabel(status: SchemeSummaryView['status']): string {
	return {
		draft: m.cost_status_draft,
		voting: m.cost_status_voting,
		chosen: m.cost_status_chosen
	}[status]();
}

export const placeOf = (h: Pick<MyAmount, 'building' | 'unit'>) => `${h.building} ${h.unit}`;

/** The reader's line under a scheme for one of their households. */
export function mineLine(h: MyAmount): string {
	const place = placeOf(h);
	if (h.status === 'exempt') return m.cost_mine_exempt({ place });
	if (h.status === 'outside') return m.cost_mine_outside({ place });
	return m.cost_mine({ place, amount: formatYuan(h.amount) });
}

export interface CompareRow {
	floor: number;
	cells: (FloorRange | null)[];
}

/** One row per floor (highest first, as a building is read), one cell per scheme. */
export function compareRows(schemes: SchemeSummaryView[]): CompareRow[] {
	const floors = new Set<number>();
	for (const s of schemes) for (const f of Object.keys(s.summary.byFloor)) floors.add(Number(f));
	return [...floors]
		.sort((a, b) => b - a)
		.map((floor) => ({
			floor,
			cells: schemes.map((s) => s.summary.byFloor[String(floor)] ?? null)
		}));
}

export interface ForMe {
	schemeId: string;
	title: string;
	/** What the reader's households pay together under this scheme (yuan). */
	amount: number;
	/** More than the cheapest scheme for them (yuan), 0 for the cheapest. */
	more: number;
}

/** What each scheme costs the reader's households together, compared with the cheapest. */
export function forMe(schemes: SchemeForReader[]): ForMe[] {
	if (schemes.length === 0 || schemes.every((s) => s.mine.length === 0)) return [];
	const totals = schemes.map((s) => s.mine.reduce((sum, h) => sum + Math.round(h.amount * 100), 0));
	const least = Math.min(...totals);
	return schemes.map((s, i) => ({
		schemeId: s.id,
		title: s.title,
		amount: totals[i]! / 100,
		more: (totals[i]! - least) / 100
	}));
}

/** Bars for the floor chart: each floor's typical, min and max as fractions of the largest max. */
export function chartBars(scheme: SchemeSummaryView) {
	const floors = Object.entries(scheme.summary.byFloor)
		.map(([floor, range]) => ({ floor: Number(floor), ...range }))
		.sort((a, b) => b.floor - a.floor);
	const top = Math.max(0, ...floors.map((f) => f.max));
	const scale = (x: number) => (top > 0 ? x / top : 0);
	return floors.map((f) => ({
		...f,
		typicalPart: scale(f.typical),
		minPart: scale(f.min),
		maxPart: scale(f.max)
	}));
}

/** A server error in the reader's language; the server's own words fill in the detail. */
export function costErrorText(error: { code: string; message: string }): string {
	const detail = error.message;
	switch (error.code) {
		case 'invalid_total':
			return m.cost_error_invalid_total();
		case 'invalid_amount':
			return m.cost_error_invalid_amount();
		case 'invalid_method':
			return m.cost_error_invalid_method({ detail });
		case 'unknown_household':
			return m.cost_error_unknown_household({ detail });
		case 'unknown_building':
			return m.cost_error_unknown_building({ detail });
		case 'missing_coefficient':
			return m.cost_error_missing_coefficient({ detail });
		case 'cap_infeasible':
			return m.cost_error_cap_infeasible({ detail });
		case 'no_households':
			return m.cost_error_no_households();
		case 'zero_weights':
			return m.cost_error_zero_weights();
		default:
			return detail || error.code;
	}
}

/**
 * Floor coefficients as a moderator types them: "1:0, 2:1, 3-6:1.5" → {"1":0,"2":1,"3":1.5,…}.
 * Null when a part does not read.
 */
export function parseCoefficients(text: string): Record<string, number> | null {
	const out: Record<string, number> = {};
	const parts = text
		.split(/[,，;；\s]+/)
		.map((p) => p.trim())
		.filter(Boolean);
	if (parts.length === 0) return null;
	for (const part of parts) {
		const match = /^(-?\d{1,3})(?:[-~–](-?\d{1,3}))?[:：=](\d+(?:\.\d{1,4})?)$/.exec(part);
		if (!match) return null;
		const from = Number(match[1]);
		const to = match[2] === undefined ? from : Number(match[2]);
		if (to < from || to - from > 300) return null;
		for (let floor = from; floor <= to; floor++) out[String(floor)] = Number(match[3]);
	}
	return out;
}
