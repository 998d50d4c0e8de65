/**
 * The cluster's data path as pure functions over a `NetworkView`: name resolution through
 * CoreDNS, connections through each node's proxy rules, the backends' answers, and the network
 * programs (`curl`, `wget`, `nslookup`, `dig`, `ping`) a container shell runs.
 */
export * from "./commands";
export { type ConnectResult, connect, type NetRandom, type NetTrace, type Source } from "./connect";
export * from "./dns-client";
export { type HttpResult, httpGet, type LogEffect, parseUrl } from "./http";
export { egress, ipvsLookup, type NodeEgress, type Packet } from "./netfilter";
export * from "./resolv-conf";
export * from "./traffic";
export * from "./view";
export * from "./view-builder";
