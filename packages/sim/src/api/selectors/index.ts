/** Label and field selectors. */
export * from "./field-selector";
export * from "./label-selector";
