"use client";

import { signIn, signOut } from "next-auth/react";
import { useState } from "react";

/** Starts a sandbox account (no sign-up) and goes to the clusters dashboard. */
export function StartSandboxButton({ label = "Start a sandbox" }: { label?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="button primary"
      disabled={busy}
      aria-busy={busy}
      onClick={() => {
        setBusy(true);
        void signIn("guest", { callbackUrl: "/clusters" });
      }}
    >
      {busy ? "Starting…" : label}
    </button>
  );
}

/** Signs in with GitHub (shown only when the server has GitHub keys). */
export function GitHubSignInButton() {
  return (
    <button
      type="button"
      className="button"
      onClick={() => void signIn("github", { callbackUrl: "/clusters" })}
    >
      Sign in with GitHub
    </button>
  );
}

/** Ends the session and returns home. */
export function SignOutButton() {
  return (
    <button type="button" className="button ghost" onClick={() => void signOut({ callbackUrl: "/" })}>
      Sign out
    </button>
  );
}
