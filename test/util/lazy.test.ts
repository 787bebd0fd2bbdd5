// lazyObject builds its object on first use and then is that object to whoever uses it: the
// cluster-view schemas are built this way, so a hook that never reads a view never builds them.

import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { memberSchema, viewSchema } from '../../interfaces/cluster-view/schema.js';
import { lazyObject } from '../../src/util/lazy.js';

describe('lazyObject', () => {
  it('builds nothing until first used, then builds once', () => {
    let builds = 0;
    const value = lazyObject(() => {
      builds++;
      return {
        n: 1,
        twice(this: { n: number }) {
          return this.n * 2;
        },
      };
    });
    expect(builds).toBe(0);
    expect(value.twice()).toBe(2);
    expect(value.n).toBe(1);
    expect('n' in value).toBe(true);
    expect(Object.keys(value)).toEqual(['n', 'twice']);
    value.n = 5;
    expect(value.twice()).toBe(10);
    expect(builds).toBe(1);
  });

  it('is the zod schema it builds: parses, nests, infers, and answers instanceof the same', () => {
    const lazy = lazyObject(() => z.object({ port: z.number().check(z.int(), z.minimum(1)) }));
    const eager = z.object({ port: z.number().check(z.int(), z.minimum(1)) });
    for (const input of [{ port: 80 }, { port: 0 }, { port: 1.5 }, { port: '80' }, null]) {
      expect(lazy.safeParse(input)).toEqual(eager.safeParse(input));
    }
    const list = z.array(lazy);
    expect(list.safeParse([{ port: 1 }, { port: 2 }]).success).toBe(true);
    expect(list.safeParse([{ port: 1 }, { port: -2 }]).error?.issues[0]?.path).toEqual([1, 'port']);
    expect(lazy instanceof z.ZodMiniObject).toBe(true);
    const { port }: z.infer<typeof lazy> = { port: 3 };
    expect(port).toBe(3);
  });

  it('serves the cluster-view schemas as before (a member, a view with two PRIMARYs)', () => {
    const member = {
      name: 'mysql/0',
      address: '10.0.0.1',
      port: 3306,
      role: 'PRIMARY',
      mode: 'read_write',
      weight: 50,
      hidden: false,
      disconnect: false,
    };
    expect(memberSchema.safeParse(member).success).toBe(true);
    expect(memberSchema.safeParse({ ...member, extra: 1 }).success).toBe(false);
    const twoPrimaries = {
      generation: 1,
      members: [member, { ...member, name: 'mysql/1', address: '10.0.0.2' }],
    };
    expect(viewSchema.safeParse(twoPrimaries).error?.issues[0]?.message).toBe(
      'holds more than one PRIMARY',
    );
  });
});
