import { describe, expect, test } from "vitest";
import { FlagError, parseFlags } from "./flags";

const specs = [
  { name: "output", short: "o", type: "string" as const, default: "" },
  { name: "all-namespaces", short: "A", type: "bool" as const, default: false },
  { name: "replicas", short: "r", type: "int" as const, default: 1 },
  { name: "label-columns", short: "L", type: "stringSlice" as const, default: [] },
  { name: "dry-run", type: "string" as const, default: "none", noOptDefault: "unchanged" },
];

describe("pflag-style parsing", () => {
  test("flags anywhere, all value forms, -- ends flags", () => {
    const p = parseFlags(
      ["pods", "-oyaml", "-A", "-n", "kube-system", "x", "--replicas=3", "-L", "a,b", "--", "sh", "-c"],
      specs,
    );
    expect(p.args).toEqual(["pods", "x"]);
    expect(p.flags.output).toBe("yaml");
    expect(p.flags["all-namespaces"]).toBe(true);
    expect(p.flags.namespace).toBe("kube-system");
    expect(p.flags.replicas).toBe(3);
    expect(p.flags["label-columns"]).toEqual(["a", "b"]);
    expect(p.afterDash).toEqual(["sh", "-c"]);
    expect(parseFlags(["-o=json"], specs).flags.output).toBe("json");
    expect(parseFlags(["--dry-run"], specs).flags["dry-run"]).toBe("unchanged");
  });
  test("pflag's error texts", () => {
    expect(() => parseFlags(["--nope"], specs)).toThrow(new FlagError("unknown flag: --nope"));
    expect(() => parseFlags(["-z"], specs)).toThrow(new FlagError("unknown shorthand flag: 'z' in -z"));
    expect(() => parseFlags(["--replicas=x"], specs)).toThrow(
      new FlagError(
        'invalid argument "x" for "-r, --replicas" flag: strconv.ParseInt: parsing "x": invalid syntax',
      ),
    );
    expect(() => parseFlags(["-o"], specs)).toThrow(new FlagError("flag needs an argument: 'o' in -o"));
  });
});
