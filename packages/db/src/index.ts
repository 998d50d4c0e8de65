export { createDatabase, type Database } from "./client";
export * from "./generated/client";
