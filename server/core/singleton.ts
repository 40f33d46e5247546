/**
 * One instance per process, made on first use. Next bundles middleware and route handlers
 * separately, so a module-level instance would exist once per bundle; globalThis is shared by all.
 */
const shared = globalThis as Record<symbol, unknown>;
const keyOf = (name: string) => Symbol.for(`bastion.${name}`);

export function processSingleton<T>(name: string, create: () => T): T {
  const key = keyOf(name);
  if (!(key in shared)) shared[key] = create();
  return shared[key] as T;
}

/** Makes `value` the process's instance of `name`, replacing any earlier one (a restarted server's). */
export function publishProcessSingleton<T>(name: string, value: T): void {
  shared[keyOf(name)] = value;
}

/** The instance if it was made or published already, else undefined (nothing is made). */
export function existingProcessSingleton<T>(name: string): T | undefined {
  return shared[keyOf(name)] as T | undefined;
}
