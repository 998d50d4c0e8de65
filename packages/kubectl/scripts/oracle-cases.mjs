// Parses testdata/oracle/cases.txt: `<name> | <args>`; arguments split on spaces except inside
// `--from-literal=…`, `--schedule=…`, `-o …=…` values, which run to the next ` --` (or the end).
export function splitCase(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const [name, rest] = line.split(" | ");
    const args = [];
    const tokens = rest.trim().split(" ");
    for (let i = 0; i < tokens.length; i++) {
      let t = tokens[i];
      if (
        /^(--from-literal=|--schedule=|jsonpath=|custom-columns=|-o$)/.test(t) ||
        (args[args.length - 1] === "-o" && /^(jsonpath|custom-columns)=/.test(t))
      ) {
        if (t === "-o") {
          args.push(t);
          continue;
        }
        while (
          i + 1 < tokens.length &&
          !tokens[i + 1].startsWith("--") &&
          tokens[i + 1] !== "-o" &&
          tokens[i + 1] !== "-n"
        )
          t += ` ${tokens[++i]}`;
      }
      args.push(t);
    }
    out.push({ name: name.trim(), args });
  }
  return out;
}
