/**
 * The rule tables of a node as plain data: for each iptables table, its built-in chains, the
 * chains declared in it and its rules, each rule the argument list of an `-A CHAIN …` line in
 * the order the writer (kube-proxy, the kubelet) gave them. `iptables-save` rendering and the
 * data path both read this form.
 */

/** iptables tables the simulation fills. */
export type TableName = "mangle" | "filter" | "nat";

/** One table. */
export interface IptablesTable {
  name: TableName;
  /** Built-in chains with their policy, in the kernel's order. */
  builtins: string[];
  /** User-defined chains present in the table. */
  chains: string[];
  /** Rules, each `["-A", chain, …args]`, in insertion order (per chain). */
  rules: string[][];
}

/** The iptables state of one node. */
export interface IptablesRuleset {
  mangle: IptablesTable;
  filter: IptablesTable;
  nat: IptablesTable;
}

/** The built-in chains of each table (`iptables-save` prints them first, in this order). */
export const BUILTIN_CHAINS: Record<TableName, string[]> = {
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
};

/** An empty table. */
export function emptyTable(name: TableName): IptablesTable {
  return { name, builtins: [...BUILTIN_CHAINS[name]], chains: [], rules: [] };
}

/** An empty ruleset (a node before kube-proxy and the kubelet wrote anything). */
export function emptyRuleset(): IptablesRuleset {
  return { mangle: emptyTable("mangle"), filter: emptyTable("filter"), nat: emptyTable("nat") };
}

/** Declare a chain (idempotent). */
export function ensureChain(t: IptablesTable, chain: string): void {
  if (!t.builtins.includes(chain) && !t.chains.includes(chain)) t.chains.push(chain);
}

/** Rules of one chain, in order. */
export function chainRules(t: IptablesTable, chain: string): string[][] {
  return t.rules.filter((r) => r[1] === chain);
}
