import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, ZBaseEnv } from "./env";

const valid = { DATABASE_URL: "postgresql://u@127.0.0.1:5432/db", REDIS_URL: "redis://127.0.0.1:6379" };

describe("parseEnv", () => {
  it("applies defaults to a minimal environment", () => {
    const env = parseEnv("test", ZBaseEnv, valid);
    expect(env).toMatchObject({ LOG_LEVEL: "info", REDIS_PREFIX: "kubelab", NODE_ENV: "development" });
  });

  it("names every invalid variable in one error", () => {
    let error: unknown;
    try {
      parseEnv("web", ZBaseEnv, { DATABASE_URL: "mysql://x", REDIS_PREFIX: "a b" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).toContain("web: invalid environment");
    expect(message).toContain("DATABASE_URL");
    expect(message).toContain("REDIS_URL");
    expect(message).toContain("REDIS_PREFIX");
  });
});
