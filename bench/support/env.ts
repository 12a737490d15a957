// The environment for `refinery` processes a benchmark starts: only what it names, plus PATH/HOME.
export function stackEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, REFINERY_HOME: '/nonexistent-refinery-home', TEMPORAL_ADDRESS: '127.0.0.1:1', ...vars };
}
