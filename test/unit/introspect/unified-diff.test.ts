import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../src/main/introspect/unified-diff';

describe('unified diff preview', () => {
  it('is empty for equal texts', () => expect(unifiedDiff('a\nb\n', 'a\nb\n', 'x.ts')).toBe(''));

  it('shows one hunk with context for a change in the middle', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n') + '\n';
    const after = ['1', '2', '3', '4', 'five', '6', '7', '8', '9'].join('\n') + '\n';
    expect(unifiedDiff(before, after, 'x.ts')).toBe(
      ['--- a/x.ts', '+++ b/x.ts', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8', ''].join('\n'),
    );
  });

  it('treats a new file as all additions', () => {
    expect(unifiedDiff('', 'a\nb\n', 'n.ts')).toBe(['--- /dev/null', '+++ b/n.ts', '@@ -0,0 +1,2 @@', '+a', '+b', ''].join('\n'));
  });

  it('splits distant changes into separate hunks', () => {
    const a = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const b = [...a];
    b[2] = 'X';
    b[25] = 'Y';
    const d = unifiedDiff(a.join('\n') + '\n', b.join('\n') + '\n', 'f');
    expect(d.match(/^@@/gm)).toHaveLength(2);
  });
});
