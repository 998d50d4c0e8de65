/** The cloud-controller-manager and the simulated cloud it talks to. */
export * from "./cloud";
export * from "./cloud-controller-manager";
