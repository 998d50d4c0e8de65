import type { Database } from "@kubelab/db";

/** The signed-in user as the session presents it. */
export interface SessionUser {
  id: string;
  name: string | null;
  email: string | null;
  isGuest: boolean;
  role: "USER" | "ADMIN";
}

/** What every procedure receives: services and the caller. Built per request by the host app. */
export interface Context {
  db: Database;
  user: SessionUser | null;
  requestId: string;
}
