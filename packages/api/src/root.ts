import { clusterRouter } from "./routers/cluster-router/router";
import { healthRouter } from "./routers/health-router/router";
import { createCallerFactory, router } from "./trpc";

/** The whole tRPC API of the web app. */
export const appRouter = router({
  health: healthRouter,
  cluster: clusterRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process (server components, tests) with a given context. */
export const createCaller = createCallerFactory(appRouter);
