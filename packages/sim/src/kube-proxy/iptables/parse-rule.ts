/**
 * Reading a rule's argument list the way iptables does: addresses, protocol, the matches with
 * their options and the target. `iptables-save` and the data path both work on this form.
 */

/** One `-m NAME` match with its options in the order given. */
export interface RuleMatch {
  name: string;
  opts: { key: string; value: string | null; neg: boolean }[];
}

/** A parsed `-A CHAIN …` rule. */
export interface ParsedRule {
  chain: string;
  src: { addr: string; neg: boolean } | null;
  dst: { addr: string; neg: boolean } | null;
  proto: string | null;
  matches: RuleMatch[];
  /** Jump target (a chain or ACCEPT/DROP/REJECT/RETURN/DNAT/MARK/MASQUERADE); null: none (a no-op rule). */
  target: string | null;
  targetOpts: { key: string; value: string | null }[];
}

/** Options that take no value. */
const FLAGS = new Set([
  "--set",
  "--rcheck",
  "--update",
  "--remove",
  "--reap",
  "--rsource",
  "--rdest",
  "--random-fully",
]);

/** Which match an option belongs to. */
const OPTION_MATCH: Record<string, string[]> = {
  "--dport": ["tcp", "udp", "sctp"],
  "--sport": ["tcp", "udp", "sctp"],
  "--comment": ["comment"],
  "--mode": ["statistic"],
  "--probability": ["statistic"],
  "--name": ["recent"],
  "--set": ["recent"],
  "--rcheck": ["recent"],
  "--seconds": ["recent"],
  "--reap": ["recent"],
  "--dst-type": ["addrtype"],
  "--src-type": ["addrtype"],
  "--mark": ["mark"],
  "--ctstate": ["conntrack"],
  "--nfacct-name": ["nfacct"],
  "--match-set": ["set"],
};

/** Strip the shell quotes kube-proxy puts around comments with spaces. */
export function unquote(token: string): string {
  return token.length >= 2 && token.startsWith('"') && token.endsWith('"') ? token.slice(1, -1) : token;
}

/** Parse `["-A", chain, …]`. */
export function parseRule(tokens: readonly string[]): ParsedRule {
  const rule: ParsedRule = {
    chain: tokens[1] ?? "",
    src: null,
    dst: null,
    proto: null,
    matches: [],
    target: null,
    targetOpts: [],
  };
  let neg = false;
  for (let i = 2; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === "!") {
      neg = true;
      continue;
    }
    if (t === "-s" || t === "-d") {
      const v = { addr: tokens[++i] ?? "", neg };
      if (t === "-s") rule.src = v;
      else rule.dst = v;
    } else if (t === "-p") rule.proto = tokens[++i] ?? null;
    else if (t === "-m") rule.matches.push({ name: tokens[++i] ?? "", opts: [] });
    else if (t === "-j") {
      rule.target = tokens[++i] ?? null;
      for (let j = i + 1; j < tokens.length; j++) {
        const k = tokens[j]!;
        if (FLAGS.has(k)) rule.targetOpts.push({ key: k, value: null });
        else rule.targetOpts.push({ key: k, value: tokens[++j] ?? "" });
      }
      break;
    } else if (t.startsWith("--")) {
      // `--match-set NAME FLAGS` takes two words.
      const value = FLAGS.has(t)
        ? null
        : t === "--match-set"
          ? `${tokens[++i] ?? ""} ${tokens[++i] ?? ""}`
          : unquote(tokens[++i] ?? "");
      const owners = OPTION_MATCH[t] ?? [];
      let m: RuleMatch | undefined;
      for (let j = rule.matches.length - 1; j >= 0; j--)
        if (owners.includes(rule.matches[j]!.name)) {
          m = rule.matches[j];
          break;
        }
      (m ?? rule.matches[rule.matches.length - 1])?.opts.push({ key: t, value, neg });
    }
    neg = false;
  }
  return rule;
}

/** The value of a match option, or undefined. */
export function matchOption(
  rule: ParsedRule,
  match: string,
  key: string,
): RuleMatch["opts"][number] | undefined {
  for (const m of rule.matches) {
    if (m.name !== match) continue;
    const o = m.opts.find((x) => x.key === key);
    if (o) return o;
  }
  return undefined;
}
