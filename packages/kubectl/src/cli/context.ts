/**
 * What a kubectl command runs with: the terminal's I/O and the cluster connection (through the
 * transport only), and the helpers every command shares (namespace, resource arguments).
 */
import { Discovery, type ResourceMapping } from "../client/discovery";
import { CommandError } from "../client/errors";
import { RestClient } from "../client/rest";
import type { KubeTransport } from "../transport";
import { type Flags, str } from "./flags";

/** The kubeconfig the terminal holds (what `kubectl config view` prints, minified). */
export interface KubeconfigView {
  currentContext: string;
  cluster: string;
  user: string;
  server: string;
  namespace?: string;
}

/** The terminal side of kubectl: output, files, an editor, the clock and Ctrl-C. */
export interface KubectlIO {
  transport: KubeTransport;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Read a file named with `-f` (the terminal's files, or here-documents). */
  readFile?(path: string): Promise<string>;
  /** Read standard input (`-f -`). */
  readStdin?(): Promise<string>;
  /** `kubectl edit`: show `text` in an editor, resolve with the edited text (unchanged text cancels). */
  edit?(text: string, fileName: string): Promise<string>;
  /** Standard input for `kubectl exec -i` (lines the user types). */
  stdin?: AsyncIterable<string>;
  /** The time AGE columns are computed against (ms since the epoch); `Date.now` when unset. */
  now?(): number;
  /** Aborted on Ctrl-C: ends `get -w`, `logs -f`, `rollout status`, `wait`. */
  signal?: AbortSignal;
  kubeconfig?: KubeconfigView;
}

/** A command's run-time context. */
export class CommandContext {
  readonly rest: RestClient;
  readonly discovery: Discovery;

  constructor(
    readonly io: KubectlIO,
    readonly flags: Flags,
    readonly changed: Set<string>,
  ) {
    this.rest = new RestClient(io.transport);
    this.discovery = new Discovery(this.rest);
  }

  /** `-n`, else the kubeconfig context's namespace, else `default`. */
  get namespace(): string {
    return str(this.flags, "namespace") || this.io.kubeconfig?.namespace || "default";
  }

  /** Whether `-n` was given. */
  get namespaceExplicit(): boolean {
    return str(this.flags, "namespace") !== "";
  }

  now(): number {
    return this.io.now ? this.io.now() : Date.now();
  }

  out(text: string): void {
    this.io.stdout(text);
  }

  err(text: string): void {
    this.io.stderr(text);
  }

  /** Print and clear the server's warnings (`Warning: …` on stderr). */
  flushWarnings(): void {
    for (const w of this.rest.warnings.splice(0)) this.err(`Warning: ${w}\n`);
  }

  /** Resolve resource arguments: `TYPE[,TYPE…] [NAME…]` or `TYPE/NAME…`. */
  async resolveArgs(
    args: string[],
  ): Promise<{ mapping: ResourceMapping; names: string[]; slashForm: boolean }[]> {
    if (args.length === 0) return [];
    if (args[0]!.includes("/")) {
      const out: { mapping: ResourceMapping; names: string[]; slashForm: boolean }[] = [];
      for (const a of args) {
        const idx = a.indexOf("/");
        if (idx < 0)
          throw new CommandError(
            `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'`,
          );
        const mapping = await this.discovery.mappingFor(a.slice(0, idx));
        const name = a.slice(idx + 1);
        if (!name)
          throw new CommandError(`arguments in resource/name form must have a single resource and name`);
        const last = out[out.length - 1];
        if (last && last.mapping === mapping) last.names.push(name);
        else out.push({ mapping, names: [name], slashForm: true });
      }
      return out;
    }
    const types = args[0]!.split(",").filter((t) => t !== "");
    const names = args.slice(1);
    if (types.length > 1 && names.length > 0) {
      throw new CommandError(`arguments in resource/name form may not have more than one slash`);
    }
    const out = [];
    for (const t of types) {
      try {
        out.push({ mapping: await this.discovery.mappingFor(t), names, slashForm: false });
      } catch (e) {
        // A category (`all`, `api-extensions`): every preferred resource that lists it, in discovery order.
        const members = (await this.discovery.resources()).filter(
          (r) => r.preferred && r.categories.includes(t),
        );
        if (members.length === 0 || names.length > 0) throw e;
        for (const mapping of members) out.push({ mapping, names, slashForm: false });
      }
    }
    return out;
  }
}

/** `deployment.apps`, `pod`: how `-o name` and `--show-kind` name a resource's kind. */
export function kindPrefix(m: ResourceMapping): string {
  return m.group ? `${m.kind.toLowerCase()}.${m.group}` : m.kind.toLowerCase();
}
