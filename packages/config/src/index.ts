export { EnvError, parseEnv, ZBaseEnv, ZPort } from "./env";
