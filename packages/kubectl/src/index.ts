export { humanDuration, translateTimestampSince } from "./printers/human-duration";
