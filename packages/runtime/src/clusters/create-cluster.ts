/**
 * Creating and deleting hosted clusters in the database: the row (with its partition) and the
 * first command of its log in one transaction, under the account's quotas. The worker builds the
 * simulation from that command (see `RuntimeClient.boot`).
 */
import { randomBytes, randomInt } from "node:crypto";
import type { Database } from "@kubelab/db";
import { type ClusterSpec, nodeCount, parseClusterSpec } from "@kubelab/sim";
import type pg from "pg";
import { RuntimeError } from "../errors";
import { partitionOf } from "../partitions";
import { type QuotaLimits, quotaFor } from "../quotas/quotas";

/** A new cluster id (cuid-like: time-ordered prefix, random rest). */
export function newClusterId(): string {
  return `c${Date.now().toString(36)}${randomBytes(8).toString("hex")}`;
}

/** What `createClusterRecord` wrote. */
export interface CreatedCluster {
  id: string;
  name: string;
  partition: number;
  seed: number;
  spec: ClusterSpec;
}

/**
 * Writes the cluster's row and its CREATE command (seq 1) after checking the spec and the
 * account's cluster and node quotas. Concurrent creations by one account are serialised by an
 * advisory lock, so the cluster count cannot be overrun by racing requests.
 */
export async function createClusterRecord(
  db: Database,
  pool: pg.Pool,
  args: {
    ownerId: string;
    name: string;
    spec: unknown;
    partitions: number;
    seed?: number;
    quota?: QuotaLimits;
  },
): Promise<CreatedCluster> {
  const parsed = parseClusterSpec(args.spec);
  if (!parsed.ok) {
    throw new RuntimeError(
      "BAD_INPUT",
      `invalid cluster spec: ${parsed.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
    );
  }
  const spec = parsed.spec;
  const quota = args.quota ?? (await quotaFor(pool, args.ownerId));
  if (nodeCount(spec) > quota.maxNodesPerCluster) {
    throw new RuntimeError(
      "QUOTA_EXCEEDED",
      `a cluster of this account may have at most ${quota.maxNodesPerCluster} nodes; this spec has ${nodeCount(spec)}`,
    );
  }
  const id = newClusterId();
  const partition = partitionOf(id, args.partitions);
  // The simulation's seed: an Int column, so 31 bits.
  const seed = args.seed ?? randomInt(0, 2 ** 31 - 1);
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`kubelab:clusters:${args.ownerId}`}))`;
      const count = await tx.cluster.count({ where: { ownerId: args.ownerId, deletedAt: null } });
      if (count >= quota.maxClusters) {
        throw new RuntimeError(
          "QUOTA_EXCEEDED",
          `this account may have at most ${quota.maxClusters} clusters; delete one first`,
        );
      }
      const clash = await tx.cluster.findFirst({
        where: { ownerId: args.ownerId, name: args.name },
        select: { id: true },
      });
      if (clash) throw new RuntimeError("BAD_INPUT", `a cluster named "${args.name}" already exists`);
      await tx.cluster.create({
        data: {
          id,
          ownerId: args.ownerId,
          name: args.name,
          spec: spec as object,
          seed,
          partition,
          status: "PROVISIONING",
          lastSeq: 1n,
          commands: {
            create: {
              seq: 1n,
              kind: "CREATE",
              payload: { spec, seed } as object,
              virtualTimeMs: 0n,
              fencingToken: 0n,
              actorId: args.ownerId,
            },
          },
        },
      });
    },
    { maxWait: 10_000, timeout: 15_000 },
  );
  return { id, name: args.name, partition, seed, spec };
}

/** Marks a cluster deleted (it disappears from lists at once); the owner's worker then purges it. */
export async function markClusterDeleted(db: Database, ownerId: string, clusterId: string): Promise<boolean> {
  const { count } = await db.cluster.updateMany({
    where: { id: clusterId, ownerId, deletedAt: null },
    data: { deletedAt: new Date(), status: "DELETING" },
  });
  return count === 1;
}
