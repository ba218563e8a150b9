/**
 * 长辈版 (large mode): the cookie that remembers it, read by the server so the first paint is
 * already large (no flash), and written by the switch in the page header.
 */
export const LARGE_COOKIE = 'yishi_large';
/** A year: the choice belongs to the phone, not to one visit. */
export const LARGE_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;
/** The placeholder in `src/app.html` the server replaces with the attribute (or nothing). */
export const LARGE_PLACEHOLDER = '%yishi.large%';

export const isLarge = (value: string | undefined | null) => value === '1';
