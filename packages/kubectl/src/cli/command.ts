/** The shape of a kubectl command. */
import type { CommandContext } from "./context";
import type { FlagSpec } from "./flags";

/** A command: its path (`["rollout", "status"]`), its flags, and what it does (resolves to the exit code). */
export interface Command {
  path: string[];
  /** Other names of the last path word (cobra Aliases: `create ns`, `create deploy`). */
  aliases?: string[];
  flags: FlagSpec[];
  /** Flags cobra marks required (`required flag(s) "image" not set`). */
  required?: string[];
  run(ctx: CommandContext, args: string[], afterDash: string[] | null): Promise<number>;
}
