/** One Dockerfile instruction with its arguments, continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
  /** The build stage it belongs to (its `FROM ... AS name`). */
  stage: string;
}

/** A build stage: `FROM <from> AS <name>` and its instructions. */
export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/**
 * Splits a Dockerfile into stages and instructions: comments dropped, `\`
 * continuations joined. Enough of the syntax for the tests to reason about
 * stages, commands and paths; `docker build` remains the authority.
 */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending = "";
  const lines = text.split("\n");
  for (const raw of lines) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.startsWith("#")) continue; // comments inside a continued RUN
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    if (full === "") continue;
    const [keyword = "", ...rest] = full.split(/\s+/);
    const args = rest.join(" ");
    if (keyword.toUpperCase() === "FROM") {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match) throw new Error(`unreadable FROM: ${full}`);
      stages.push({ name: match[2] ?? `stage-${stages.length}`, from: match[1] ?? "", instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) continue; // ARG before the first FROM
    stage.instructions.push({ keyword: keyword.toUpperCase(), args, stage: stage.name });
  }
  return stages;
}

/** The chain of stages `name` builds on, itself first, ending at one built on an image. */
export function stageChain(stages: Stage[], name: string): Stage[] {
  const chain: Stage[] = [];
  let current = stages.find((s) => s.name === name);
  while (current) {
    chain.push(current);
    const parent = current.from;
    current = stages.find((s) => s.name === parent);
  }
  return chain;
}

/** The last value of `keyword` in effect for a target, following its base stages (e.g. USER, WORKDIR). */
export function effective(stages: Stage[], target: string, keyword: string): string | undefined {
  for (const stage of stageChain(stages, target)) {
    const found = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
    if (found) return found.args;
  }
  return undefined;
}

/** A `.dockerignore` file as a matcher: true when the path would be left out of the build context. */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const negate = line.startsWith("!");
      const pattern = (negate ? line.slice(1) : line).replace(/^\/+/, "").replace(/\/+$/, "");
      // Docker's rules: Go's filepath.Match per segment, plus `**` for any number
      // of folders; a pattern also excludes everything below a matched folder.
      const source = pattern
        .split("/")
        .map((segment) =>
          segment === "**"
            ? "(?:.*)"
            : segment
                .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                .replace(/\*/g, "[^/]*")
                .replace(/\?/g, "[^/]"),
        )
        .join("/")
        .replace(/\(\?:\.\*\)\//g, "(?:.*/)?");
      return { negate, regex: new RegExp(`^${source}(?:/.*)?$`) };
    });
  return (path: string) => {
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(path)) ignored = !rule.negate;
    return ignored;
  };
}
