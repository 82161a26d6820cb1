/**
 * Loading object files collects definition errors in an AsyncLocalStorage. On Node 20 an enabled one keeps
 * promise hooks on for the whole process, which taxes every promise (and every postMessage) afterwards, so
 * it is disabled once no file is being evaluated — and files evaluated at the same time each still get
 * their own errors.
 */
import { executionAsyncId } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { collectDefinitionErrors, ObjectSchema, type DefinitionError } from '../../../src/main/metadata/authoring';

/** Async ids after an await: 0 while no promise hook is on (a promise then gets no async resource). */
async function idsAfterAwait(): Promise<number[]> {
  await null;
  const a = executionAsyncId();
  await null;
  return [a, executionAsyncId()];
}

const bad = () => ObjectSchema.create({ name: 'Not A Valid Name!', fields: {} } as never);

describe('collecting definition errors', () => {
  it('leaves promise hooks off once done', async (ctx) => {
    if ((await idsAfterAwait()).some((id) => id !== 0)) ctx.skip(); // something else in this runner keeps hooks on
    const errors: DefinitionError[] = [];
    await collectDefinitionErrors(errors, async () => {
      await null;
      bad();
    });
    expect(errors).toHaveLength(1);
    expect(await idsAfterAwait()).toEqual([0, 0]);
  });

  it('overlapping collections each get their own errors, the later one after the first finished', async () => {
    const first: DefinitionError[] = [];
    const second: DefinitionError[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = collectDefinitionErrors(second, async () => {
      await gate;
      bad();
      bad();
    });
    await collectDefinitionErrors(first, async () => {
      await null;
      bad();
    });
    release();
    await slow;
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(2);
  });
});
