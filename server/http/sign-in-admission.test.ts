import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Refusal } from './refusal';
import { hashingCalls, SignInAdmission } from './sign-in-admission';

const request = (url: string) => ({ url }) as IncomingMessage;
const response = () => new EventEmitter() as unknown as ServerResponse;

describe('hashingCalls', () => {
  it.each([
    ['/api/trpc/auth.login', 1],
    ['/api/trpc/auth.login?batch=1', 1],
    ['/api/trpc/auth.login/', 1],
    ['/api/trpc/auth%2Elogin', 1],
    ['/api/trpc/auth.login%2Cauth.activate?batch=1', 2],
    ['/api/trpc/auth.me,auth.resetPassword,account.changePassword?batch=1', 2],
    ['/api/trpc/twoFactor.confirmIdentity', 1],
    ['/api/trpc/lifecycle.deleteAccount', 1],
    ['/api/trpc/auth.signup', 0],
    ['/api/trpc/passkeys.signIn', 0],
    ['/api/trpc/auth.loginx', 0],
    ['/api/trpcauth.login', 0],
    ['/login', 0],
    ['/api/trpc/%E0%A4%A', 0],
  ])('counts %s as %i', (url, calls) => {
    expect(hashingCalls(url)).toBe(calls);
  });
});

describe('SignInAdmission', () => {
  const counted: Refusal[] = [];
  const admission = () => new SignInAdmission(3, (refused) => (counted.push(refused), refused));

  it('admits hashing requests up to its capacity, refuses the next with 503 and Retry-After, and frees slots on close', () => {
    const gate = admission();
    const open = Array.from({ length: 3 }, response);
    expect(open.map((res) => gate.admit(request('/api/trpc/auth.login'), res))).toEqual([null, null, null]);
    const refused = gate.admit(request('/api/trpc/auth.login'), response());
    expect(refused).toMatchObject({ status: 503, headers: { 'Retry-After': '1', 'X-Shed-Reason': 'sign-ins' } });
    expect(counted).toContain(refused);
    expect(gate.admit(request('/api/trpc/system.ping'), response())).toBeNull();
    open[0]?.emit('close');
    expect(gate.admit(request('/api/trpc/auth.login'), response())).toBeNull();
    expect(gate.load()).toEqual({ inFlight: 3, capacity: 3, peak: 3, shed: 1 });
  });

  it('counts a batch by its hashing calls, and admits one larger than the capacity only alone', () => {
    const gate = admission();
    const batch = response();
    expect(gate.admit(request('/api/trpc/auth.login,auth.login,auth.login,auth.login?batch=1'), batch)).toBeNull();
    expect(gate.admit(request('/api/trpc/auth.login'), response())).not.toBeNull();
    batch.emit('close');
    expect(gate.load().inFlight).toBe(0);
  });
});
