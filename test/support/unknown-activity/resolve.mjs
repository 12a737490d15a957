// Module resolve hook for hook.mjs: domains/index.ts resolves to definitions.ts next to this file.
const swapped = new URL('./definitions.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  return resolved.url.endsWith('/domains/index.ts') ? { ...resolved, url: swapped } : resolved;
}
