/**
 * What the infrastructure promises each app, and what each app promises it:
 * the port it listens on, its health endpoints and the environment it reads
 * (the apps' env.ts files and .env.example are the other side of this list).
 */
export interface AppContract {
  /** Compose service, Kubernetes Deployment and Service name. */
  name: "web" | "worker" | "gateway";
  port: number;
  /** Environment variables the app reads; nothing else should be passed to it. */
  env: readonly string[];
  /** The subset it cannot start without. */
  requiredEnv: readonly string[];
}

const common = ["DATABASE_URL", "REDIS_URL", "REDIS_PREFIX", "LOG_LEVEL", "NODE_ENV", "PORT"] as const;

/** The three long-running apps, as the foundation issue defines them. */
export const apps: readonly AppContract[] = [
  {
    name: "web",
    port: 3000,
    env: [
      ...common,
      "NEXTAUTH_URL",
      "NEXTAUTH_SECRET",
      "GATEWAY_PUBLIC_URL",
      "TICKET_SECRET",
      "GITHUB_ID",
      "GITHUB_SECRET",
    ],
    requiredEnv: [
      "DATABASE_URL",
      "REDIS_URL",
      "PORT",
      "NEXTAUTH_URL",
      "NEXTAUTH_SECRET",
      "GATEWAY_PUBLIC_URL",
      "TICKET_SECRET",
    ],
  },
  {
    name: "worker",
    port: 3002,
    env: [...common, "PARTITIONS", "WORKER_CONCURRENCY"],
    requiredEnv: ["DATABASE_URL", "REDIS_URL", "PORT"],
  },
  {
    name: "gateway",
    port: 3001,
    env: [...common, "TICKET_SECRET"],
    requiredEnv: ["DATABASE_URL", "REDIS_URL", "PORT", "TICKET_SECRET"],
  },
];

/** Liveness: the process answers, whatever PostgreSQL and Redis do. */
export const livenessPath = "/healthz";
/** Readiness: PostgreSQL and Redis answer (503 naming the one that does not). */
export const readinessPath = "/readyz";
/** The websocket path the Ingress sends to the gateway. */
export const websocketPath = "/ws";
/** The script that applies prisma/migrations (run by compose's `migrate` and the init containers). */
export const migrateScript = "scripts/migrate.mjs";
