/** Semantic validation of built-in kinds (create and update), with the apiserver's field paths and messages. */
export * from "./cluster-kinds";
export * from "./core-kinds";
export * from "./go-values";
export * from "./names";
export * from "./object-meta";
export * from "./pod-spec";
export * from "./validate-object";
export * from "./workloads";
