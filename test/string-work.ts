// Counts the work a string function does without looking at the clock: every call into the
// engine's string primitives (regexes, normalisation, grapheme segmentation, UTF-8 measuring)
// costs one plus the length of the text it is handed. A function that re-reads its input, or
// reads more of it than it needs, shows up here as a count that grows faster than the input.
// Backtracking inside one regex call is invisible to this count: the regexp lint rules refuse it.

type Method = (this: unknown, ...args: unknown[]) => unknown;
type Size = (self: unknown, args: unknown[]) => number;

const lengthOf = (value: unknown) => (typeof value === 'string' ? value.length : String(value).length);
const firstArgument: Size = (_self, args) => lengthOf(args[0]);
const receiver: Size = (self) => lengthOf(self);

/** A regex call reads from lastIndex (global and sticky regexes) to the end of the text at most. */
const regexInput: Size = (self, args) => {
  const regex = self as RegExp;
  return lengthOf(args[0]) - (regex.global || regex.sticky ? regex.lastIndex : 0);
};

const METERED: [owner: object, key: string | symbol, size: Size][] = [
  [RegExp.prototype, Symbol.replace, firstArgument],
  [RegExp.prototype, Symbol.split, firstArgument],
  [RegExp.prototype, Symbol.match, firstArgument],
  [RegExp.prototype, Symbol.matchAll, firstArgument],
  [RegExp.prototype, 'exec', regexInput],
  [RegExp.prototype, 'test', regexInput],
  [String.prototype, 'normalize', receiver],
  [Intl.Segmenter.prototype, 'segment', firstArgument],
  [Buffer, 'byteLength', firstArgument],
];

/** Runs `run` synchronously and returns the work it handed to string primitives. */
export function countStringWork(run: () => unknown): number {
  let work = 0;
  let depth = 0;
  const originals = METERED.map(([owner, key, size]) => {
    const original = Reflect.get(owner, key) as Method;
    const metered = function (this: unknown, ...args: unknown[]) {
      // A primitive that calls another (replace calls exec) is counted once, at the outer call.
      if (depth === 0) work += 1 + size(this, args);
      depth++;
      try {
        return original.apply(this, args);
      } finally {
        depth--;
      }
    };
    Reflect.set(owner, key, metered);
    return () => Reflect.set(owner, key, original);
  });
  try {
    run();
  } finally {
    for (const restore of originals) restore();
  }
  return work;
}
