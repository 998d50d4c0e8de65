export { createPgPool, createRedis } from "./connections";
export { type OpsContext, REQUEST_ID_HEADER, routeLabel, withOps } from "./http";
export { createLogger, type Logger } from "./logger";
export { createMetrics, type Metrics } from "./metrics";
export {
  checkReadiness,
  postgresCheck,
  type ReadinessCheck,
  type ReadinessReport,
  redisCheck,
} from "./readiness";
export { listenUntilSignal } from "./shutdown";
