import { describe, expect, it } from 'vitest';
import { applyPresenceDelta } from '$lib/protocol';
import { Roster } from './roster';

const row = (id: string, status = 'active', name = id.toUpperCase()) => ({
	id,
	name,
	role: 'resident',
	status
});

describe('Roster (presence deltas)', () => {
	it('sends only what was touched, with who is online', () => {
		const r = new Roster();
		r.load('s', [row('a'), row('b'), row('c', 'removed')]);
		expect(r.takeDelta('s', new Set())).toBeNull();
		r.touch('s', 'a');
		expect(r.takeDelta('s', new Set(['a']))).toEqual({
			upsert: [{ id: 'a', name: 'A', role: 'resident', muted: false, online: true }],
			remove: []
		});
		// Taken once.
		expect(r.takeDelta('s', new Set(['a']))).toBeNull();
		expect(r.list('s', new Set(['b'])).map((p) => [p.id, p.online])).toEqual([
			['a', false],
			['b', true]
		]);
	});

	it('adds newcomers, mutes and removes from their rows', () => {
		const r = new Roster();
		r.load('s', [row('a'), row('b')]);
		r.put('s', row('n'));
		r.put('s', row('a', 'muted'));
		r.put('s', row('b', 'removed'));
		const d = r.takeDelta('s', new Set(['n']))!;
		expect(d.remove).toEqual(['b']);
		expect(d.upsert).toEqual([
			{ id: 'n', name: 'N', role: 'resident', muted: false, online: true },
			{ id: 'a', name: 'A', role: 'resident', muted: true, online: false }
		]);
		expect(r.list('s', new Set()).map((p) => p.id)).toEqual(['a', 'n']);
	});

	it('a reload touches exactly the participants that differ', () => {
		const r = new Roster();
		r.load('s', [row('a'), row('b')]);
		r.load('s', [row('a'), row('b', 'muted'), row('c')]);
		const d = r.takeDelta('s', new Set())!;
		expect(d.upsert.map((p) => p.id).sort()).toEqual(['b', 'c']);
	});

	it('knows which touched participants it must read first, and forgets a dropped room', () => {
		const r = new Roster();
		r.load('s', [row('a')]);
		r.touch('s', 'a');
		r.touch('s', 'z');
		expect(r.unknownTouched('s')).toEqual(['z']);
		r.drop('s');
		expect(r.loaded('s')).toBe(false);
		expect(r.takeDelta('s', new Set())).toBeNull();
	});

	it('a client applying the deltas ends with the same list as the server', () => {
		const r = new Roster();
		r.load('s', [row('a'), row('b')]);
		let client = r.list('s', new Set(['a']));
		const online = new Set(['a', 'b']);
		r.touch('s', 'b');
		r.put('s', row('c'));
		client = applyPresenceDelta(client, r.takeDelta('s', online)!);
		online.delete('a');
		r.touch('s', 'a');
		r.put('s', row('b', 'removed'));
		client = applyPresenceDelta(client, r.takeDelta('s', online)!);
		expect(client).toEqual(r.list('s', online));
	});
});
