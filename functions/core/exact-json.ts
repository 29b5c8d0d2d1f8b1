/**
 * A part of a received JSON body written out again without losing what `JSON.parse` rounds: integers
 * beyond 2^53 (numeric ids such as X's `id` or a review source's) come back digit for digit. Used where
 * one event of a signed body is kept on its own (the dead-letter queue), so the parked copy says what
 * the platform sent, not a rounded neighbour of it.
 */

/** Long integer literals are carried through the parse as strings with this prefix (a NUL, escaped). */
const MARK_IN_JSON = '\\u0000socialcare-exact-number:';
/** Integer literals with this many digits or more may not survive a round trip through a double. */
const LONG_DIGITS = 16;

/** True when the text has a long digit run anywhere: only then can a plain parse lose digits. */
export function mayLoseDigits(text: string): boolean {
  return /\d{16}/.test(text);
}

/** `JSON.parse`, except that long integer literals outside strings become marked strings. */
export function parseMarkingLongIntegers(text: string): unknown {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    const startsNumber = c === 0x2d || (c >= 0x30 && c <= 0x39);
    if (!startsNumber) continue;
    let end = i + 1;
    while (end < text.length && /[0-9.eE+-]/.test(text.charAt(end))) end++;
    const literal = text.slice(i, end);
    if (/^-?\d+$/.test(literal) && literal.replace('-', '').length >= LONG_DIGITS) {
      out += `${text.slice(from, i)}"${MARK_IN_JSON}${literal}"`;
      from = end;
    }
    i = end - 1;
  }
  return JSON.parse(out + text.slice(from));
}

/** `JSON.stringify` of a value from `parseMarkingLongIntegers`: marked literals written back as numbers. */
export function stringifyExact(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000socialcare-exact-number:(-?\d+)"/g, '$1');
}

/** The keys leading from `root` to `target` (compared by identity), or undefined when it is not in it. */
function pathTo(root: unknown, target: unknown): Array<string | number> | undefined {
  if (root === target) return [];
  const stack: Array<{ node: unknown; path: Array<string | number> }> = [{ node: root, path: [] }];
  while (stack.length) {
    const { node, path } = stack.pop() as { node: unknown; path: Array<string | number> };
    if (typeof node !== 'object' || node === null) continue;
    const entries: Array<[string | number, unknown]> = Array.isArray(node)
      ? node.map((v, i) => [i, v])
      : Object.entries(node);
    for (const [key, child] of entries) {
      if (child === target) return [...path, key];
      if (typeof child === 'object' && child !== null) stack.push({ node: child, path: [...path, key] });
    }
  }
  return undefined;
}

/**
 * The JSON of `part`, an object inside `parsed` (what `JSON.parse(text)` gave), written from `text`
 * itself so that long integers keep every digit. Falls back to `JSON.stringify(part)` when `part` is not
 * found in `parsed` (a normalizer built it) or the text has no long digit run.
 */
export function exactJsonOf(part: unknown, parsed: unknown, text: string): string {
  // A body that spells the mark itself is written the plain way rather than misread.
  if (!mayLoseDigits(text) || text.includes('socialcare-exact-number')) return JSON.stringify(part);
  const path = pathTo(parsed, part);
  if (!path) return JSON.stringify(part);
  let exact: unknown = parseMarkingLongIntegers(text);
  for (const key of path) exact = (exact as Record<string | number, unknown>)[key];
  return stringifyExact(exact);
}
