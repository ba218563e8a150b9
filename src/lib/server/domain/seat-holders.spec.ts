import { describe, expect, it } from 'vitest';
import {
	canHoldSeat,
	castTargets,
	holdersOf,
	overCap,
	revocable,
	seatsHeld,
	type Holdings,
	type ProxyGrant
} from './seat-holders';

const proxy = (over: Partial<ProxyGrant> = {}): ProxyGrant => ({
	id: 'p1',
	voteId: null,
	ownerKeys: ['owner-A'],
	holderId: 'bob',
	status: 'active',
	...over
});

const holdings = (over: Partial<Holdings> = {}): Holdings => ({
	voteId: 'v1',
	eligible: new Set(['owner-A', 'owner-B', 'owner-C']),
	claims: [
		{ ownerKey: 'owner-A', participantId: 'alice', role: 'owner' },
		{ ownerKey: 'owner-B', participantId: 'bob', role: 'owner' }
	],
	proxies: [proxy()],
	...over
});

describe('seat holders', () => {
	it('[SEAT-1] only owners and residents hold a household seat', () => {
		for (const role of ['owner', 'resident']) expect(canHoldSeat(role)).toBe(true);
		for (const role of ['expert', 'enterprise', 'property', 'observer', 'moderator'])
			expect(canHoldSeat(role)).toBe(false);
		const h = holdings({
			claims: [{ ownerKey: 'owner-C', participantId: 'eve', role: 'expert' }],
			proxies: []
		});
		expect(seatsHeld(h, 'eve')).toEqual([]);
	});

	it('[SEAT-2] a proxy holds the appointer’s seat beside their own', () => {
		expect(seatsHeld(holdings(), 'bob')).toEqual([
			{ ownerKey: 'owner-B', proxyId: null },
			{ ownerKey: 'owner-A', proxyId: 'p1' }
		]);
		// …and the owner still holds it too: whoever casts first spends it.
		expect(seatsHeld(holdings(), 'alice')).toEqual([{ ownerKey: 'owner-A', proxyId: null }]);
	});

	it('[SEAT-3] pending (unconfirmed paper), revoked and other-vote appointments hold nothing', () => {
		for (const p of [
			proxy({ status: 'pending' }),
			proxy({ status: 'revoked' }),
			proxy({ voteId: 'v2' }),
			proxy({ holderId: null })
		]) {
			expect(seatsHeld(holdings({ proxies: [p] }), 'bob')).toEqual([
				{ ownerKey: 'owner-B', proxyId: null }
			]);
		}
		expect(seatsHeld(holdings({ proxies: [proxy({ voteId: 'v1' })] }), 'bob')).toHaveLength(2);
	});

	it('[SEAT-4] without a seat named, a cast goes to every held seat without a ballot', () => {
		const held = seatsHeld(holdings(), 'bob');
		expect(castTargets(held, new Map(), false)).toEqual(held);
		// The owner voted first: the seat is taken back for this vote.
		expect(castTargets(held, new Map([['owner-A', null]]), false)).toEqual([
			{ ownerKey: 'owner-B', proxyId: null }
		]);
		expect(
			castTargets(
				held,
				new Map([
					['owner-A', null],
					['owner-B', null]
				]),
				false
			)
		).toBe('already_voted');
	});

	it('[SEAT-5] a named seat must be held; an owner cannot overwrite their proxy’s ballot', () => {
		const bob = seatsHeld(holdings(), 'bob');
		expect(castTargets(bob, new Map(), false, 'owner-A')).toEqual([
			{ ownerKey: 'owner-A', proxyId: 'p1' }
		]);
		expect(castTargets(bob, new Map(), false, 'owner-C')).toBe('not_your_seat');
		const alice = seatsHeld(holdings(), 'alice');
		// The proxy voted: even in a changeable vote the owner's hand is not the proxy's.
		expect(castTargets(alice, new Map([['owner-A', 'p1']]), true)).toBe('already_voted');
		expect(castTargets(alice, new Map([['owner-A', null]]), true)).toEqual(alice);
		expect(castTargets([], new Map(), false)).toBe('no_seat');
	});

	it('[SEAT-6] the cap counts the seats one person holds by proxy', () => {
		const many = [
			proxy({ id: 'a', ownerKeys: ['k1', 'k2'] }),
			proxy({ id: 'b', ownerKeys: ['k3', 'k4'] })
		];
		expect(overCap(many, 'bob', ['k5'], 5)).toBe(false);
		expect(overCap(many, 'bob', ['k5', 'k6'], 5)).toBe(true);
		expect(
			overCap([...many, proxy({ id: 'c', status: 'revoked', ownerKeys: ['k7'] })], 'bob', ['k5'], 5)
		).toBe(false);
		expect(overCap(many, 'carol', ['k5', 'k6'], 5)).toBe(false);
	});

	it('[SEAT-7] revocation: refused once a seat of a one-vote appointment has a ballot', () => {
		const p = proxy({ voteId: 'v1' });
		expect(revocable(p, [])).toBe(true);
		expect(revocable(p, [{ voteId: 'v1', ownerKey: 'owner-A', proxyId: 'p1', open: true }])).toBe(
			false
		);
		// The owner's own ballot also spends the seat for that vote.
		expect(revocable(p, [{ voteId: 'v1', ownerKey: 'owner-A', proxyId: null, open: true }])).toBe(
			false
		);
		expect(revocable(p, [{ voteId: 'v2', ownerKey: 'owner-A', proxyId: null, open: true }])).toBe(
			true
		);
	});

	it('[SEAT-8] a session appointment may be revoked once its ballots are in closed votes', () => {
		const p = proxy();
		expect(revocable(p, [{ voteId: 'v1', ownerKey: '', proxyId: 'p1', open: true }])).toBe(false);
		expect(revocable(p, [{ voteId: 'v1', ownerKey: '', proxyId: 'p1', open: false }])).toBe(true);
	});

	it('[SEAT-9] the holders of seats without a ballot: owners and the proxies acting for them', () => {
		const h = holdings({
			proxies: [
				proxy(),
				proxy({ id: 'p2', ownerKeys: ['owner-C'], holderId: 'carol' }),
				proxy({ id: 'p3', ownerKeys: ['owner-C'], holderId: 'dan', status: 'pending' }),
				proxy({ id: 'p4', ownerKeys: ['owner-A'], holderId: 'erin', voteId: 'v2' })
			]
		});
		expect(holdersOf(h, new Set(['owner-A']))).toEqual(new Set(['alice', 'bob']));
		// owner-C never claimed a seat: only the confirmed proxy holding it is reached.
		expect(holdersOf(h, new Set(['owner-C']))).toEqual(new Set(['carol']));
		expect(holdersOf(h, new Set(['owner-B']))).toEqual(new Set(['bob']));
		expect(holdersOf(h, new Set())).toEqual(new Set());
	});
});
