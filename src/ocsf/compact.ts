/** A copy of `o` without its undefined members, so built events hold only what was given. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  // A fresh object rather than `delete`, which would push V8 objects into slow dictionary mode.
  const out: Record<string, unknown> = {};
  for (const key in o) if (o[key] !== undefined) out[key] = o[key];
  return out as T;
}
