import { describe, expect, it } from 'vitest';
import { makeSnippet, parseQuery, tokenize, tsvectorLiteral } from './search-tokens';

describe('Chinese search tokens', () => {
	it('[SEARCH-1] a sentence yields its words, characters and bigrams', () => {
		const tokens = tokenize('加装电梯的费用');
		expect(tokens).toEqual(expect.arrayContaining(['电梯', '费用', '装电', '梯的', '加']));
	});

	it('[SEARCH-2] a query matches every bigram of a Han run, prefixes of other words', () => {
		expect(parseQuery('电梯').tsquery).toBe("'电梯'");
		expect(parseQuery('加装电梯').tsquery).toBe("'加装' & '装电' & '电梯'");
		expect(parseQuery('楼').tsquery).toBe("'楼'");
		expect(parseQuery('WiFi 密码').tsquery).toBe("'wifi':* & '密码'");
		expect(parseQuery('，。！').tsquery).toBeNull();
	});

	it('[SEARCH-3] every bigram of a query is in the document it came from', () => {
		const text = '我家住在一楼，晚上楼道里黑漆漆的';
		const tokens = new Set(tokenize(text));
		for (const q of ['黑漆漆', '楼道', '一楼', '晚上楼道']) {
			const lexemes = parseQuery(q)
				.tsquery!.split(' & ')
				.map((l) => l.slice(1, -1));
			expect(lexemes.every((l) => tokens.has(l))).toBe(true);
		}
	});

	it('[SEARCH-4] the tsvector literal quotes lexemes and weighs title words A', () => {
		const { literal } = tsvectorLiteral("it's", '电梯');
		expect(literal).toContain("'it''s':1A");
		expect(literal).toMatch(/'电梯':\d+/);
	});

	it('[SEARCH-5] the snippet holds the words found, marked', () => {
		const text = `${'前文'.repeat(40)}晚上楼道里黑漆漆的${'后文'.repeat(40)}`;
		const { snippet, highlights } = makeSnippet(text, ['黑漆漆']);
		expect(snippet).toContain('黑漆漆');
		expect(snippet.startsWith('…')).toBe(true);
		const [a, b] = highlights[0]!;
		expect(snippet.slice(a, b)).toBe('黑漆漆');
	});
});
