import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from './options';

const modules = ['files', 'webhooks', 'two-factor', 'passkeys'];

describe('parseFlags', () => {
  it('leaves every question open when no flag answers it', () => {
    expect(parseFlags(['my-app'], modules)).toEqual({
      directory: 'my-app', modules: undefined, throttleStore: undefined, install: undefined, git: undefined,
      yes: false, help: false,
    });
  });

  it('keeps exactly the listed modules, and none for an empty list', () => {
    expect(parseFlags(['--modules=files,passkeys'], modules).modules).toEqual(['files', 'passkeys']);
    expect(parseFlags(['--modules='], modules).modules).toEqual([]);
  });

  it('keeps every module but those left out with --no-<module>', () => {
    expect(parseFlags(['--no-webhooks', '--no-passkeys'], modules).modules).toEqual(['files', 'two-factor']);
  });

  it('reads the throttle store, install and git answers and -y', () => {
    const flags = parseFlags(['--throttle-store=redis', '--no-install', '--git', '-y'], modules);
    expect(flags).toMatchObject({ throttleStore: 'redis', install: false, git: true, yes: true });
  });

  it.each([
    [['--modules=files,chat']],
    [['--throttle-store=memcached']],
    [['--install', '--no-install']],
    [['--modules=files', '--no-webhooks']],
    [['--no-instal']],
    [['one', 'two']],
  ])('refuses %j with a usage error', (args) => {
    expect(() => parseFlags(args, modules)).toThrow(UsageError);
  });
});
