import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Message } from "../core/component";
import { Simulation } from "../core/simulation";
import { addEtcdCluster, etcdMemberNames } from "./cluster";
import { EtcdErrors } from "./errors";
import { type EtcdMemberConfig, type EtcdMemberState, etcdMemberBehavior } from "./member";
import type { EtcdRequest, EtcdResponse, WatchResponse } from "./messages";
import { prefixEnd } from "./mvcc";

type RequestBody = EtcdRequest extends infer R ? (R extends EtcdRequest ? Omit<R, "id"> : never) : never;

/** A test harness: an etcd cluster plus a client mailbox. */
class Harness {
  readonly sim: Simulation;
  readonly names: string[];
  private nextId = 1;
  private received: Message[] = [];
  constructor(seed = 1, size = 3, cfg: Partial<EtcdMemberConfig> = {}) {
    this.sim = Simulation.create({ seed, trace: { enabled: false } }, [etcdMemberBehavior]);
    this.names = addEtcdCluster(this.sim, etcdMemberNames(size), cfg);
    this.sim.addMailbox("client");
  }
  member(name: string): EtcdMemberState {
    return this.sim.componentState<EtcdMemberState>(name);
  }
  leaders(): string[] {
    return this.names.filter((n) => this.sim.isUp(n) && this.member(n).role === "leader");
  }
  /** Run until exactly one running member leads, and return it. */
  awaitLeader(deadline = this.sim.now + 10_000): string {
    const ok = this.sim.runUntil(() => this.leaders().length === 1, deadline);
    if (!ok) throw new Error("no leader elected");
    return this.leaders()[0]!;
  }
  private collect(): void {
    for (const o of this.sim.drainOutputs()) this.received.push(o.msg);
  }
  send(to: string, body: RequestBody): number {
    const id = this.nextId++;
    this.sim.inject("client", to, { ...body, id });
    return id;
  }
  /** Send and wait for the response (up to 30 s of virtual time). */
  call(to: string, body: RequestBody): EtcdResponse {
    const id = this.send(to, body);
    return this.await(id);
  }
  await(id: number, deadline = this.sim.now + 30_000): EtcdResponse {
    let resp: EtcdResponse | undefined;
    this.sim.runUntil(() => {
      this.collect();
      resp = this.received.find((m) => m.verb === "EtcdResponse" && (m as EtcdResponse).id === id) as
        | EtcdResponse
        | undefined;
      return resp !== undefined;
    }, deadline);
    if (!resp) throw new Error(`no response to request ${id}`);
    return resp;
  }
  put(to: string, key: string, value: unknown): EtcdResponse {
    return this.call(to, { verb: "Put", put: { key, value } });
  }
  get(to: string, key: string): unknown {
    const r = this.call(to, { verb: "Range", range: { key } });
    if (r.error) throw new Error(r.error);
    return (r.result as { kvs: { value: unknown }[] }).kvs[0]?.value;
  }
  watchEvents(): WatchResponse[] {
    this.collect();
    return this.received.filter((m) => m.verb === "WatchResponse") as WatchResponse[];
  }
}

describe("etcd member (raft)", () => {
  it("elects one leader after a randomised election timeout (≥ 1 s), with a term", () => {
    const h = new Harness(42);
    const leader = h.awaitLeader();
    expect(h.sim.now).toBeGreaterThanOrEqual(1000);
    expect(h.sim.now).toBeLessThan(4000);
    const term = h.member(leader).term;
    expect(term).toBeGreaterThanOrEqual(1);
    h.sim.advanceBy(5000);
    // A healthy cluster keeps its leader and term: heartbeats every 100 ms suppress elections.
    expect(h.leaders()).toEqual([leader]);
    expect(h.member(leader).term).toBe(term);
    for (const n of h.names) expect(h.member(n).lead).toBe(leader);
  });

  it("commits writes sent to any member and serves linearizable reads from any member", () => {
    const h = new Harness(1);
    const leader = h.awaitLeader();
    const follower = h.names.find((n) => n !== leader)!;
    const r1 = h.put(follower, "/registry/pods/default/a", { n: 1 });
    expect(r1.error).toBeUndefined();
    const r2 = h.put(leader, "/registry/pods/default/b", { n: 2 });
    expect(r2.header.revision).toBe(r1.header.revision + 1);
    for (const n of h.names) {
      expect(h.get(n, "/registry/pods/default/a")).toEqual({ n: 1 });
      expect(h.get(n, "/registry/pods/default/b")).toEqual({ n: 2 });
    }
  });

  it("compare-and-swaps on mod revision (what the apiserver's optimistic concurrency uses)", () => {
    const h = new Harness(2);
    const leader = h.awaitLeader();
    const created = h.put(leader, "/k", "v1");
    const rev = created.header.revision;
    const cas = (expected: number, value: string) =>
      h.call(leader, {
        verb: "Txn",
        txn: {
          compare: [{ key: "/k", target: "MOD", result: "EQUAL", value: expected }],
          success: [{ put: { key: "/k", value } }],
          failure: [{ range: { key: "/k" } }],
        },
      });
    const ok = cas(rev, "v2");
    expect((ok.result as { succeeded: boolean }).succeeded).toBe(true);
    const stale = cas(rev, "v3");
    expect((stale.result as { succeeded: boolean }).succeeded).toBe(false);
    expect(h.get(leader, "/k")).toBe("v2");
  });

  it("streams watch events from a past revision, and refuses a compacted one", () => {
    const h = new Harness(3);
    const leader = h.awaitLeader();
    const first = h.put(leader, "/w/a", 1).header.revision;
    h.put(leader, "/w/b", 2);
    h.call(leader, { verb: "DeleteRange", deleteRange: { key: "/w/a" } });
    h.sim.inject("client", leader, {
      verb: "Watch",
      watchId: 7,
      key: "/w/",
      rangeEnd: prefixEnd("/w/"),
      startRevision: first,
      prevKv: true,
    } as Message);
    h.sim.advanceBy(10);
    h.put(leader, "/w/c", 3);
    h.sim.advanceBy(10);
    const events = h.watchEvents().flatMap((w) => w.events.map((e) => `${e.type} ${e.kv.key}`));
    expect(events).toEqual(["PUT /w/a", "PUT /w/b", "DELETE /w/a", "PUT /w/c"]);

    const compactTo = h.put(leader, "/w/d", 4).header.revision;
    expect(h.call(leader, { verb: "Compact", revision: compactTo }).error).toBeUndefined();
    h.sim.inject("client", leader, {
      verb: "Watch",
      watchId: 8,
      key: "/w/",
      startRevision: first,
    } as Message);
    h.sim.advanceBy(10);
    const canceled = h.watchEvents().find((w) => w.watchId === 8)!;
    expect(canceled).toMatchObject({
      canceled: true,
      compactRevision: compactTo,
      cancelReason: EtcdErrors.compacted,
    });
    const old = h.call(leader, { verb: "Range", range: { key: "/w/b", revision: first } });
    expect(old.error).toBe(EtcdErrors.compacted);
  });

  it("keeps serving with one member down, and the member catches up when it returns", () => {
    const h = new Harness(4);
    const leader = h.awaitLeader();
    const down = h.names.find((n) => n !== leader)!;
    const other = h.names.find((n) => n !== leader && n !== down)!;
    h.sim.stop(down);
    for (let i = 0; i < 20; i++) expect(h.put(other, `/k/${i}`, i).error).toBeUndefined();
    expect(h.get(other, "/k/19")).toBe(19);
    h.sim.start(down);
    h.sim.advanceBy(2000);
    expect(h.member(down).store.revision).toBe(h.member(leader).store.revision);
    expect(h.get(down, "/k/19")).toBe(19);
  });

  it("elects a new leader with a higher term when the leader dies, and loses no acknowledged write", () => {
    const h = new Harness(5);
    const leader = h.awaitLeader();
    const term = h.member(leader).term;
    const follower = h.names.find((n) => n !== leader)!;
    for (let i = 0; i < 5; i++) h.put(follower, `/a/${i}`, i);
    h.sim.stop(leader);
    const next = h.awaitLeader();
    expect(next).not.toBe(leader);
    expect(h.member(next).term).toBeGreaterThan(term);
    for (let i = 0; i < 5; i++) expect(h.get(next, `/a/${i}`)).toBe(i);
  });

  it("with two of three members down, writes fail with etcd's timeout after 7 s and work again when quorum returns", () => {
    const h = new Harness(6);
    const leader = h.awaitLeader();
    const [a, b] = h.names.filter((n) => n !== leader) as [string, string];
    expect(h.put(leader, "/before", 1).error).toBeUndefined();
    h.sim.stop(a);
    h.sim.stop(b);
    const start = h.sim.now;
    const failed = h.put(leader, "/during", 2);
    // etcd's request timeout: 5 s + 2 × election timeout.
    expect(h.sim.now - start).toBeGreaterThanOrEqual(7000);
    expect([
      EtcdErrors.requestTimedOut,
      EtcdErrors.timeoutDueToConnectionLost,
      EtcdErrors.timeoutDueToLeaderFail,
    ]).toContain(failed.error);
    // Check-quorum: the lone leader stepped down.
    expect(h.member(leader).role).not.toBe("leader");
    const read = h.call(leader, { verb: "Range", range: { key: "/before" } });
    expect(read.error).toBe(EtcdErrors.requestTimedOut);
    h.sim.start(a);
    const newLeader = h.awaitLeader(h.sim.now + 20_000);
    expect(h.put(newLeader, "/after", 3).error).toBeUndefined();
    expect(h.get(newLeader, "/before")).toBe(1);
    expect(h.get(newLeader, "/after")).toBe(3);
  });

  it("catches up a member that missed more than the log keeps, by snapshot", () => {
    const h = new Harness(7, 3, { snapshotCount: 20, catchUpEntries: 5 });
    const leader = h.awaitLeader();
    const down = h.names.find((n) => n !== leader)!;
    h.sim.stop(down);
    for (let i = 0; i < 60; i++) h.put(leader, `/s/${i}`, i);
    expect(h.member(leader).snapIndex).toBeGreaterThan(h.member(down).applied);
    h.sim.start(down);
    h.sim.advanceBy(3000);
    expect(h.member(down).store.revision).toBe(h.member(leader).store.revision);
    expect(h.get(down, "/s/59")).toBe(59);
  });

  it("deletes keys attached to a lease when it expires", () => {
    const h = new Harness(8);
    const leader = h.awaitLeader();
    const grant = h.call(leader, { verb: "LeaseGrant", ttl: 60 });
    const lease = (grant.result as { lease: number }).lease;
    h.call(leader, { verb: "Put", put: { key: "/registry/events/default/e1", value: "ev", lease } });
    h.sim.advanceBy(30_000);
    expect(h.get(leader, "/registry/events/default/e1")).toBe("ev");
    h.sim.advanceBy(31_000);
    expect(h.get(leader, "/registry/events/default/e1")).toBeUndefined();
  });

  it("never loses an acknowledged write across random crashes and restarts (property)", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(
          fc.record({ crash: fc.integer({ min: 0, max: 2 }), writes: fc.integer({ min: 1, max: 4 }) }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        (seed, rounds) => {
          const h = new Harness(seed);
          h.awaitLeader();
          const acked = new Map<string, number>();
          let n = 0;
          for (const round of rounds) {
            const victim = h.names[round.crash]!;
            h.sim.stop(victim);
            const alive = h.names.filter((x) => h.sim.isUp(x));
            for (let i = 0; i < round.writes; i++) {
              const key = `/p/${n++}`;
              const r = h.put(alive[i % alive.length]!, key, n);
              if (!r.error) acked.set(key, n);
            }
            h.sim.start(victim);
            h.sim.advanceBy(500);
          }
          const leader = h.awaitLeader(h.sim.now + 20_000);
          h.sim.advanceBy(3000);
          expect(acked.size).toBeGreaterThan(0);
          for (const name of h.names) {
            for (const [key, value] of acked) expect(h.member(name).store.kvs[key]?.value).toBe(value);
          }
          expect(h.leaders()).toEqual([leader]);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("restores from a snapshot mid-election and continues identically", () => {
    const run = (cut: number | null) => {
      const h = new Harness(99);
      let sim = h.sim;
      if (cut !== null) {
        sim.advanceTo(cut);
        sim = Simulation.restore(sim.serialize(), [etcdMemberBehavior]);
      }
      sim.advanceTo(5000);
      return sim.serialize();
    };
    const straight = run(null);
    for (const cut of [0, 950, 1234, 2500]) expect(run(cut)).toBe(straight);
  });
});
