import { describe, expect, it } from 'vitest';
import { devOriginRedirect, devToolsAllowed, isDevToolPath } from './dev';

describe('devOriginRedirect', () => {
  it.each<[string | undefined, string, string | null]>([
    ['127.0.0.1:3000', 'http://localhost:3000', 'http://localhost:3000'],
    ['[::1]:3000', 'http://localhost:3000', 'http://localhost:3000'],
    ['localhost:3000', 'http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['localhost:3000', 'http://localhost:3000', null],
    ['127.0.0.1:3001', 'http://localhost:3000', null],
    ['evil.example:3000', 'http://localhost:3000', null],
    ['127.0.0.1:3000', 'https://dev.example.com', null],
    ['not a host', 'http://localhost:3000', null],
    [undefined, 'http://localhost:3000', null],
  ])('sends Host %s to %s\'s own origin only when both are loopback names on one port', (host, appOrigin, expected) => {
    expect(devOriginRedirect(host, appOrigin)).toBe(expected);
  });
});

describe('isDevToolPath', () => {
  it.each([
    ['/dev/mailbox', true],
    ['/dev', true],
    ['/api/trpc/dev.mailbox', true],
    ['/api/trpc/system.ping,dev.mailbox', true],
    ['/api/trpc/%64ev.mailbox', true],
    ['/api/trpc/%', true],
    ['/developers', false],
    ['/api/trpc/system.ping', false],
    ['/login', false],
  ])('%s → %s', (path, expected) => {
    expect(isDevToolPath(path)).toBe(expected);
  });
});

describe('devToolsAllowed', () => {
  const development = { nodeEnv: 'development', appOrigin: 'http://localhost:3000' };

  it('allows a loopback client that asked for the app\'s own host in development', () => {
    expect(devToolsAllowed({ clientIp: '127.0.0.1', host: 'localhost:3000' }, development)).toBe(true);
    expect(devToolsAllowed({ clientIp: '::1', host: 'localhost:3000' }, development)).toBe(true);
  });

  it('refuses a rebound name, a remote client, and every NODE_ENV but development', () => {
    expect(devToolsAllowed({ clientIp: '127.0.0.1', host: 'attacker.example:3000' }, development)).toBe(false);
    expect(devToolsAllowed({ clientIp: '127.0.0.1', host: null }, development)).toBe(false);
    expect(devToolsAllowed({ clientIp: '192.168.1.20', host: 'localhost:3000' }, development)).toBe(false);
    expect(devToolsAllowed({ clientIp: 'unknown', host: 'localhost:3000' }, development)).toBe(false);
    for (const nodeEnv of ['test', 'production', '']) {
      expect(devToolsAllowed({ clientIp: '127.0.0.1', host: 'localhost:3000' }, { ...development, nodeEnv })).toBe(false);
    }
  });
});
