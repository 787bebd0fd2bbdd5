// zk:// URLs as Mysos takes them (--zk_url "zk://username:password@servers/path").
import { describe, expect, it } from 'vitest';
import { describeZkUrl, parseZkUrl } from '../../src/discovery/zk-url.js';

describe('parseZkUrl', () => {
  it('reads one server with a port and a path', () => {
    expect(parseZkUrl('zk://10.0.0.5:2181/mysos')).toEqual({
      servers: ['10.0.0.5:2181'],
      path: '/mysos',
    });
  });

  it('reads an ensemble, defaults the port to 2181, brackets IPv6, and drops a trailing slash', () => {
    expect(parseZkUrl('zk://zk1.example,zk2.example:2182,[fd00::1]:2183/a/b/')).toEqual({
      servers: ['zk1.example:2181', 'zk2.example:2182', '[fd00::1]:2183'],
      path: '/a/b',
    });
  });

  it('takes the root when no path is given', () => {
    expect(parseZkUrl('zk://127.0.0.1:2181').path).toBe('/');
  });

  it('reads percent-encoded digest credentials, and never shows the password when described', () => {
    const url = parseZkUrl('zk://mysos:s%40cret@127.0.0.1:2181/mysos');
    expect(url.credentials).toEqual({ user: 'mysos', password: 's@cret' });
    expect(describeZkUrl(url)).toBe('zk://mysos:***@127.0.0.1:2181/mysos');
  });

  it.each([
    ['', /is empty/],
    ['http://10.0.0.5:2181/mysos', /must start with zk:\/\/ \(got http:\)/],
    ['10.0.0.5:2181/mysos', /must start with zk:\/\//],
    ['zk:///mysos', /names no server/],
    [
      'zk://10.0.0.5:99999/mysos',
      /server 1 .*port must be a number from 1 to 65535 \(got "99999"\)/,
    ],
    ['zk://a,10.0.0.5:x/mysos', /server 2 .*port must be a number/],
    ['zk://fd00::1/mysos', /bracket an IPv6 address/],
    ['zk://[fd00::1/mysos', /"\[" without "\]"/],
    ['zk://bad_host!/mysos', /is not a host name or address/],
    ['zk://10.0.0.5/a//b', /path segment 2 .* is empty/],
    ['zk://10.0.0.5/a/../b', /may not be "\." or "\.\."/],
    ['zk://10.0.0.5/zookeeper', /reserved name/],
    ['zk://10.0.0.5/mysos?x=1', /query or a fragment/],
    [`zk://10.0.0.5/${'a'.repeat(3000)}`, /longer than 2048/],
  ])('refuses %j with a clear error', (url, message) => {
    expect(() => parseZkUrl(url)).toThrow(message);
  });

  it('never repeats the password in an error', () => {
    let message = '';
    try {
      parseZkUrl('zk://user:%E0%A4%A@10.0.0.5/mysos');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/password is empty or badly percent-encoded/);
    expect(message).not.toContain('%E0');
  });
});
