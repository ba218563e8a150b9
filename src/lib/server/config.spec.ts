import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config';

describe('readConfig', () => {
	it('defaults to port 3000, all interfaces, ORIGIN from the port, embedded store', () => {
		const c = readConfig({});
		expect(c).toMatchObject({
			port: 3000,
			host: '0.0.0.0',
			origin: 'http://localhost:3000',
			dataDir: './data'
		});
		expect(c.databaseUrl).toBeUndefined();
		expect(c.secureCookies).toBe(false);
		// Prepared statements on Postgres unless a pooler needs them off; no test clock.
		expect(c.databasePrepare).toBe(true);
		expect(c.testClock).toBe(false);
	});

	it('turns prepared statements off and the test clock on only when asked', () => {
		expect(readConfig({ DATABASE_PREPARE: '0' }).databasePrepare).toBe(false);
		expect(readConfig({ YISHI_TEST_CLOCK: '1' }).testClock).toBe(true);
		expect(readConfig({ YISHI_TEST_CLOCK: 'yes' }).testClock).toBe(false);
	});

	it('starts the test clock at YISHI_TEST_CLOCK_AT only with the test clock on', () => {
		const at = '2026-06-01T08:00:00.000Z';
		expect(
			readConfig({ YISHI_TEST_CLOCK: '1', YISHI_TEST_CLOCK_AT: at }).testClockAt?.toISOString()
		).toBe(at);
		// A production node never starts with a moved clock, whatever its environment says.
		expect(readConfig({ YISHI_TEST_CLOCK_AT: at }).testClockAt).toBeUndefined();
		expect(() => readConfig({ YISHI_TEST_CLOCK: '1', YISHI_TEST_CLOCK_AT: 'soon' })).toThrow(
			/YISHI_TEST_CLOCK_AT/
		);
	});

	it('derives the origin from PORT and marks cookies Secure for https origins', () => {
		expect(readConfig({ PORT: '8080' }).origin).toBe('http://localhost:8080');
		const c = readConfig({ ORIGIN: 'https://yishi.example.cn/' });
		expect(c.origin).toBe('https://yishi.example.cn');
		expect(c.secureCookies).toBe(true);
	});

	it('fails fast naming the variable that is wrong', () => {
		expect(() => readConfig({ PORT: 'abc' })).toThrow(/PORT/);
		expect(() => readConfig({ ORIGIN: 'ftp://x' })).toThrow(ConfigError);
		expect(() => readConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
		expect(() => readConfig({ YISHI_ADMIN_PASSWORD: 'short' })).toThrow(/YISHI_ADMIN_PASSWORD/);
	});
	it('REDIS_URL needs DATABASE_URL and a redis:// URL', () => {
		expect(() => readConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/DATABASE_URL/);
		expect(() => readConfig({ REDIS_URL: 'http://x', DATABASE_URL: 'postgres://p@h/db' })).toThrow(
			ConfigError
		);
		expect(
			readConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://p@h/db' })
				.redisUrl
		).toBe('redis://127.0.0.1:6379');
		expect(readConfig({}).redisUrl).toBeUndefined();
	});
});
