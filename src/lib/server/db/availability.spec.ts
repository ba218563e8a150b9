import { describe, expect, it } from 'vitest';
import { isStoreUnavailable } from './availability';
import { isPostgresWriteBug } from './client';

describe('telling a lost database from a bug', () => {
	it('[STORE-1] connection failures of postgres.js and Postgres shutdowns count as unavailable', () => {
		for (const code of ['ECONNREFUSED', 'CONNECTION_CLOSED', 'CONNECT_TIMEOUT', '57P01', '57P03'])
			expect(isStoreUnavailable(Object.assign(new Error('x'), { code }))).toBe(true);
		// drizzle wraps the driver's error as its cause.
		const wrapped = new Error('Failed query', {
			cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })
		});
		expect(isStoreUnavailable(wrapped)).toBe(true);
	});

	it('[STORE-2] constraint violations and plain bugs are not', () => {
		expect(isStoreUnavailable(Object.assign(new Error('dup'), { code: '23505' }))).toBe(false);
		expect(isStoreUnavailable(new RangeError('bad'))).toBe(false);
		expect(isStoreUnavailable(null)).toBe(false);
	});

	it('[STORE-3] the postgres.js nextWrite crash is recognised, other TypeErrors are not', () => {
		const bug = new TypeError("Cannot read properties of null (reading 'write')");
		bug.stack = `${bug.message}\n    at nextWrite (node_modules/postgres/src/connection.js:255:22)`;
		expect(isPostgresWriteBug(bug)).toBe(true);
		const other = new TypeError("Cannot read properties of undefined (reading 'x')");
		expect(isPostgresWriteBug(other)).toBe(false);
	});
});
