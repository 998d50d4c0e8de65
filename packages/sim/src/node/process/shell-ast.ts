/**
 * The syntax tree of the POSIX shell subset that container commands use
 * (`sh -c 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done'`). Plain data, so a
 * running process (which holds nodes in its frames) serialises with the simulation.
 */

/** One part of a word before expansion. */
export type WordPart =
  | { lit: string; q?: boolean }
  | { var: string; q?: boolean }
  | { sub: ShellNode; q?: boolean }
  | { arith: string; q?: boolean };

/** A word: parts joined after expansion (unquoted expansions are split into fields). */
export type Word = WordPart[];

/** An output redirection (`> /tmp/healthy`, `>> log`, `2>&1`, `> /dev/null`). */
export interface Redirect {
  fd: number;
  op: ">" | ">>" | ">&" | "<";
  target: Word;
}

/** Shell syntax nodes. */
export type ShellNode =
  | { t: "cmd"; words: Word[]; assigns: { name: string; value: Word }[]; redirs: Redirect[]; bg?: boolean }
  | { t: "seq"; items: ShellNode[] }
  | { t: "and"; l: ShellNode; r: ShellNode }
  | { t: "or"; l: ShellNode; r: ShellNode }
  | { t: "not"; n: ShellNode }
  | { t: "pipe"; cmds: ShellNode[] }
  | { t: "while"; cond: ShellNode; body: ShellNode; until: boolean }
  | { t: "for"; name: string; items: Word[] | null; body: ShellNode }
  | { t: "if"; cond: ShellNode; then: ShellNode; else: ShellNode | null }
  | { t: "group"; body: ShellNode; subshell: boolean };
