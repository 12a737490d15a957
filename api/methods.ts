// 405 Method Not Allowed for a documented path asked with a method it does not have (TRACE, PUT, …),
// with the Allow header RFC 9110 requires; paths nobody documented stay 404. The methods per path
// come from the routes' own OpenAPI registrations, so the answer and /openapi.json cannot disagree.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';

interface DocumentedPath {
  pattern: RegExp;
  methods: string[];
}

/** A lookup of the methods documented for a concrete path; built once, on first use (after every route is mounted). */
export function documentedMethods<E extends Env>(app: OpenAPIHono<E>): (path: string) => string[] | undefined {
  let paths: DocumentedPath[] | undefined;
  const build = (): DocumentedPath[] => {
    const byPath = new Map<string, Set<string>>();
    for (const def of app.openAPIRegistry.definitions) {
      if (def.type !== 'route') continue;
      const methods = byPath.get(def.route.path) ?? new Set<string>();
      methods.add(def.route.method.toUpperCase());
      byPath.set(def.route.path, methods);
    }
    return [...byPath].map(([path, methods]) => ({
      // Documented paths are letters, digits, '-', '.', '/' and {parameters}.
      pattern: new RegExp(`^${path.replace(/\./g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
      // HEAD is answered wherever GET is (Hono runs the GET route without the body).
      methods: methods.has('GET') ? [...methods, 'HEAD'] : [...methods],
    }));
  };
  return (path) => {
    paths ??= build();
    return paths.find((p) => p.pattern.test(path))?.methods;
  };
}
