import { describe, expect, it } from "vitest";
import {
  type ApiClientEvent,
  type ApiClientState,
  createApiClient,
  handleApiMessage,
  handleApiTimer,
} from "../apiserver/client/api-client";
import { controlPlaneBehaviors } from "../apiserver/control-plane";
import { ADMIN_USER } from "../apiserver/http";
import { ControlPlaneHarness } from "../apiserver/testing";
import { defineBehavior } from "../core/component";
import { Simulation } from "../core/simulation";
import { newHolderIdentity } from "./identity";
import {
  createLeaderElection,
  type ElectionResult,
  handleElectionMessage,
  handleElectionTimer,
  isLeader,
  type LeaderElectionState,
  startElection,
} from "./leader-elector";
import type { Lease } from "./lease-lock";

/** A component that does nothing but take part in the election (as a scheduler replica would). */
interface CandidateState {
  client: ApiClientState;
  hostname: string;
  election: LeaderElectionState | null;
  log: { at: number; result: ElectionResult; identity: string }[];
}

function note(s: CandidateState, at: number, r: ElectionResult | null): void {
  if (r === "becameLeader" || r === "lostLeadership")
    s.log.push({ at, result: r, identity: s.election?.config.identity ?? "" });
}

const candidate = defineBehavior<CandidateState>({
  kind: "test-election-candidate",
  onStart(ctx, s) {
    // A process start: a new identity, as kube-scheduler's `<hostname>_<uuid>`.
    s.election = createLeaderElection({
      lease: { namespace: "kube-system", name: "kube-scheduler" },
      identity: newHolderIdentity(ctx, s.hostname),
      eventSource: "default-scheduler",
    });
    startElection(ctx, s.client, s.election);
  },
  onMessage(ctx, s, msg) {
    const ev = handleApiMessage(ctx, s.client, msg);
    if (ev && s.election) note(s, ctx.now, handleElectionMessage(ctx, s.client, s.election, ev));
  },
  onTimer(ctx, s, timer) {
    const timeout: ApiClientEvent | null = handleApiTimer(ctx, s.client, timer);
    if (!s.election) return;
    if (timeout) note(s, ctx.now, handleElectionMessage(ctx, s.client, s.election, timeout));
    else note(s, ctx.now, handleElectionTimer(ctx, s.client, s.election, timer));
  },
  onStop(s) {
    return { ...s, client: { ...s.client, pending: {} }, election: null };
  },
});

function setup(seed = 7) {
  const h = new ControlPlaneHarness({ seed, behaviors: [candidate] }).boot();
  for (const id of ["sched-a", "sched-b"]) {
    const st: CandidateState = {
      client: createApiClient(h.cp.loadBalancer, ADMIN_USER),
      hostname: `cp-${id.slice(-1)}`,
      election: null,
      log: [],
    };
    h.sim.addComponent(id, "test-election-candidate", st);
  }
  const state = (id: string) => h.sim.componentState<CandidateState>(id);
  const leaders = () =>
    ["sched-a", "sched-b"].filter((id) => h.sim.isUp(id) && isLeader(state(id).election!));
  const lease = () =>
    h.request("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler");
  const events = () =>
    (
      h.request("GET", "/api/v1/namespaces/kube-system/events").body as {
        items: {
          reason: string;
          message: string;
          source: { component: string };
          involvedObject: { kind: string; name: string };
        }[];
      }
    ).items.filter((e) => e.reason === "LeaderElection");
  return { h, state, leaders, lease, events };
}

describe("leader election (Lease lock)", () => {
  it("elects exactly one of two candidates and records it on the Lease and in an Event", () => {
    const { h, state, leaders, lease, events } = setup();
    h.sim.advanceBy(5_000);
    expect(leaders()).toHaveLength(1);
    const leader = leaders()[0]!;
    const follower = leader === "sched-a" ? "sched-b" : "sched-a";
    expect(state(follower).election!.phase).toBe("acquiring");
    const identity = state(leader).election!.config.identity;
    expect(identity).toMatch(/^cp-[ab]_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const r = lease();
    expect(r.code).toBe(200);
    const spec = (r.body as Lease).spec!;
    expect(spec.holderIdentity).toBe(identity);
    expect(spec.leaseDurationSeconds).toBe(15);
    // Both candidates raced to create the Lease; the loser got 409 and did not count a transition.
    expect(spec.leaseTransitions).toBe(0);
    expect(spec.acquireTime).toMatch(/^2025-01-01T00:00:\d\d\.\d{6}Z$/);
    expect(spec.renewTime! >= spec.acquireTime!).toBe(true);

    const evs = events();
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({
      message: `${identity} became leader`,
      source: { component: "default-scheduler" },
      involvedObject: { kind: "Lease", name: "kube-scheduler" },
    });

    // The leader keeps renewing every retryPeriod (2 s): renewTime moves, nothing else changes.
    const before = spec.renewTime!;
    h.sim.advanceBy(6_000);
    const after = (lease().body as Lease).spec!;
    expect(after.renewTime! > before).toBe(true);
    expect(after.holderIdentity).toBe(identity);
    expect(leaders()).toEqual([leader]);
  });

  it("hands over to the other replica once the killed leader's lease has expired", () => {
    const { h, state, leaders, lease, events } = setup(11);
    h.sim.advanceBy(8_000);
    const [leader] = leaders();
    const follower = leader === "sched-a" ? "sched-b" : "sched-a";
    // The leader's last successful renewal (it set observedTime when its write succeeded).
    const lastRenewal = state(leader!).election!.observedTime;
    const acquiredFirst = (lease().body as Lease).spec!.acquireTime;
    h.sim.stop(leader!);
    const killedAt = h.sim.now;
    expect(h.sim.runUntil(() => leaders().length === 1, killedAt + 60_000)).toBe(true);
    const takeover = state(follower).log.find((l) => l.result === "becameLeader")!;
    // Not before leaseDuration (15 s) after the last renewal the follower could observe …
    expect(takeover.at - lastRenewal).toBeGreaterThanOrEqual(15_000);
    // … and at most one observation lag plus one jittered retry (2 s × 2.2) later.
    expect(takeover.at - lastRenewal).toBeLessThanOrEqual(15_000 + 2 * 4_400 + 100);

    const spec = (lease().body as Lease).spec!;
    expect(spec.holderIdentity).toBe(state(follower).election!.config.identity);
    expect(spec.leaseTransitions).toBe(1);
    // A new holder: acquireTime is when it took over (renewals keep it).
    expect(spec.acquireTime! > spec.renewTime!).toBe(false);
    expect(spec.acquireTime).not.toBe(acquiredFirst);
    expect(events().map((e) => e.message)).toContain(
      `${state(follower).election!.config.identity} became leader`,
    );
  });

  it("a partitioned leader stops leading after renewDeadline, before anyone else can take over", () => {
    const { h, state, leaders } = setup(3);
    h.sim.advanceBy(8_000);
    const [leader] = leaders();
    const follower = leader === "sched-a" ? "sched-b" : "sched-a";
    const lastRenewal = state(leader!).election!.observedTime;
    h.sim.cutLink(leader!, h.cp.loadBalancer);
    expect(h.sim.runUntil(() => !isLeader(state(leader!).election!), h.sim.now + 30_000)).toBe(true);
    const lost = state(leader!).log.find((l) => l.result === "lostLeadership")!;
    // The next renewal poll started retryPeriod after the last success and gave up renewDeadline later.
    expect(lost.at - lastRenewal).toBe(2_000 + 10_000);

    expect(h.sim.runUntil(() => isLeader(state(follower).election!), h.sim.now + 30_000)).toBe(true);
    const takeover = state(follower).log.find((l) => l.result === "becameLeader")!;
    // Safety: the old leader had stopped before the lease could be taken (15 s > 10 s).
    expect(takeover.at).toBeGreaterThan(lost.at);
    expect(takeover.at - lastRenewal).toBeGreaterThanOrEqual(15_000);
    expect(leaders()).toEqual([follower]);
  });

  it("is plain data: a snapshot taken mid-election has the same future", () => {
    const { h } = setup(5);
    h.sim.advanceBy(3_100);
    h.sim.stop("sched-a");
    const snapshot = h.sim.serialize();
    const again = Simulation.restore(snapshot, [...controlPlaneBehaviors, candidate]);
    h.sim.advanceBy(40_000);
    again.advanceBy(40_000);
    const logOf = (sim: Simulation) => sim.componentState<CandidateState>("sched-b").log;
    expect(logOf(again)).toEqual(logOf(h.sim));
    expect(again.serialize()).toBe(h.sim.serialize());
  });
});
