/**
 * Node's built-in modules without a static import (`process.getBuiltinModule`), so that the engine
 * still bundles for a browser, where there are none and this gives null.
 */
export function builtin<T>(name: string): T | null {
  const loader = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process?.getBuiltinModule;
  if (typeof loader !== 'function') return null;
  try {
    return loader(name) as T;
  } catch {
    return null;
  }
}
