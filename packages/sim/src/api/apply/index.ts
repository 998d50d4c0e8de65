/** Server-side apply and managedFields. */
export * from "./field-set";
export * from "./managed-fields";
export * from "./server-side-apply";
export * from "./typed";
