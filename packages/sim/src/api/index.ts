/**
 * API machinery libraries for the simulated apiserver and its clients: pure functions over
 * plain JSON, no simulation state. See each module for its Kubernetes source.
 */
export * from "./apply";
export * from "./crd";
export * from "./defaults";
export * from "./field-errors";
export * from "./names-generate";
export * from "./patch";
export * from "./quantity";
export * from "./resources";
export * from "./schema/decode";
export * from "./schema/json-keys";
export * from "./schema/schema-validation";
export * from "./selectors";
export * from "./status";
export * from "./types";
export * from "./validation";
export * from "./write-pipeline";
