import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ComponentBehavior, type Context, defineBehavior, type Message, type Timer } from "./component";
import { Simulation } from "./simulation";
import type { TraceEvent } from "./trace";

/** A gossiping test component: forwards tokens to random peers, sets and cancels timers. */
interface GossipState {
  peers: string[];
  seen: number;
  pending: number[];
  log: string[];
}
interface Token extends Message {
  verb: "TOKEN";
  hops: number;
}
const gossip: ComponentBehavior = defineBehavior<GossipState>({
  kind: "gossip",
  onStart(ctx, s) {
    s.pending.push(ctx.setTimer(50 + ctx.randomInt(100), { name: "tick" }));
  },
  onMessage(ctx: Context, s, msg) {
    if (msg.verb !== "TOKEN") return;
    const t = msg as Token;
    s.seen++;
    s.log.push(`${ctx.now}:${t.hops}`);
    if (t.hops > 0) {
      const to = s.peers[ctx.randomInt(s.peers.length)]!;
      ctx.send(to, { verb: "TOKEN", hops: t.hops - 1, object: `token/${t.hops}` } as Token, {
        latencyMs: 1 + ctx.randomInt(20),
      });
    }
    // Cancel an older timer now and then: cancellation must survive snapshots too.
    if (s.pending.length > 2 && ctx.random() < 0.3) ctx.cancelTimer(s.pending.shift()!);
  },
  onTimer(ctx, s, timer: Timer) {
    if (timer.name !== "tick") return;
    s.pending.push(ctx.setTimer(50 + ctx.randomInt(100), { name: "tick" }));
    const to = s.peers[ctx.randomInt(s.peers.length)]!;
    ctx.send(to, { verb: "TOKEN", hops: 3, detail: ctx.timestamp() } as Token);
  },
});

function build(seed: number): Simulation {
  const sim = Simulation.create({ seed }, [gossip]);
  const ids = ["a", "b", "c", "d"];
  for (const id of ids) sim.addComponent(id, "gossip", { peers: ids, seen: 0, pending: [], log: [] });
  sim.addMailbox("user");
  return sim;
}

/** An input the host applies at a given time. */
type Input = { at: number; op: "inject" | "stop" | "start"; target: string };

function applyInputsUntil(sim: Simulation, inputs: Input[], from: number, until: number, out: TraceEvent[]) {
  for (const input of inputs) {
    if (input.at < from || input.at >= until) continue;
    sim.advanceTo(input.at);
    out.push(...sim.drainTrace());
    if (input.op === "inject") sim.inject("user", input.target, { verb: "TOKEN", hops: 5 } as Token);
    else if (input.op === "stop") sim.stop(input.target);
    else sim.start(input.target);
  }
  sim.advanceTo(until);
  out.push(...sim.drainTrace());
}

const inputArb = fc.array(
  fc.record({
    at: fc.integer({ min: 0, max: 4000 }),
    op: fc.constantFrom("inject" as const, "stop" as const, "start" as const),
    target: fc.constantFrom("a", "b", "c", "d"),
  }),
  { maxLength: 20 },
);
const sortInputs = (xs: Input[]) => [...xs].sort((x, y) => x.at - y.at);

describe("Simulation", () => {
  it("gives a byte-identical trace for the same seed and inputs", () => {
    fc.assert(
      fc.property(fc.integer(), inputArb, (seed, raw) => {
        const inputs = sortInputs(raw);
        const t1: TraceEvent[] = [];
        const t2: TraceEvent[] = [];
        applyInputsUntil(build(seed), inputs, 0, 5000, t1);
        applyInputsUntil(build(seed), inputs, 0, 5000, t2);
        expect(t1.length).toBeGreaterThan(0);
        expect(JSON.stringify(t1)).toBe(JSON.stringify(t2));
      }),
      { numRuns: 30 },
    );
  });

  it("gives a different trace for a different seed", () => {
    const t1: TraceEvent[] = [];
    const t2: TraceEvent[] = [];
    applyInputsUntil(build(1), [], 0, 3000, t1);
    applyInputsUntil(build(2), [], 0, 3000, t2);
    expect(JSON.stringify(t1)).not.toBe(JSON.stringify(t2));
  });

  it("restored from a snapshot at a random cut point, gives the same future", () => {
    fc.assert(
      fc.property(fc.integer(), inputArb, fc.integer({ min: 0, max: 5000 }), (seed, raw, cut) => {
        const inputs = sortInputs(raw);
        const straight: TraceEvent[] = [];
        const a = build(seed);
        applyInputsUntil(a, inputs, 0, 5000, straight);

        const split: TraceEvent[] = [];
        const b = build(seed);
        applyInputsUntil(b, inputs, 0, cut, split);
        const restored = Simulation.restore(b.serialize(), [gossip]);
        applyInputsUntil(restored, inputs, cut, 5000, split);

        expect(JSON.stringify(split)).toBe(JSON.stringify(straight));
        expect(restored.serialize()).toBe(a.serialize());
      }),
      { numRuns: 40 },
    );
  });

  it("restores a compact snapshot to the same future, keeping shared objects shared", () => {
    fc.assert(
      fc.property(fc.integer(), inputArb, fc.integer({ min: 0, max: 5000 }), (seed, raw, cut) => {
        const inputs = sortInputs(raw);
        const straight: TraceEvent[] = [];
        const a = build(seed);
        applyInputsUntil(a, inputs, 0, 5000, straight);
        const split: TraceEvent[] = [];
        const b = build(seed);
        applyInputsUntil(b, inputs, 0, cut, split);
        const restored = Simulation.restore(b.serialize({ compact: true }), [gossip]);
        applyInputsUntil(restored, inputs, cut, 5000, split);
        expect(JSON.stringify(split)).toBe(JSON.stringify(straight));
        expect(restored.serialize({ compact: true })).toBe(a.serialize({ compact: true }));
      }),
      { numRuns: 20 },
    );
  });

  it("drops timers and in-flight messages of a stopped component and restarts it", () => {
    const sim = build(7);
    sim.advanceTo(1000);
    const seenBefore = sim.componentState<GossipState>("b").seen;
    sim.stop("b");
    sim.advanceTo(2000);
    expect(sim.componentState<GossipState>("b").seen).toBe(seenBefore);
    const dropped = sim.drainTrace().filter((t) => t.to === "b" && t.at > 1000);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((t) => t.detail === "dropped: target down")).toBe(true);
    sim.start("b");
    sim.advanceTo(3000);
    expect(sim.componentState<GossipState>("b").seen).toBeGreaterThan(seenBefore);
  });

  it("tells a sender that asked for it when the target is down", () => {
    const sim = build(3);
    sim.stop("c");
    sim.inject("user", "c", { verb: "TOKEN", hops: 1 } as Token, { refuse: true });
    sim.advanceBy(10);
    const out = sim.drainOutputs();
    expect(out).toHaveLength(1);
    expect(out[0]!.msg.verb).toBe("CONNECTION-REFUSED");
  });

  it("tells connected components when a component crashes, unless it stops silently", () => {
    const sim = Simulation.create({ seed: 1 }, [
      defineBehavior<null>({
        kind: "dialer",
        onStart(ctx) {
          ctx.connect("server");
        },
        onMessage() {},
        onTimer() {},
      }),
      gossip,
    ]);
    sim.addComponent("server", "gossip", { peers: ["server"], seen: 0, pending: [], log: [] });
    sim.addMailbox("client");
    sim.addComponent("dialer", "dialer", null);
    sim.inject("client", "server", { verb: "NOOP" });
    sim.advanceBy(5);
    sim.stop("server");
    sim.advanceBy(5);
    const closed = sim.drainTrace().filter((t) => t.verb === "CONNECTION-CLOSED");
    expect(closed.map((t) => `${t.from}>${t.to}`)).toEqual(["server>dialer"]);
    sim.start("server");
    sim.stop("server", { silent: true });
    sim.advanceBy(5);
    expect(sim.drainTrace().filter((t) => t.verb === "CONNECTION-CLOSED")).toHaveLength(0);
  });

  it("reports the next wake-up time and skips cancelled timers", () => {
    const sim = Simulation.create({ seed: 1 }, [
      defineBehavior<{ id: number }>({
        kind: "sleeper",
        onStart(ctx, s) {
          s.id = ctx.setTimer(100, { name: "early" });
          ctx.setTimer(500, { name: "late" });
        },
        onMessage(ctx, s) {
          ctx.cancelTimer(s.id);
        },
        onTimer() {},
      }),
    ]);
    sim.addComponent("s", "sleeper", { id: 0 });
    expect(sim.nextWakeAt()).toBe(100);
    sim.inject("s", "s", { verb: "CANCEL" }, { latencyMs: 0 });
    sim.advanceTo(0);
    expect(sim.nextWakeAt()).toBe(500);
    sim.advanceTo(600);
    expect(sim.nextWakeAt()).toBeNull();
    expect(sim.now).toBe(600);
  });

  it("formats timestamps from the epoch", () => {
    const sim = Simulation.create({ seed: 1, epoch: "2025-03-01T12:00:00Z" }, []);
    let ts = "";
    const probe = defineBehavior<null>({
      kind: "probe",
      onMessage(ctx) {
        ts = ctx.timestamp();
      },
      onTimer() {},
    });
    const s2 = Simulation.restore(sim.serialize(), [probe]);
    s2.addComponent("p", "probe", null);
    s2.advanceTo(86_400_000 + 61_000);
    s2.inject("p", "p", { verb: "X" }, { latencyMs: 0 });
    s2.advanceBy(0);
    expect(ts).toBe("2025-03-02T12:01:01Z");
  });
});
