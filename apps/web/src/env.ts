import { parseEnv, ZBaseEnv, ZPort } from "@kubelab/config";
import { z } from "zod";

const ZWebEnv = ZBaseEnv.extend({
  PORT: ZPort.default(3000),
  HOST: z.string().default("0.0.0.0"),
  /** The site's public URL (next-auth callbacks, kubeconfig server addresses). */
  NEXTAUTH_URL: z.url(),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters"),
  /** Browser-facing websocket URL of the gateway, e.g. ws://localhost:3001/ws. */
  GATEWAY_PUBLIC_URL: z.url(),
  /** Shared with the gateway to sign websocket tickets. */
  TICKET_SECRET: z.string().min(32, "must be at least 32 characters"),
  GITHUB_ID: z.string().optional(),
  GITHUB_SECRET: z.string().optional(),
});

export type WebEnv = z.infer<typeof ZWebEnv>;

let cached: WebEnv | undefined;

/**
 * The web app's configuration. Parsed on first use rather than at import, so
 * `next build` can load modules without a running service's environment.
 */
export function env(): WebEnv {
  cached ??= parseEnv("web", ZWebEnv);
  return cached;
}
