import { protectedProcedure, router } from "../../trpc";
import { listClusters } from "./list-clusters";

/** Clusters of the signed-in user. Creation arrives with the cluster runtime. */
export const clusterRouter = router({
  list: protectedProcedure.query(({ ctx }) => listClusters(ctx.db, ctx.user.id)),
});
