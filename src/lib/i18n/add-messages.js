// Merges message keys into the locale files without clobbering keys others added meanwhile.
// Usage: node src/lib/i18n/add-messages.js <file.json>  where the file is
// { "zh-CN": { "key": "…" }, "zh-TW": { … }, "en": { … } }
import { readFileSync, writeFileSync } from 'node:fs';

const additions = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8'));
for (const [locale, messages] of Object.entries(additions)) {
	const path = new URL(`./messages/${locale}.json`, import.meta.url);
	const current = JSON.parse(readFileSync(path, 'utf8'));
	writeFileSync(path, JSON.stringify({ ...current, ...messages }, null, '\t') + '\n');
}
