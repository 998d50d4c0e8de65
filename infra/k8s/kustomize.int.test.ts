import { existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AppContract,
  apps,
  livenessPath,
  migrateScript,
  readinessPath,
  websocketPath,
} from "../test-support/app-contract";
import {
  findObject,
  type KubeObject,
  kubectlMissingReason,
  renderKustomization,
} from "../test-support/kustomize";
import { repoRoot } from "../test-support/repo-root";

// Renders the manifests with the real `kubectl kustomize` and checks what a
// cluster operator would otherwise find out only after `kubectl apply`.

const missing = kubectlMissingReason();
if (missing) console.warn(`SKIPPED infra/k8s tests: ${missing}`);

/** Image repositories per overlay; production must pin a release tag. */
const overlays = [
  { dir: "overlays/dev", registry: "kubelab/", tag: "local", hasSecret: true },
  { dir: "overlays/production", registry: "registry.example.com/kubelab/", tag: "0.1.0", hasSecret: false },
] as const;

function containerPort(container: KubeObject, portRef: string | number): number | undefined {
  if (typeof portRef === "number") return portRef;
  return container.ports?.find((p: KubeObject) => p.name === portRef)?.containerPort;
}

function servicePort(service: KubeObject, portRef: { name?: string; number?: number }): KubeObject {
  return service.spec.ports.find(
    (p: KubeObject) => (portRef.name !== undefined && p.name === portRef.name) || p.port === portRef.number,
  );
}

function envValue(container: KubeObject, name: string): KubeObject | undefined {
  return container.env?.find((e: KubeObject) => e.name === name);
}

describe.skipIf(missing !== undefined)("kustomize manifests (kubectl kustomize)", () => {
  it("the base renders too (it is the template every overlay starts from)", () => {
    const objects = renderKustomization("base");
    const secret = findObject(objects, "Secret", "kubelab-secrets");
    // Every secret value in the template is a visible placeholder (or empty).
    for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) {
      if (key.startsWith("GITHUB_")) expect(value).toBe("");
      else expect(value, key).toContain("CHANGE-ME");
    }
  });

  for (const overlay of overlays) {
    describe(overlay.dir, () => {
      let objects: KubeObject[] = [];
      beforeAll(() => {
        objects = renderKustomization(overlay.dir);
      });

      it("puts every namespaced object in the kubelab namespace, which enforces the restricted Pod Security Standard", () => {
        const namespace = findObject(objects, "Namespace", "kubelab");
        expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
        for (const object of objects.filter((o) => o.kind !== "Namespace")) {
          expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe("kubelab");
        }
      });

      for (const app of apps) {
        describe(`${app.name}`, () => {
          let deployment: KubeObject;
          let container: KubeObject;
          beforeAll(() => {
            deployment = findObject(objects, "Deployment", app.name);
            container = deployment.spec.template.spec.containers.find((c: KubeObject) => c.name === app.name);
          });

          it("runs its own image with the overlay's tag", () => {
            expect(container).toBeDefined();
            expect(container.image).toBe(`${overlay.registry}${app.name}:${overlay.tag}`);
          });

          it(`probes readiness on ${readinessPath} and liveness on ${livenessPath}, on the port the app listens on`, () => {
            const readiness = container.readinessProbe?.httpGet;
            const liveness = container.livenessProbe?.httpGet;
            expect(readiness?.path).toBe(readinessPath);
            expect(liveness?.path).toBe(livenessPath);
            expect(containerPort(container, readiness.port)).toBe(app.port);
            expect(containerPort(container, liveness.port)).toBe(app.port);
            // The startup probe must not check dependencies either, or an outage
            // at start-up would kill pods that are merely waiting.
            expect(container.startupProbe?.httpGet?.path).toBe(livenessPath);
            expect(envValue(container, "PORT")?.value).toBe(String(app.port));
          });

          it("sets CPU and memory requests and limits on every container", () => {
            const podSpec = deployment.spec.template.spec;
            for (const c of [...(podSpec.initContainers ?? []), ...podSpec.containers]) {
              for (const bound of ["requests", "limits"]) {
                expect(c.resources?.[bound]?.cpu, `${c.name} ${bound}.cpu`).toBeDefined();
                expect(c.resources?.[bound]?.memory, `${c.name} ${bound}.memory`).toBeDefined();
              }
            }
          });

          it("runs as non-root without privileges (restricted Pod Security Standard)", () => {
            const podSpec = deployment.spec.template.spec;
            expect(podSpec.securityContext.runAsNonRoot).toBe(true);
            expect(podSpec.securityContext.seccompProfile.type).toBe("RuntimeDefault");
            for (const c of [...(podSpec.initContainers ?? []), ...podSpec.containers]) {
              expect(c.securityContext.allowPrivilegeEscalation, c.name).toBe(false);
              expect(c.securityContext.capabilities.drop, c.name).toEqual(["ALL"]);
            }
          });

          it("passes only the environment the app reads, from objects that exist", () => {
            const configMaps = objects.filter((o) => o.kind === "ConfigMap");
            const names = new Set<string>((container.env ?? []).map((e: KubeObject) => e.name));
            for (const source of container.envFrom ?? []) {
              const configMap = configMaps.find((o) => o.metadata.name === source.configMapRef?.name);
              expect(configMap, `envFrom ${JSON.stringify(source)}`).toBeDefined();
              for (const key of Object.keys(configMap.data)) {
                // The shared ConfigMap also carries other apps' settings; those
                // must still be settings some app reads.
                expect(
                  apps.some((a) => a.env.includes(key)),
                  `ConfigMap key ${key}`,
                ).toBe(true);
                if (app.env.includes(key)) names.add(key);
              }
            }
            for (const name of (container.env ?? []).map((e: KubeObject) => e.name)) {
              expect(app.env, `env ${name}`).toContain(name);
            }
            for (const name of app.requiredEnv) expect([...names], `required ${name}`).toContain(name);

            const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === "kubelab-secrets");
            for (const entry of container.env ?? []) {
              const ref = entry.valueFrom?.secretKeyRef;
              if (!ref) continue;
              expect(ref.name).toBe("kubelab-secrets");
              if (overlay.hasSecret && !ref.optional)
                expect(Object.keys(secret.stringData)).toContain(ref.key);
            }
          });

          it("has a Service whose selector picks its pods and whose port reaches the app", () => {
            const service = findObject(objects, "Service", app.name);
            const labels = deployment.spec.template.metadata.labels;
            expect(Object.keys(service.spec.selector).length).toBeGreaterThan(0);
            for (const [key, value] of Object.entries(service.spec.selector)) expect(labels[key]).toBe(value);
            expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
            const port = servicePort(service, { number: app.port });
            expect(port?.port).toBe(app.port);
            expect(containerPort(container, port.targetPort)).toBe(app.port);
          });
        });
      }

      it("applies migrations before web and worker start, with the script the repository ships", () => {
        expect(existsSync(path.join(repoRoot, migrateScript))).toBe(true);
        for (const name of ["web", "worker"]) {
          const podSpec = findObject(objects, "Deployment", name).spec.template.spec;
          const init = podSpec.initContainers?.find((c: KubeObject) => c.name === "migrate");
          expect(init, `${name} migrate init container`).toBeDefined();
          expect(init.command).toEqual(["node", `/app/${migrateScript}`]);
          // Same image as the app, so the migrations match the code being rolled out.
          expect(init.image).toBe(podSpec.containers[0].image);
          expect(init.env.map((e: KubeObject) => e.name)).toContain("DATABASE_URL");
        }
      });

      it("autoscales the worker Deployment with an autoscaling/v2 HorizontalPodAutoscaler on CPU", () => {
        const hpa = findObject(objects, "HorizontalPodAutoscaler", "worker");
        expect(hpa.apiVersion).toBe("autoscaling/v2");
        expect(hpa.spec.scaleTargetRef).toEqual({
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: "worker",
        });
        findObject(objects, "Deployment", "worker");
        expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
        expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
        const cpu = hpa.spec.metrics.find(
          (m: KubeObject) => m.type === "Resource" && m.resource.name === "cpu",
        );
        expect(cpu.resource.target).toEqual({ type: "Utilization", averageUtilization: 70 });
        // A replica count in the Deployment would reset the autoscaler on every apply.
        expect(findObject(objects, "Deployment", "worker").spec.replicas).toBeUndefined();
      });

      it(`routes ${websocketPath} to the gateway and / to web on one Ingress host`, () => {
        const ingress = findObject(objects, "Ingress", "kubelab");
        expect(ingress.spec.rules).toHaveLength(1);
        const paths: KubeObject[] = ingress.spec.rules[0].http.paths;
        const route = (p: string) => paths.find((entry) => entry.path === p);
        for (const [p, app] of [
          [websocketPath, "gateway"],
          ["/", "web"],
        ] as const) {
          const entry = route(p);
          expect(entry?.pathType, p).toBe("Prefix");
          expect(entry.backend.service.name).toBe(app);
          const service = findObject(objects, "Service", app);
          const contract = apps.find((a) => a.name === app) as AppContract;
          expect(servicePort(service, entry.backend.service.port)?.port).toBe(contract.port);
        }
        // Browsers open GATEWAY_PUBLIC_URL themselves: it must be this host's /ws.
        const config = objects.find((o) => o.kind === "ConfigMap");
        const host = ingress.spec.rules[0].host;
        expect(config.data.GATEWAY_PUBLIC_URL).toMatch(new RegExp(`^wss?://${host}${websocketPath}$`));
        expect(new URL(config.data.NEXTAUTH_URL).host).toBe(host);
      });
    });
  }

  it("dev: runs PostgreSQL and Redis in the cluster, and the apps' URLs point at them", () => {
    const objects = renderKustomization("overlays/dev");
    const secret = findObject(objects, "Secret", "kubelab-secrets");
    const postgres = findObject(objects, "Service", "postgres");
    const redis = findObject(objects, "Service", "redis");
    expect(new URL(secret.stringData.DATABASE_URL).host).toBe(
      `${postgres.metadata.name}:${postgres.spec.ports[0].port}`,
    );
    expect(new URL(secret.stringData.REDIS_URL).host).toBe(
      `${redis.metadata.name}:${redis.spec.ports[0].port}`,
    );
    const db = findObject(objects, "StatefulSet", "postgres");
    const dbCredentials = findObject(
      objects,
      "Secret",
      db.spec.template.spec.containers[0].envFrom[0].secretRef.name,
    );
    const url = new URL(secret.stringData.DATABASE_URL);
    expect(url.username).toBe(dbCredentials.stringData.POSTGRES_USER);
    expect(url.password).toBe(dbCredentials.stringData.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${dbCredentials.stringData.POSTGRES_DB}`);
    // BullMQ loses jobs if Redis evicts keys.
    const redisArgs = findObject(objects, "Deployment", "redis").spec.template.spec.containers[0].args;
    expect(redisArgs.join(" ")).toContain("--maxmemory-policy noeviction");
  });

  it("production: ships no placeholder Secret, adds queue-depth autoscaling, TLS and disruption budgets", () => {
    const objects = renderKustomization("overlays/production");
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    expect(JSON.stringify(objects)).not.toContain("CHANGE-ME");
    const hpa = findObject(objects, "HorizontalPodAutoscaler", "worker");
    const external = hpa.spec.metrics.find((m: KubeObject) => m.type === "External");
    expect(external.external.metric.name).toBe("kubelab_queue_waiting");
    expect(external.external.target.type).toBe("AverageValue");
    const ingress = findObject(objects, "Ingress", "kubelab");
    expect(ingress.spec.tls[0].hosts).toEqual([ingress.spec.rules[0].host]);
    for (const app of apps) {
      const budget = findObject(objects, "PodDisruptionBudget", app.name);
      const deployment = findObject(objects, "Deployment", app.name);
      expect(budget.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    }
  });
});
