import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EtcdErrors } from "./errors";
import {
  changesSince,
  compact,
  createStore,
  deleteRange,
  MvccError,
  prefixEnd,
  put,
  range,
  txn,
} from "./mvcc";

describe("MVCC store", () => {
  it("tracks the global revision, create/mod revision and version per key", () => {
    const s = createStore();
    expect(s.revision).toBe(1);
    put(s, { key: "/a", value: { v: 1 } });
    put(s, { key: "/b", value: { v: 1 } });
    put(s, { key: "/a", value: { v: 2 } });
    const a = range(s, { key: "/a" }).kvs[0]!;
    expect(a).toMatchObject({ createRevision: 2, modRevision: 4, version: 2, value: { v: 2 } });
    deleteRange(s, { key: "/a" });
    expect(range(s, { key: "/a" }).count).toBe(0);
    put(s, { key: "/a", value: { v: 3 } });
    // A re-created key starts a new generation: version 1, new create revision.
    expect(range(s, { key: "/a" }).kvs[0]).toMatchObject({ createRevision: 6, modRevision: 6, version: 1 });
  });

  it("ranges over a prefix in key order, with limit and count", () => {
    const s = createStore();
    for (const n of ["c", "a", "b", "d"]) put(s, { key: `/registry/pods/default/${n}`, value: n });
    put(s, { key: "/registry/services/default/x", value: "svc" });
    const p = "/registry/pods/";
    const all = range(s, { key: p, rangeEnd: prefixEnd(p) });
    expect(all.kvs.map((kv) => kv.value)).toEqual(["a", "b", "c", "d"]);
    const page = range(s, { key: p, rangeEnd: prefixEnd(p), limit: 2 });
    expect(page).toMatchObject({ count: 4, more: true });
    expect(page.kvs.map((kv) => kv.value)).toEqual(["a", "b"]);
    expect(range(s, { key: p, rangeEnd: prefixEnd(p), countOnly: true })).toMatchObject({
      count: 4,
      kvs: [],
    });
  });

  it("compares and swaps on mod revision in a transaction", () => {
    const s = createStore();
    put(s, { key: "/k", value: 1 });
    const ok = txn(s, {
      compare: [{ key: "/k", target: "MOD", result: "EQUAL", value: 2 }],
      success: [{ put: { key: "/k", value: 2 } }],
      failure: [{ range: { key: "/k" } }],
    });
    expect(ok.result.succeeded).toBe(true);
    const stale = txn(s, {
      compare: [{ key: "/k", target: "MOD", result: "EQUAL", value: 2 }],
      success: [{ put: { key: "/k", value: 3 } }],
      failure: [{ range: { key: "/k" } }],
    });
    expect(stale.result.succeeded).toBe(false);
    expect(stale.changes).toBeNull();
    expect(stale.result.responses[0]).toMatchObject({ range: { kvs: [{ value: 2, modRevision: 3 }] } });
    expect(s.revision).toBe(3);
  });

  it("reads at an old revision and refuses compacted ones", () => {
    const s = createStore();
    put(s, { key: "/x/1", value: "a" }); // rev 2
    put(s, { key: "/x/2", value: "b" }); // rev 3
    deleteRange(s, { key: "/x/1" }); // rev 4
    put(s, { key: "/x/2", value: "c" }); // rev 5
    const at3 = range(s, { key: "/x/", rangeEnd: prefixEnd("/x/"), revision: 3 });
    expect(at3.kvs.map((kv) => kv.value)).toEqual(["a", "b"]);
    compact(s, 4);
    expect(() => range(s, { key: "/x/", rangeEnd: prefixEnd("/x/"), revision: 3 })).toThrow(
      new MvccError(EtcdErrors.compacted),
    );
    expect(() => changesSince(s, 3, "/x/", prefixEnd("/x/"))).toThrow(EtcdErrors.compacted);
    expect(changesSince(s, 5, "/x/", prefixEnd("/x/")).map((c) => c.rev)).toEqual([5]);
    expect(range(s, { key: "/x/", rangeEnd: prefixEnd("/x/") }).kvs.map((kv) => kv.value)).toEqual(["c"]);
  });

  it("reads at any past revision what was current then (property)", () => {
    type Op = { del: boolean; key: number; value: number };
    const opArb = fc.record({ del: fc.boolean(), key: fc.integer({ min: 0, max: 5 }), value: fc.integer() });
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops: Op[]) => {
        const s = createStore();
        const snapshots: Map<number, string> = new Map();
        const model = new Map<string, number>();
        snapshots.set(s.revision, JSON.stringify([...model].sort()));
        for (const op of ops) {
          const key = `/k/${op.key}`;
          if (op.del) {
            deleteRange(s, { key });
            model.delete(key);
          } else {
            put(s, { key, value: op.value });
            model.set(key, op.value);
          }
          snapshots.set(s.revision, JSON.stringify([...model].sort()));
        }
        for (const [rev, expected] of snapshots) {
          const got = range(s, { key: "/k/", rangeEnd: prefixEnd("/k/"), revision: rev }).kvs.map((kv) => [
            kv.key,
            kv.value,
          ]);
          expect(JSON.stringify(got)).toBe(expected);
        }
      }),
    );
  });
});
