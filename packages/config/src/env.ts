import { z } from "zod";

/** Thrown when the environment does not satisfy an app's schema; lists every problem. */
export class EnvError extends Error {
  constructor(
    readonly app: string,
    readonly problems: string[],
  ) {
    super(`${app}: invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example.`);
    this.name = "EnvError";
  }
}

/**
 * Parses `source` (default: the process environment) with `schema`. Each app
 * calls this once, in its own `env.ts`; nothing else reads the environment.
 */
export function parseEnv<S extends z.ZodType>(
  app: string,
  schema: S,
  source: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
  );
  throw new EnvError(app, problems);
}

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL (${protocols.join(" or ")})` },
  );

/** Variables every app shares: where PostgreSQL and Redis are, logging. */
export const ZBaseEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: url(["postgres:", "postgresql:"]),
  REDIS_URL: url(["redis:", "rediss:"]),
  /** Prefix of every Redis key this deployment writes (BullMQ queues, leases, streams). */
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/i, "letters, digits, '-' and '_' only")
    .default("kubelab"),
});

/** A TCP port number from a string. */
export const ZPort = z.coerce.number().int().min(1).max(65535);
