/**
 * The CronJob controller with the Job controller in a real control plane. Job pods run and
 * exit through the fake kubelet (controller-manager/testing), standing in for the node side.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { EXIT_CODE_ANNOTATION, RUN_MS_ANNOTATION } from "../../controller-manager/testing/fake-kubelet";
import { getControllerOf } from "../framework/controller-ref";
import { parseTimestampMs } from "../framework/time";

/**
 * A CronJob. Its Jobs bring their own selector (`manualSelector`) because the simulated
 * apiserver does not yet generate one on Job create, while its validation requires one.
 */
function cronJob(name: string, spec: Record<string, unknown>, runMs: number): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace: "default" },
    spec: {
      schedule: "*/1 * * * *",
      ...spec,
      jobTemplate: {
        spec: {
          manualSelector: true,
          selector: { matchLabels: { cronjob: name } },
          template: {
            metadata: {
              labels: { cronjob: name },
              annotations: { [EXIT_CODE_ANNOTATION]: "0", [RUN_MS_ANNOTATION]: String(runMs) },
            },
            spec: { restartPolicy: "OnFailure", containers: [{ name: "hello", image: "busybox" }] },
          },
        },
      },
    },
  };
}

function cluster(): ControllerTestCluster {
  const c = new ControllerTestCluster({
    controllers: ["cronjob", "job", "serviceaccount", "garbagecollector"],
    kubelet: { startDelayMs: 1000 },
  });
  expect(c.waitFor(() => c.get("serviceaccounts", "default", "default") !== undefined)).toBe(true);
  return c;
}

const jobsOf = (c: ControllerTestCluster, name: string) =>
  c.list("jobs.batch", "default").filter((j) => getControllerOf(j)?.name === name);

describe("CronJob controller", () => {
  it("starts a Job every minute named <cronjob>-<minutes>, records completions, keeps the history limit", () => {
    const c = cluster();
    c.create("cronjobs.batch", cronJob("hello", { successfulJobsHistoryLimit: 2 }, 5000));
    // The epoch is 2025-01-01T00:00:00Z: schedules at 00:01, 00:02, 00:03, 00:04.
    c.advance(4 * 60_000 + 30_000);
    const names = jobsOf(c, "hello")
      .map((j) => j.metadata.name)
      .sort();
    const minute = (m: number) => `hello-${Math.floor(parseTimestampMs(`2025-01-01T00:0${m}:00Z`) / 60_000)}`;
    expect(names).toEqual([minute(3), minute(4)]);
    const job = jobsOf(c, "hello").find((j) => j.metadata.name === minute(4))!;
    expect(job.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe(
      "2025-01-01T00:04:00Z",
    );
    // Created 100 ms after the scheduled time (nextScheduleDelta) plus a round trip.
    expect(
      parseTimestampMs(job.metadata.creationTimestamp!) - parseTimestampMs("2025-01-01T00:04:00Z"),
    ).toBeLessThan(1000);
    const cj = c.get("cronjobs.batch", "default", "hello")!;
    expect(cj.status.lastScheduleTime).toBe("2025-01-01T00:04:00Z");
    expect(cj.status.lastSuccessfulTime).toBeDefined();
    expect(cj.status.active).toBeUndefined();
    const events = c.events("default", "hello").map((e) => `${e.reason}: ${e.message}`);
    expect(events).toContain(`SuccessfulCreate: Created job ${minute(1)}`);
    expect(events).toContain(`SawCompletedJob: Saw completed job: ${minute(1)}, condition: Complete`);
    expect(events).toContain(`SuccessfulDelete: Deleted job ${minute(1)}`);
  });

  it("Forbid: no new Job while one runs (JobAlreadyActive); Replace: the running one is replaced", () => {
    const c = cluster();
    c.create("cronjobs.batch", cronJob("forbid", { concurrencyPolicy: "Forbid" }, 150_000));
    c.create("cronjobs.batch", cronJob("replace", { concurrencyPolicy: "Replace" }, 150_000));
    c.advance(2 * 60_000 + 30_000);
    expect(jobsOf(c, "forbid")).toHaveLength(1);
    expect(c.get("cronjobs.batch", "default", "forbid")!.status.active).toHaveLength(1);
    expect(c.events("default", "forbid").map((e) => e.reason)).toContain("JobAlreadyActive");
    const replaced = jobsOf(c, "replace").filter((j) => !j.metadata.deletionTimestamp);
    expect(replaced.map((j) => j.metadata.name)).toEqual([
      `replace-${Math.floor(parseTimestampMs("2025-01-01T00:02:00Z") / 60_000)}`,
    ]);
    expect(c.events("default", "replace").map((e) => e.reason)).toContain("SuccessfulDelete");
  });

  it("a suspended CronJob starts nothing", () => {
    const c = cluster();
    c.create("cronjobs.batch", cronJob("paused", { suspend: true }, 1000));
    c.advance(3 * 60_000);
    expect(jobsOf(c, "paused")).toHaveLength(0);
  });
});
