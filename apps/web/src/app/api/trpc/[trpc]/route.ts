import { appRouter } from "@kubelab/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { currentUser } from "@/server/auth";
import { db } from "@/server/services";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => ({
      db: db(),
      user: await currentUser(),
      requestId: req.headers.get("x-request-id") ?? "",
    }),
  });

export { handler as GET, handler as POST };
