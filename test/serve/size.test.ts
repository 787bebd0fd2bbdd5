// Mysos' instance sizes: data sizes as twitter.common.quantity's parse_data reads them
// (1024-based, whole numbers, k/kb/m/mb/g/gb/t/tb) and the minimums from
// mysos/scheduler/launcher.py (EXECUTOR_*_EPSILON), strictly exceeded.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIZE,
  formatDataSize,
  parseDataSize,
  parseSize,
  sizeConstraints,
} from '../../src/serve/size.js';

describe('data sizes', () => {
  it.each([
    ['512', 512],
    ['1k', 1024],
    ['1KB', 1024],
    ['512mb', 512 * 1024 ** 2],
    ['2g', 2 * 1024 ** 3],
    ['3Gb', 3 * 1024 ** 3],
    ['1tb', 1024 ** 4],
  ])('reads %s as %d bytes (1024-based)', (text, bytes) => {
    expect(parseDataSize(text)).toBe(bytes);
  });

  it.each(['5.5gb', '1 gb', '-1mb', 'mb', '1pb', '1xb', '', '1e3mb', '9999999999999999tb'])(
    'refuses %j',
    (text) => {
      expect(parseDataSize(text)).toBeUndefined();
    },
  );

  it('prints sizes in the largest whole unit', () => {
    expect(formatDataSize(512 * 1024 ** 2)).toBe('512 MiB');
    expect(formatDataSize(1536 * 1024)).toBe('1536 KiB');
    expect(formatDataSize(1000)).toBe('1000 B');
  });
});

describe('the size field', () => {
  it('defaults to Mysos\' {"mem": "512mb", "disk": "2gb", "cpus": 1.0} when absent or empty', () => {
    expect(parseSize(undefined)).toEqual({ ok: true, size: DEFAULT_SIZE });
    expect(parseSize('')).toEqual({ ok: true, size: DEFAULT_SIZE });
    expect(sizeConstraints(DEFAULT_SIZE)).toBe('cores=1 mem=512M root-disk=2048M');
  });

  it('takes cpus as a number or a numeric string, as Python float() does', () => {
    const a = parseSize('{"cpus": "0.5", "mem": "1gb", "disk": "1gb"}');
    expect(a).toEqual({ ok: true, size: { cpus: 0.5, memBytes: 1024 ** 3, diskBytes: 1024 ** 3 } });
  });

  it.each([
    ['[1, 2]', 'not a JSON object'],
    ['null', 'not a JSON object'],
    ['{"cpus": "NaN", "mem": "1gb", "disk": "1gb"}', "'cpus' must be a number"],
    ['{"cpus": 1e999, "mem": "1gb", "disk": "1gb"}', "'cpus' must be a number"],
    ['{"cpus": 1, "mem": 1024, "disk": "1gb"}', "'mem' must be a string"],
  ])('refuses %s', (text, message) => {
    const result = parseSize(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });

  it('names every dimension at or under its minimum', () => {
    const result = parseSize('{"cpus": 0, "mem": "32m", "disk": "1m"}');
    expect(result).toEqual({
      ok: false,
      error:
        "Instance 'size' too small (cpus 0 is not more than 0.01; mem 32m is not more than 32 MB; disk 1m is not more than 1 MB). " +
        'It should be larger than what Mysos executor consumes: (cpus, mem, disk) = (0.01, 32 MB, 1 MB)',
    });
  });
});
