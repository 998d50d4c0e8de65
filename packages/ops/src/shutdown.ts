import type { Server } from "node:http";
import type { Logger } from "./logger";

/**
 * Starts `server` on `port` and closes everything on SIGINT/SIGTERM: the
 * server stops accepting, `cleanup` releases the app's resources, and the
 * process exits 0. A second signal, or cleanup taking over 10 s, forces exit.
 */
export function listenUntilSignal(
  server: Server,
  port: number,
  logger: Logger,
  cleanup: () => Promise<void>,
  host = "0.0.0.0",
): Promise<void> {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close();
    server.closeAllConnections?.();
    try {
      await cleanup();
    } catch (error) {
      logger.error({ err: error }, "cleanup failed");
    }
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      logger.info({ port }, "listening");
      resolve();
    });
  });
}
