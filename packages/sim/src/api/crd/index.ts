/** Custom resources: structural-schema pruning, defaulting and validation. */
export * from "./custom-resource";
export * from "./structural-schema";
