import type { Metadata } from "next";
import { GitHubSignInButton, StartSandboxButton } from "@/components/sign-in-buttons";
import { env } from "@/env";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  const github = Boolean(env().GITHUB_ID && env().GITHUB_SECRET);
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <p>Start with a sandbox account: it is created on the spot and keeps your clusters on this browser.</p>
      <div className="stack">
        <StartSandboxButton label="Continue with a sandbox account" />
        {github ? <GitHubSignInButton /> : null}
      </div>
    </section>
  );
}
