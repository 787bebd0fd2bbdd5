// An object built the first time something reads it: for module-level values (zod schemas)
// that cost a hook start time to build but that most hooks never use.

/**
 * A stand-in for the object `build()` returns, built on the first read, `in` test, write or
 * key listing, and used for everything from then on: methods, getters and `instanceof` behave
 * as on the object itself (they run on it, not on the stand-in). Only Object.isFrozen-style
 * questions about the stand-in differ: its properties report as configurable.
 * @example
 * export const viewSchema = lazyObject(() => z.object({ generation: z.number() }));
 */
export function lazyObject<T extends object>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => {
    built ??= build();
    return built;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(real(), key),
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // A proxy may not report a property as non-configurable that its (empty) target lacks.
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
  });
}
