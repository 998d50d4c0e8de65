/**
 * Hex SHA-256 for image digests, container ids and mirror-pod config hashes: they should look
 * like the real hex strings while staying deterministic. The digest itself is the one pure
 * SHA-256 of the package (`api/resources/sha256`, also used for discovery's storageVersionHash).
 */
import { sha256 } from "../../api/resources/sha256";

/** The SHA-256 of `text` (UTF-8) as 64 lowercase hex characters. */
export function sha256Hex(text: string): string {
  let hex = "";
  for (const byte of sha256(text)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
