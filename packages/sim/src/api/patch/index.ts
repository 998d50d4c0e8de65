/** Patch formats: JSON merge patch, JSON patch, strategic merge patch. */
export * from "./field-merge-info";
export * from "./json-merge-patch";
export * from "./json-patch";
export * from "./strategic-merge-patch";
