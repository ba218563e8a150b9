/**
 * Cost schemes as the API answers them (src/lib/protocol/REFERENCE.md §12): shared by the
 * server's services and the browser. Money in yuan as JSON numbers with at most two decimals.
 */
export interface SchemeMethod {
	kind: 'area' | 'household' | 'floor' | 'mix';
	/** 0..1, the part of the total shared by area (`mix`). */
	areaShare?: number;
	/** Floor → coefficient (`floor`, `mix`). */
	coefficients?: Record<string, number>;
	exempt?: string[];
	/** Yuan per household. */
	cap?: number;
}

export interface FloorRange {
	min: number;
	max: number;
	/** The median amount on the floor (the lower middle one). */
	typical: number;
	households: number;
}

export interface SchemeSummaryView {
	id: string;
	itemId: string;
	title: string;
	total: number;
	method: SchemeMethod;
	summary: { households: number; min: number; max: number; byFloor: Record<string, FloorRange> };
	cost?: number;
	fundBalance?: number;
	reserve?: number;
	/** `draft`: amounts follow the register; `voting`: frozen for a vote; `chosen`: a vote chose it. */
	status: 'draft' | 'voting' | 'chosen';
	voteIds: string[];
	tableHash?: string;
	/** Who proposed it: `moderator`/`admin`, or `owner`/`resident` when a participant drafted it. */
	authorRole: string;
	/** Once chosen: how collection stands (counts and sums only). */
	collection?: CollectionSummary;
}

export interface MyAmount {
	householdId: string;
	building: string;
	unit: string;
	floor: number | null;
	amount: number;
	status: 'share' | 'capped' | 'exempt' | 'zero' | 'outside';
}

export type SchemeForReader = SchemeSummaryView & { mine: MyAmount[] };

/** What anyone may read of a chosen scheme's collection: counts and sums, never a household. */
export interface CollectionSummary {
	/** Households that owe something under the scheme (exempt and zero amounts left out). */
	households: number;
	paid: number;
	outstanding: number;
	/** Yuan collected so far, and the scheme's total. */
	collected: number;
	total: number;
}

/** One row of the staff checklist. */
export interface CollectionRow {
	householdId: string;
	building: string;
	unit: string;
	floor: number;
	amount: number;
	paid: boolean;
	paidAt?: string;
}

/** Staff read the checklist with the summary; everyone else the summary alone. */
export type CollectionView = CollectionSummary & { table?: CollectionRow[] };
