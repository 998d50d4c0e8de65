/** metrics-server: manifests, the scraper/server component, usage model, `kubectl top` output. */
export * from "./manifests";
export * from "./messages";
export * from "./metrics-server";
export * from "./metrics-types";
export * from "./top";
export * from "./usage";
