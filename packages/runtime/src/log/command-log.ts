/**
 * The command log and snapshots in PostgreSQL. Raw SQL on a `pg` pool because the append must
 * be one statement: it checks the partition's fencing token, advances the cluster's sequence
 * number and inserts the commands atomically, in one round trip, on the hot path of every input.
 */
import { randomUUID } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import type pg from "pg";

/** Kinds of command (the `CommandKind` enum of the schema). */
export type CommandKind = "CREATE" | "API" | "FAULT" | "TIME" | "TICK";

/** One entry to append. */
export interface NewCommand {
  seq: number;
  kind: CommandKind;
  payload: unknown;
  virtualTimeMs: number;
  actorId: string | null;
  inputId: string | null;
}

/** One entry read back. */
export interface StoredCommand {
  seq: number;
  kind: CommandKind;
  payload: unknown;
  virtualTimeMs: number;
  inputId: string | null;
}

/** The cluster row's runtime columns, written with each append. */
export interface ClusterProgress {
  /** `lastSeq` the append expects to find (the log's high-water mark before it). */
  expectSeq: number;
  virtualTimeMs: number;
  /** Wall instant `virtualTimeMs` was read at (Unix ms). */
  anchorWallMs: number;
  speed: number;
  status: "RUNNING" | "PAUSED" | "SLEEPING";
}

/** Why an append did not happen. */
export type AppendOutcome = "ok" | "fenced" | "conflict";

/** The cluster as the runtime needs it to load. */
export interface ClusterRecord {
  id: string;
  ownerId: string;
  partition: number;
  spec: unknown;
  seed: number;
  status: string;
  virtualTimeMs: number;
  speed: number;
  anchorWallMs: number;
  lastSeq: number;
  deleted: boolean;
}

/** A stored snapshot. */
export interface StoredSnapshot {
  seq: number;
  virtualTimeMs: number;
  state: string;
}

/** Format of `ClusterSnapshot.state`: gzip of `Cluster.serialize()`. */
export const SNAPSHOT_FORMAT = 1;

/** Snapshots kept per cluster (older ones are deleted when a new one is written). */
const SNAPSHOTS_KEPT = 2;

const APPEND_SQL = `
WITH fence AS (
  UPDATE "ClusterPartition" SET "fencingToken" = "fencingToken"
  WHERE "partition" = $2 AND "fencingToken" = $3
  RETURNING 1
), cl AS (
  UPDATE "Cluster"
  SET "lastSeq" = $5, "virtualTimeMs" = $6, "clockAnchorAt" = to_timestamp($7::double precision / 1000),
      "speed" = $8, "status" = $9::"ClusterStatus", "lastActivityAt" = now(), "updatedAt" = now()
  WHERE "id" = $1 AND "lastSeq" = $4 AND "deletedAt" IS NULL AND EXISTS (SELECT 1 FROM fence)
  RETURNING 1
), ins AS (
  INSERT INTO "ClusterCommand" ("clusterId", "seq", "kind", "payload", "virtualTimeMs", "fencingToken", "actorId", "inputId")
  SELECT $1, u.seq, u.kind::"CommandKind", u.payload, u.vt, $3, u.actor, u.input
  FROM unnest($10::bigint[], $11::text[], $12::jsonb[], $13::bigint[], $14::text[], $15::text[])
    AS u(seq, kind, payload, vt, actor, input)
  WHERE EXISTS (SELECT 1 FROM cl)
  RETURNING 1
)
SELECT (SELECT count(*) FROM fence)::int AS fence, (SELECT count(*) FROM cl)::int AS cl, (SELECT count(*) FROM ins)::int AS ins`;

const SNAPSHOT_SQL = `
WITH fence AS (
  SELECT 1 FROM "ClusterPartition" WHERE "partition" = $2 AND "fencingToken" = $3 FOR SHARE
), snap AS (
  INSERT INTO "ClusterSnapshot" ("id", "clusterId", "seq", "virtualTimeMs", "state", "format", "sizeBytes")
  SELECT $4, $1, $5, $6, $7, $8, $9 WHERE EXISTS (SELECT 1 FROM fence)
  ON CONFLICT ("clusterId", "seq") DO UPDATE
    SET "virtualTimeMs" = EXCLUDED."virtualTimeMs", "state" = EXCLUDED."state", "sizeBytes" = EXCLUDED."sizeBytes",
        "createdAt" = now()
  RETURNING 1
), cl AS (
  UPDATE "Cluster"
  SET "virtualTimeMs" = $6, "clockAnchorAt" = to_timestamp($10::double precision / 1000), "speed" = $11,
      "status" = $12::"ClusterStatus", "summary" = $13::jsonb, "updatedAt" = now()
  WHERE "id" = $1 AND "lastSeq" = $5 AND EXISTS (SELECT 1 FROM snap)
  RETURNING 1
), old AS (
  DELETE FROM "ClusterSnapshot"
  WHERE "clusterId" = $1 AND EXISTS (SELECT 1 FROM snap) AND "seq" < $5 AND "seq" NOT IN (
    SELECT "seq" FROM "ClusterSnapshot" WHERE "clusterId" = $1 ORDER BY "seq" DESC LIMIT ${SNAPSHOTS_KEPT}
  )
)
SELECT (SELECT count(*) FROM fence)::int AS fence, (SELECT count(*) FROM snap)::int AS snap`;

const APPEND_MANY_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[], $5::text[], $6::jsonb[], $7::bigint[], $8::text[], $9::text[])
    AS u(cluster, part, token, seq, kind, payload, vt, actor, input)
), progress AS (
  SELECT * FROM unnest($10::text[], $11::bigint[], $12::bigint[], $13::double precision[], $14::double precision[], $15::text[])
    AS p(cluster, expect, vt, anchor, speed, status)
), groups AS (
  SELECT cluster, min(part) AS part, min(token) AS token, max(seq) AS last FROM input GROUP BY cluster
), fence AS (
  UPDATE "ClusterPartition" cp SET "fencingToken" = cp."fencingToken"
  FROM (SELECT DISTINCT part, token FROM groups) g
  WHERE cp."partition" = g.part AND cp."fencingToken" = g.token
  RETURNING cp."partition"
), cl AS (
  UPDATE "Cluster" c
  SET "lastSeq" = g.last, "virtualTimeMs" = p.vt, "clockAnchorAt" = to_timestamp(p.anchor / 1000),
      "speed" = p.speed, "status" = p.status::"ClusterStatus", "lastActivityAt" = now(), "updatedAt" = now()
  FROM groups g JOIN progress p ON p.cluster = g.cluster
  WHERE c."id" = g.cluster AND c."lastSeq" = p.expect AND c."deletedAt" IS NULL
    AND g.part IN (SELECT "partition" FROM fence)
  RETURNING c."id"
), ins AS (
  INSERT INTO "ClusterCommand" ("clusterId", "seq", "kind", "payload", "virtualTimeMs", "fencingToken", "actorId", "inputId")
  SELECT i.cluster, i.seq, i.kind::"CommandKind", i.payload, i.vt, i.token, i.actor, i.input
  FROM input i WHERE i.cluster IN (SELECT "id" FROM cl)
  RETURNING 1
)
SELECT (SELECT coalesce(array_agg("partition"), '{}') FROM fence) AS fenced_ok,
       (SELECT coalesce(array_agg("id"), '{}') FROM cl) AS appended,
       (SELECT count(*) FROM ins)::int AS inserted`;

/** One cluster's share of `appendMany`. */
export interface ClusterAppend {
  clusterId: string;
  partition: number;
  token: number;
  commands: NewCommand[];
  progress: ClusterProgress;
}

/** The log of all clusters (one per process; a thin layer over a pool). */
export class CommandLog {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Append commands for one cluster as the holder of `partition` with fencing `token`. Either
   * all are appended (and the cluster's row advanced) or none: `fenced` when another worker has
   * taken the partition since, `conflict` when the row is not at `expectSeq` (or was deleted).
   */
  async append(
    clusterId: string,
    partition: number,
    token: number,
    commands: NewCommand[],
    progress: ClusterProgress,
    /** A client inside a transaction (the batcher's); default: the pool. */
    on: pg.Pool | pg.PoolClient = this.pool,
  ): Promise<AppendOutcome> {
    const last = commands.at(-1);
    if (!last) return "ok";
    const { rows } = await on.query<{ fence: number; cl: number; ins: number }>(APPEND_SQL, [
      clusterId,
      partition,
      token,
      progress.expectSeq,
      last.seq,
      Math.floor(progress.virtualTimeMs),
      progress.anchorWallMs,
      progress.speed,
      progress.status,
      commands.map((c) => c.seq),
      commands.map((c) => c.kind),
      commands.map((c) => JSON.stringify(c.payload)),
      commands.map((c) => Math.floor(c.virtualTimeMs)),
      commands.map((c) => c.actorId),
      commands.map((c) => c.inputId),
    ]);
    const r = rows[0];
    if (!r || r.fence === 0) return "fenced";
    if (r.cl === 0 || r.ins !== commands.length) return "conflict";
    return "ok";
  }

  /**
   * `append` for many clusters in one statement (one round trip, one commit): each cluster's
   * share is checked and applied independently, with the same rules. Returns each one's outcome.
   */
  async appendMany(appends: ClusterAppend[]): Promise<Map<string, AppendOutcome>> {
    const rows = appends.flatMap((a) => a.commands.map((c) => ({ a, c })));
    const { rows: result } = await this.pool.query<{
      fenced_ok: number[];
      appended: string[];
      inserted: number;
    }>(APPEND_MANY_SQL, [
      rows.map((r) => r.a.clusterId),
      rows.map((r) => r.a.partition),
      rows.map((r) => r.a.token),
      rows.map((r) => r.c.seq),
      rows.map((r) => r.c.kind),
      rows.map((r) => JSON.stringify(r.c.payload)),
      rows.map((r) => Math.floor(r.c.virtualTimeMs)),
      rows.map((r) => r.c.actorId),
      rows.map((r) => r.c.inputId),
      appends.map((a) => a.clusterId),
      appends.map((a) => a.progress.expectSeq),
      appends.map((a) => Math.floor(a.progress.virtualTimeMs)),
      appends.map((a) => a.progress.anchorWallMs),
      appends.map((a) => a.progress.speed),
      appends.map((a) => a.progress.status),
    ]);
    const fencedOk = new Set((result[0]?.fenced_ok ?? []).map(Number));
    const appended = new Set(result[0]?.appended ?? []);
    const outcomes = new Map<string, AppendOutcome>();
    for (const a of appends) {
      outcomes.set(
        a.clusterId,
        appended.has(a.clusterId) ? "ok" : fencedOk.has(a.partition) ? "conflict" : "fenced",
      );
    }
    return outcomes;
  }

  /** Save a snapshot of the cluster after command `seq` (fenced like appends); false when fenced or stale. */
  async saveSnapshot(
    clusterId: string,
    partition: number,
    token: number,
    snap: { seq: number; virtualTimeMs: number; serialized: string },
    progress: Omit<ClusterProgress, "expectSeq"> & { summary: unknown },
  ): Promise<boolean> {
    const state = gzipSync(snap.serialized, { level: 1 });
    const { rows } = await this.pool.query<{ fence: number; snap: number }>(SNAPSHOT_SQL, [
      clusterId,
      partition,
      token,
      randomUUID(),
      snap.seq,
      Math.floor(snap.virtualTimeMs),
      state,
      SNAPSHOT_FORMAT,
      state.length,
      progress.anchorWallMs,
      progress.speed,
      progress.status,
      JSON.stringify(progress.summary ?? null),
    ]);
    return rows[0]?.snap === 1;
  }

  /** The cluster's row, or null when it does not exist. */
  async cluster(clusterId: string): Promise<ClusterRecord | null> {
    const { rows } = await this.pool.query(
      `SELECT "id", "ownerId", "partition", "spec", "seed", "status", "virtualTimeMs", "speed",
              (extract(epoch from "clockAnchorAt") * 1000)::float8 AS "anchorWallMs", "lastSeq", "deletedAt"
       FROM "Cluster" WHERE "id" = $1`,
      [clusterId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      ownerId: r.ownerId,
      partition: r.partition,
      spec: r.spec,
      seed: r.seed,
      status: r.status,
      virtualTimeMs: Number(r.virtualTimeMs),
      speed: r.speed,
      anchorWallMs: Number(r.anchorWallMs),
      lastSeq: Number(r.lastSeq),
      deleted: r.deletedAt !== null,
    };
  }

  /** The newest snapshot, or null. */
  async latestSnapshot(clusterId: string): Promise<StoredSnapshot | null> {
    const { rows } = await this.pool.query(
      `SELECT "seq", "virtualTimeMs", "state", "format" FROM "ClusterSnapshot"
       WHERE "clusterId" = $1 ORDER BY "seq" DESC, "createdAt" DESC LIMIT 1`,
      [clusterId],
    );
    const r = rows[0];
    if (!r) return null;
    if (r.format !== SNAPSHOT_FORMAT) throw new Error(`snapshot format ${r.format} is not supported`);
    return {
      seq: Number(r.seq),
      virtualTimeMs: Number(r.virtualTimeMs),
      state: gunzipSync(r.state).toString("utf8"),
    };
  }

  /** Commands after `afterSeq`, in order. */
  async commandsAfter(clusterId: string, afterSeq: number): Promise<StoredCommand[]> {
    const { rows } = await this.pool.query(
      `SELECT "seq", "kind", "payload", "virtualTimeMs", "inputId" FROM "ClusterCommand"
       WHERE "clusterId" = $1 AND "seq" > $2 ORDER BY "seq"`,
      [clusterId, afterSeq],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      kind: r.kind,
      payload: r.payload,
      virtualTimeMs: Number(r.virtualTimeMs),
      inputId: r.inputId,
    }));
  }

  /** The sequence number an input was appended at, if it was. */
  async findInput(clusterId: string, inputId: string): Promise<number | null> {
    const { rows } = await this.pool.query(
      `SELECT "seq" FROM "ClusterCommand" WHERE "clusterId" = $1 AND "inputId" = $2`,
      [clusterId, inputId],
    );
    return rows[0] ? Number(rows[0].seq) : null;
  }

  /** Mark a cluster sleeping (evicted; its clock frozen at `virtualTimeMs`), fenced. */
  async markSleeping(
    clusterId: string,
    partition: number,
    token: number,
    virtualTimeMs: number,
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE "Cluster" SET "status" = 'SLEEPING', "virtualTimeMs" = $4, "clockAnchorAt" = now(), "updatedAt" = now()
       WHERE "id" = $1 AND "deletedAt" IS NULL AND EXISTS (
         SELECT 1 FROM "ClusterPartition" WHERE "partition" = $2 AND "fencingToken" = $3)`,
      [clusterId, partition, token, Math.floor(virtualTimeMs)],
    );
    return rowCount === 1;
  }

  /** Remove a deleted cluster's row (its log and snapshots go with it). */
  async purge(clusterId: string): Promise<void> {
    await this.pool.query(`DELETE FROM "Cluster" WHERE "id" = $1 AND "deletedAt" IS NOT NULL`, [clusterId]);
  }
}
