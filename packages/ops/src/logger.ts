import { type Logger, pino } from "pino";

export type { Logger };

/** A JSON logger (one line per record) tagged with the service name. */
export function createLogger(service: string, level = "info"): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
