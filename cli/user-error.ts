// An error caused by what the user asked for (a bad flag, an unknown pipeline): printed as one line.
export class UserError extends Error {
  override name = 'UserError';
}
