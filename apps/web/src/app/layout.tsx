import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/sign-in-buttons";
import { ThemeToggle, themeScript } from "@/components/theme-toggle";
import { currentUser } from "@/server/auth";
import { Providers } from "@/trpc/provider";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Kubelab", template: "%s · Kubelab" },
  description: "Learn how a Kubernetes cluster is built by running a simulated one.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Every page depends on the session.
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: constant theme bootstrap, no user input */}
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <nav aria-label="Main" className="nav">
            <Link href="/" className="brand" aria-label="Kubelab home">
              <span aria-hidden="true">⎈</span> Kubelab
            </Link>
            <Link href="/clusters">Clusters</Link>
            <span className="spacer" />
            <ThemeToggle />
            {user ? (
              <>
                <span className="user" data-testid="current-user">
                  {user.name ?? user.email}
                  {user.isGuest ? <span className="badge">sandbox</span> : null}
                </span>
                <SignOutButton />
              </>
            ) : (
              <Link className="button" href="/signin">
                Sign in
              </Link>
            )}
          </nav>
        </header>
        <main id="main" className="main">
          <Providers>{children}</Providers>
        </main>
        <footer className="site-footer">
          Kubelab simulates Kubernetes; nothing here runs real containers.
        </footer>
      </body>
    </html>
  );
}
