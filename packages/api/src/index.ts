export type { Context, SessionUser } from "./context";
export { type AppRouter, appRouter, createCaller } from "./root";
