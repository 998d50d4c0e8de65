import { describe, expect, it } from "vitest";
import { applyDefaults, defaultServiceIPFamilies, generateJobSelector, imageTag } from "./index";

describe("image tags", () => {
  it("resolve as ParseImageName does", () => {
    expect(imageTag("nginx")).toBe("latest");
    expect(imageTag("nginx:1.27")).toBe("1.27");
    expect(imageTag("registry:5000/app")).toBe("latest");
    expect(imageTag("registry:5000/app:v2")).toBe("v2");
    expect(imageTag("nginx@sha256:abc")).toBe("");
  });
});

describe("defaults", () => {
  it("fill a Deployment like the v1.32 apiserver", () => {
    const d = applyDefaults({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [
              { name: "a", image: "nginx", ports: [{ containerPort: 80 }] },
              { name: "b", image: "nginx:1.27", readinessProbe: { httpGet: { port: 80 } } },
            ],
          },
        },
      },
    });
    expect(d.spec).toEqual({
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { app: "web" }, creationTimestamp: null },
        spec: {
          containers: [
            {
              name: "a",
              image: "nginx",
              ports: [{ containerPort: 80, protocol: "TCP" }],
              imagePullPolicy: "Always",
              terminationMessagePath: "/dev/termination-log",
              terminationMessagePolicy: "File",
              resources: {},
            },
            {
              name: "b",
              image: "nginx:1.27",
              readinessProbe: {
                httpGet: { port: 80, path: "/", scheme: "HTTP" },
                timeoutSeconds: 1,
                periodSeconds: 10,
                successThreshold: 1,
                failureThreshold: 3,
              },
              imagePullPolicy: "IfNotPresent",
              terminationMessagePath: "/dev/termination-log",
              terminationMessagePolicy: "File",
              resources: {},
            },
          ],
          dnsPolicy: "ClusterFirst",
          restartPolicy: "Always",
          securityContext: {},
          terminationGracePeriodSeconds: 30,
          schedulerName: "default-scheduler",
        },
      },
    });
  });

  it("Recreate deployments get no rollingUpdate", () => {
    const d = applyDefaults({
      apiVersion: "apps/v1",
      kind: "Deployment",
      spec: { strategy: { type: "Recreate" } },
    });
    expect(d.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("pods copy limits to missing requests and enable service links", () => {
    const p = applyDefaults({
      apiVersion: "v1",
      kind: "Pod",
      spec: {
        containers: [
          {
            name: "c",
            image: "x:1",
            resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m" } },
          },
        ],
      },
    });
    expect(p.spec.containers[0].resources).toEqual({
      limits: { cpu: "1", memory: "1Gi" },
      requests: { cpu: "500m", memory: "1Gi" },
    });
    expect(p.spec.enableServiceLinks).toBe(true);
  });

  it("services, jobs, cronjobs, statefulsets, daemonsets, HPAs", () => {
    const svc = applyDefaults({ apiVersion: "v1", kind: "Service", spec: { ports: [{ port: 80 }] } });
    defaultServiceIPFamilies(svc);
    expect(svc.spec).toEqual({
      ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
      sessionAffinity: "None",
      type: "ClusterIP",
      internalTrafficPolicy: "Cluster",
      ipFamilyPolicy: "SingleStack",
      ipFamilies: ["IPv4"],
    });
    const lb = applyDefaults({
      apiVersion: "v1",
      kind: "Service",
      spec: { type: "LoadBalancer", ports: [] },
    });
    expect(lb.spec).toMatchObject({ externalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: true });

    const job = applyDefaults({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "pi", uid: "u1" },
      spec: { template: { spec: { restartPolicy: "Never", containers: [] } } },
    });
    expect(job.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: "NonIndexed",
      suspend: false,
      podReplacementPolicy: "TerminatingOrFailed",
    });
    generateJobSelector(job);
    expect(job.spec.selector).toEqual({ matchLabels: { "batch.kubernetes.io/controller-uid": "u1" } });
    expect(job.spec.template.metadata.labels["job-name"]).toBe("pi");

    const cj = applyDefaults({ apiVersion: "batch/v1", kind: "CronJob", spec: { schedule: "* * * * *" } });
    expect(cj.spec).toMatchObject({
      concurrencyPolicy: "Allow",
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });

    const sts = applyDefaults({ apiVersion: "apps/v1", kind: "StatefulSet", spec: {} });
    expect(sts.spec).toMatchObject({
      podManagementPolicy: "OrderedReady",
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      replicas: 1,
      revisionHistoryLimit: 10,
    });

    const ds = applyDefaults({ apiVersion: "apps/v1", kind: "DaemonSet", spec: {} });
    expect(ds.spec.updateStrategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });

    const hpa = applyDefaults({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      spec: { behavior: {} },
    });
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(80);
    expect(hpa.spec.behavior.scaleUp.policies).toHaveLength(2);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBeUndefined();
  });

  it("namespaces get their name label, secrets their type", () => {
    expect(
      applyDefaults({ apiVersion: "v1", kind: "Namespace", metadata: { name: "dev" } }).metadata.labels,
    ).toEqual({
      "kubernetes.io/metadata.name": "dev",
    });
    expect(applyDefaults({ apiVersion: "v1", kind: "Secret" }).type).toBe("Opaque");
  });
});
