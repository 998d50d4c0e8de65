/** The registry of every command the terminal's kubectl supports. */
import type { Command } from "../command";
import { applyCommand } from "./apply";
import { createCommands } from "./create";
import { deleteCommand } from "./delete";
import { describeCommand } from "./describe";
import { getCommand } from "./get";
import { infoCommands } from "./info";
import { logsCommand } from "./logs";
import {
  annotateCommand,
  cordonCommands,
  labelCommand,
  rolloutSimpleCommands,
  scaleCommand,
  setImageCommand,
  taintCommand,
} from "./mutate";
import { observeCommands } from "./observe";
import { rolloutCommands } from "./rollout";
import { workloadCommands } from "./workloads";

/** All commands. */
export const commands: Command[] = [
  getCommand,
  applyCommand,
  ...createCommands,
  deleteCommand,
  describeCommand,
  scaleCommand,
  labelCommand,
  annotateCommand,
  ...cordonCommands,
  taintCommand,
  setImageCommand,
  ...rolloutSimpleCommands,
  ...rolloutCommands,
  logsCommand,
  ...infoCommands,
  ...workloadCommands,
  ...observeCommands,
];
