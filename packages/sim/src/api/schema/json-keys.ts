/**
 * A scanner over raw JSON text that lists every object key with its path, in document
 * order, marking repeats. JSON.parse silently keeps the last of duplicated keys; the
 * apiserver's strict decoder (sigs.k8s.io/json) reports them as `duplicate field "spec.paused"`,
 * so the facade passes the raw body here.
 */

/** One key of the document: its path (`spec.template.spec.containers[0].name`) and whether it repeats an earlier key of the same object. */
export interface JsonKeyOccurrence {
  path: string;
  duplicate: boolean;
}

/** Lists the keys of a JSON document in order. Returns [] for text that is not valid JSON. */
export function scanJsonKeys(text: string): JsonKeyOccurrence[] {
  const out: JsonKeyOccurrence[] = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t"))
      i++;
  };
  const readString = (): string => {
    // i is at the opening quote.
    let end = i + 1;
    let hasEscape = false;
    while (end < text.length && text[end] !== '"') {
      if (text[end] === "\\") {
        hasEscape = true;
        end++;
      }
      end++;
    }
    const raw = text.slice(i, end + 1);
    i = end + 1;
    return hasEscape ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  const value = (path: string): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Error("bad json");
        const key = readString();
        const childPath = path === "" ? key : `${path}.${key}`;
        out.push({ path: childPath, duplicate: seen.has(key) });
        seen.add(key);
        ws();
        if (text[i] !== ":") throw new Error("bad json");
        i++;
        value(childPath);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        throw new Error("bad json");
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (let index = 0; ; index++) {
        value(`${path}[${index}]`);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        throw new Error("bad json");
      }
    } else if (c === '"') {
      readString();
    } else {
      // number, true, false, null
      while (i < text.length && !",}] \n\r\t".includes(text[i]!)) i++;
    }
  };
  try {
    value("");
    return out;
  } catch {
    return [];
  }
}
