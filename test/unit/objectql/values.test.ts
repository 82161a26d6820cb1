/** The per-column fast forms of `canonical` return exactly what `canonical` returns, value for value. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { canonical, canonicalFor, Dec, type ValueKind } from '../../../src/main/objectql/values';

const KINDS: ValueKind[] = ['text', 'number', 'decimal', 'boolean', 'date', 'datetime', 'time', 'json'];

/** The decimal text rule as a regular expression: the specification the character scan must match. */
function fixedScaleSpec(s: string, scale: number): string | undefined {
  const m = /^(-?)(0|[1-9]\d*)(?:\.(\d*))?$/.exec(s);
  if (!m) return undefined;
  const [, sign, int, frac = ''] = m;
  if (frac.length > scale) return undefined;
  const digits = scale > 0 ? `${int}.${frac.padEnd(scale, '0')}` : int!;
  return sign && /[1-9]/.test(int! + frac) ? `-${digits}` : digits;
}

const decimalText = fc.oneof(
  fc.stringMatching(/^-?(0|[1-9]\d{0,12})(\.\d{0,6})?$/),
  fc.stringMatching(/^-?0*\d{0,3}\.?\d{0,4}[e.]?\d?$/),
  fc.constantFrom('', '-', '.', '-0', '-0.00', '0.', '5.', '-.5', '00.1', '1e5', ' 1.5', '1.5 ', '+1', '-0.0001'),
);
const datetimeText = fc.oneof(
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19)),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.stringMatching(/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,7})?)?(Z|[+-]\d\d:?\d\d)?$/),
  fc.string({ minLength: 19, maxLength: 19 }),
  fc.constantFrom('2024-01-01T00:00:0 ', ' 2024-01-01T00:00:00', '2024-01-01 00:00:00', '2024-01-01T00:00 ', '2024-01-01x00:00:00'),
);
const anyValue = fc.oneof(
  fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), decimalText, datetimeText,
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.date({ noInvalidDate: true }), fc.uint8Array({ maxLength: 8 }),
);

it('canonical(decimal) agrees with the regular-expression rule (and decimal.js) on decimal text', () => {
  fc.assert(
    fc.property(decimalText, fc.integer({ min: 0, max: 6 }), (s, scale) => {
      const spec = fixedScaleSpec(s, scale);
      let viaDec: string | undefined;
      try {
        viaDec = new Dec(s).toFixed(scale);
      } catch {
        viaDec = undefined;
      }
      let got: unknown;
      try {
        got = canonical('decimal', scale, s);
      } catch {
        got = undefined;
      }
      expect(got).toBe(spec ?? viaDec);
    }),
    { numRuns: 5000 },
  );
});

it('canonicalFor(kind, scale) returns what canonical(kind, scale, v) returns', () => {
  fc.assert(
    fc.property(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 6 }), anyValue, (kind, scale, v) => {
      let want: unknown;
      let wantErr = false;
      try {
        want = canonical(kind, scale, v);
      } catch {
        wantErr = true;
      }
      if (wantErr) expect(() => canonicalFor(kind, scale)(v)).toThrow();
      else expect(canonicalFor(kind, scale)(v)).toEqual(want);
    }),
    { numRuns: 20000 },
  );
});

it('a double read as a decimal is what decimal.js makes of it, at every scale', () => {
  const doubles = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: -10_000_000, max: 10_000_000 }).chain((n) => fc.integer({ min: 0, max: 6 }).map((d) => n / 10 ** d)),
    fc.constantFrom(-0, 0.1, 1.005, 2.675, -0.5, 1e-7, 1e21, 123456.785),
  );
  fc.assert(
    fc.property(doubles, fc.integer({ min: 0, max: 6 }), (x, scale) => {
      expect(canonical('decimal', scale, x)).toBe(new Dec(x).toFixed(scale));
    }),
    { numRuns: 5000 },
  );
});
