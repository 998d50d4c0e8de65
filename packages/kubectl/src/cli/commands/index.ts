/** The registry of every command the terminal's kubectl supports. */
import type { Command } from "../command";
import { createCommands } from "./create";
import { getCommand } from "./get";

/** All commands. */
export const commands: Command[] = [getCommand, ...createCommands];
