/**
 * One instance per process, made on first use. Next bundles middleware and route handlers
 * separately, so a module-level instance would exist once per bundle; globalThis is shared by all.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  const shared = globalThis as Record<symbol, unknown>;
  const key = Symbol.for(`bastion.${name}`);
  if (!(key in shared)) shared[key] = create();
  return shared[key] as T;
}

/** Makes `value` the process's instance of `name`, replacing any earlier one (a restarted server's). */
export function publishProcessSingleton<T>(name: string, value: T): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for(`bastion.${name}`)] = value;
}

/** The instance if it was made already, else undefined: for closing what was opened, and only that. */
export function existingProcessSingleton<T>(name: string): T | undefined {
  return (globalThis as Record<symbol, unknown>)[Symbol.for(`bastion.${name}`)] as T | undefined;
}
