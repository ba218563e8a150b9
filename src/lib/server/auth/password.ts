import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); the Lucia guide's parameters.
const options = { memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

/** A hash to verify against when the user does not exist, so timing does not tell. */
let dummyHash: Promise<string> | null = null;
export function burnVerify(password: string): Promise<boolean> {
	dummyHash ??= hashPassword('yishi-dummy-password');
	return dummyHash.then((h) => verifyPassword(h, password)).then(() => false);
}

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
