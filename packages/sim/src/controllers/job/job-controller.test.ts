/**
 * The Job controller in a real control plane. The fake kubelet (controller-manager/testing)
 * runs pods and ends them with the exit code their template's `kubelab.test/exit-code`
 * annotation gives, standing in for the node side until it exists.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { EXIT_CODE_ANNOTATION, RUN_MS_ANNOTATION } from "../../controller-manager/testing/fake-kubelet";
import { getControllerOf } from "../framework/controller-ref";
import { parseTimestampMs } from "../framework/time";

/**
 * A Job. It brings its own selector (`manualSelector`) because the simulated apiserver does not
 * yet generate `batch.kubernetes.io/controller-uid` selectors on create (the Job registry's
 * generateSelector) while its validation already requires one.
 */
function job(name: string, spec: Record<string, unknown>, exitCode: number, runMs: number): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: "default" },
    spec: {
      ...spec,
      manualSelector: true,
      selector: { matchLabels: { "batch.kubernetes.io/job-name": name } },
      template: {
        metadata: {
          labels: { "batch.kubernetes.io/job-name": name },
          annotations: { [EXIT_CODE_ANNOTATION]: String(exitCode), [RUN_MS_ANNOTATION]: String(runMs) },
        },
        spec: { restartPolicy: "Never", containers: [{ name: "work", image: "busybox" }] },
      },
    },
  };
}

function cluster(): ControllerTestCluster {
  const c = new ControllerTestCluster({
    controllers: ["job", "serviceaccount"],
    kubelet: { startDelayMs: 1000 },
  });
  expect(c.waitFor(() => c.get("serviceaccounts", "default", "default") !== undefined)).toBe(true);
  return c;
}

const getJob = (c: ControllerTestCluster, name: string) => c.get("jobs.batch", "default", name)!;
const conditions = (j: KubeObject) =>
  ((j.status?.conditions ?? []) as { type: string; status: string; reason: string; message: string }[]).map(
    (x) => `${x.type}=${x.status} ${x.reason}: ${x.message}`,
  );
const podsOf = (c: ControllerTestCluster, name: string) =>
  c.list("pods", "default").filter((p) => getControllerOf(p)?.name === name);

describe("Job controller", () => {
  it("completions 5, parallelism 2: runs at most 2 pods at a time and completes", () => {
    const c = cluster();
    c.create("jobs.batch", job("pi", { completions: 5, parallelism: 2 }, 0, 3000));
    let maxRunning = 0;
    const done = c.waitFor(
      () => {
        const running = podsOf(c, "pi").filter(
          (p) => p.status?.phase === "Pending" || p.status?.phase === "Running",
        );
        maxRunning = Math.max(maxRunning, running.length);
        return conditions(getJob(c, "pi")).some((x) => x.startsWith("Complete=True"));
      },
      120_000,
      10,
    );
    expect(done).toBe(true);
    expect(maxRunning).toBe(2);
    const j = getJob(c, "pi");
    expect(conditions(j)).toEqual([
      "SuccessCriteriaMet=True CompletionsReached: Reached expected number of succeeded pods",
      "Complete=True CompletionsReached: Reached expected number of succeeded pods",
    ]);
    expect(j.status).toMatchObject({ succeeded: 5, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(j.status.active).toBeUndefined();
    expect(j.status.failed).toBeUndefined();
    expect(parseTimestampMs(j.status.completionTime)).toBeGreaterThan(parseTimestampMs(j.status.startTime));
    // Every pod was counted through the tracking finalizer, which is gone now.
    const pods = podsOf(c, "pi");
    expect(pods).toHaveLength(5);
    expect(pods.every((p) => (p.metadata.finalizers ?? []).length === 0)).toBe(true);
    expect(pods.every((p) => p.metadata.labels?.["batch.kubernetes.io/job-name"] === "pi")).toBe(true);
    c.advance(1000);
    const events = c.events("default", "pi").map((e) => `${e.type} ${e.reason}: ${e.message}`);
    expect(events.filter((e) => e.includes("SuccessfulCreate"))).toHaveLength(5);
    expect(events[events.length - 1]).toBe("Normal Completed: Job completed");
  });

  it("pods that fail stop the Job at backoffLimit with the real conditions, after 10 s × 2ⁿ back-off", () => {
    const c = cluster();
    c.create("jobs.batch", job("fail", { backoffLimit: 2 }, 1, 1000));
    expect(
      c.waitFor(() => conditions(getJob(c, "fail")).some((x) => x.startsWith("Failed=True")), 300_000, 10),
    ).toBe(true);
    const j = getJob(c, "fail");
    expect(conditions(j)).toEqual([
      "FailureTarget=True BackoffLimitExceeded: Job has reached the specified backoff limit",
      "Failed=True BackoffLimitExceeded: Job has reached the specified backoff limit",
    ]);
    expect(j.status.failed).toBe(3);
    expect(j.status.succeeded).toBeUndefined();
    expect(j.status.completionTime).toBeUndefined();
    // Three pods (backoffLimit 2 → the third failure ends it), created with growing back-off.
    const created = podsOf(c, "fail")
      .map((p) => parseTimestampMs(p.metadata.creationTimestamp!))
      .sort((a, b) => a - b);
    expect(created).toHaveLength(3);
    const gap1 = created[1]! - created[0]!;
    const gap2 = created[2]! - created[1]!;
    // run 1 s + start 1 s, then back-off 10 s (first failure) and 20 s (second).
    expect(gap1).toBeGreaterThanOrEqual(12_000);
    expect(gap1).toBeLessThanOrEqual(15_000);
    expect(gap2).toBeGreaterThanOrEqual(22_000);
    expect(gap2).toBeLessThanOrEqual(25_000);
    c.advance(1000);
    const last = c.events("default", "fail").at(-1)!;
    expect(`${last.type} ${last.reason}: ${last.message}`).toBe(
      "Warning BackoffLimitExceeded: Job has reached the specified backoff limit",
    );
  });

  it("activeDeadlineSeconds: the running pod is deleted and the Job fails with DeadlineExceeded", () => {
    const c = cluster();
    const t0 = c.sim.now;
    c.create("jobs.batch", job("slow", { activeDeadlineSeconds: 20 }, 0, 3_600_000));
    expect(
      c.waitFor(() => conditions(getJob(c, "slow")).some((x) => x.startsWith("Failed=True")), 120_000, 10),
    ).toBe(true);
    // startTime has one-second precision (metav1.Time), as in a real cluster.
    expect(c.sim.now - t0).toBeGreaterThanOrEqual(19_000);
    expect(c.sim.now - t0).toBeLessThan(25_000);
    expect(conditions(getJob(c, "slow"))).toEqual([
      "FailureTarget=True DeadlineExceeded: Job was active longer than specified deadline",
      "Failed=True DeadlineExceeded: Job was active longer than specified deadline",
    ]);
    expect(podsOf(c, "slow")).toHaveLength(0);
    expect(getJob(c, "slow").status.failed).toBe(1);
  });

  it("Indexed: one pod per index with its annotation, label, hostname and env, completedIndexes", () => {
    const c = cluster();
    c.create(
      "jobs.batch",
      job("idx", { completions: 3, parallelism: 3, completionMode: "Indexed" }, 0, 1000),
    );
    expect(
      c.waitFor(() => conditions(getJob(c, "idx")).some((x) => x.startsWith("Complete=True")), 60_000),
    ).toBe(true);
    const j = getJob(c, "idx");
    expect(j.status.completedIndexes).toBe("0-2");
    expect(j.status.succeeded).toBe(3);
    const pods = podsOf(c, "idx").sort((a, b) =>
      a.metadata.annotations!["batch.kubernetes.io/job-completion-index"]!.localeCompare(
        b.metadata.annotations!["batch.kubernetes.io/job-completion-index"]!,
      ),
    );
    expect(pods.map((p) => p.metadata.annotations!["batch.kubernetes.io/job-completion-index"])).toEqual([
      "0",
      "1",
      "2",
    ]);
    expect(pods.map((p) => p.metadata.labels!["batch.kubernetes.io/job-completion-index"])).toEqual([
      "0",
      "1",
      "2",
    ]);
    expect(pods[1]!.metadata.name).toMatch(/^idx-1-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pods[1]!.spec.hostname).toBe("idx-1");
    expect(pods[1]!.spec.containers[0].env).toEqual([
      {
        name: "JOB_COMPLETION_INDEX",
        // apiVersion: v1 is the apiserver's default for fieldRef.
        valueFrom: {
          fieldRef: {
            apiVersion: "v1",
            fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
          },
        },
      },
    ]);
  });
});
