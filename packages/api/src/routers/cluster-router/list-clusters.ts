import type { Database } from "@kubelab/db";

/** One row of the dashboard. */
export interface ClusterListItem {
  id: string;
  name: string;
  status: string;
  virtualTimeMs: number;
  lastActivityAt: Date;
  createdAt: Date;
  summary: unknown;
}

/** The caller's clusters, most recently active first. Never another owner's. */
export async function listClusters(db: Database, ownerId: string): Promise<ClusterListItem[]> {
  const rows = await db.cluster.findMany({
    where: { ownerId, deletedAt: null },
    orderBy: { lastActivityAt: "desc" },
    select: {
      id: true,
      name: true,
      status: true,
      virtualTimeMs: true,
      lastActivityAt: true,
      createdAt: true,
      summary: true,
    },
  });
  return rows.map((row) => ({ ...row, virtualTimeMs: Number(row.virtualTimeMs) }));
}
