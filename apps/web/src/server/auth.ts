import "server-only";
import type { SessionUser } from "@kubelab/api";
import { getServerSession, type NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { env } from "../env";
import { createGuestUser } from "./guest";
import { db } from "./services";

/** next-auth configuration: sandbox (guest) sign-in, and GitHub when its keys are set. */
export function authOptions(): NextAuthOptions {
  const config = env();
  return {
    secret: config.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        id: "guest",
        name: "Sandbox",
        credentials: {},
        // A sandbox account is created on the spot, without sign-up.
        authorize: async () => {
          const user = await createGuestUser(db());
          return { id: user.id, name: user.name };
        },
      }),
      ...(config.GITHUB_ID && config.GITHUB_SECRET
        ? [GitHubProvider({ clientId: config.GITHUB_ID, clientSecret: config.GITHUB_SECRET })]
        : []),
    ],
    callbacks: {
      jwt: ({ token, user }) => {
        if (user) token.sub = user.id;
        return token;
      },
      session: ({ session, token }) => ({ ...session, userId: token.sub }),
    },
  };
}

/** The signed-in user for this request, read fresh from the database (null when signed out or deleted). */
export async function currentUser(): Promise<SessionUser | null> {
  const session = (await getServerSession(authOptions())) as { userId?: string } | null;
  if (!session?.userId) return null;
  const user = await db().user.findUnique({
    where: { id: session.userId },
    select: { id: true, name: true, email: true, isGuest: true, role: true },
  });
  return user;
}
