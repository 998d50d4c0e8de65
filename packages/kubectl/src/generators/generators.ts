/**
 * The objects `kubectl create <generator>` builds (kubectl `pkg/cmd/create/create_*.go`), with
 * their keys in the Go struct order, so that `--dry-run=client -o json` prints exactly what real
 * kubectl prints (encoding/json follows struct field order for typed objects).
 */

/** A JSON object built in a chosen key order. */
export type Ordered = Record<string, unknown>;

function meta(name: string, namespace: string | undefined, labels?: Record<string, string>): Ordered {
  const m: Ordered = { name };
  if (namespace) m.namespace = namespace;
  m.creationTimestamp = null;
  if (labels) m.labels = labels;
  return m;
}

/** Sort a string map's keys as Go marshals maps. */
function sortedMap(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k]!;
  return out;
}

/** create_deployment.go buildPodSpec: a container per image, named after the image. */
function containerName(image: string, random: () => string): string {
  const parts = image.split("/");
  let name = parts[parts.length - 1]!;
  if (name.includes(":")) name = name.split(":")[0]!;
  if (name.includes("@")) name = name.split("@")[0]!;
  // sanitizeAndUniquify: `_` and `.` are not allowed in container names; a random suffix keeps them apart.
  if (/[_.]/.test(name)) name = `${name.replaceAll("_", "-").replaceAll(".", "-")}-${random()}`;
  return name;
}

/** `kubectl create deployment NAME --image=… [--replicas=N] [--port=P] [-- COMMAND…]`. */
export function generateDeployment(o: {
  name: string;
  namespace?: string;
  images: string[];
  replicas: number;
  port: number;
  command: string[];
  random?: () => string;
}): Ordered {
  const labels = { app: o.name };
  const containers = o.images.map((image, i) => {
    const c: Ordered = { name: containerName(image, o.random ?? (() => "xxxxx")), image };
    if (o.command.length > 0) c.command = o.command;
    if (i === 0 && o.port >= 0) c.ports = [{ containerPort: o.port }];
    c.resources = {};
    return c;
  });
  return {
    kind: "Deployment",
    apiVersion: "apps/v1",
    metadata: meta(o.name, o.namespace, labels),
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { creationTimestamp: null, labels }, spec: { containers } },
      strategy: {},
    },
    status: {},
  };
}

/** `kubectl create namespace NAME`. */
export function generateNamespace(o: { name: string }): Ordered {
  return { kind: "Namespace", apiVersion: "v1", metadata: meta(o.name, undefined), spec: {}, status: {} };
}

/** `kubectl create configmap NAME --from-literal=k=v …` (data, and binaryData for non-UTF-8 files). */
export function generateConfigMap(o: {
  name: string;
  namespace?: string;
  data: Record<string, string>;
  binaryData?: Record<string, string>;
}): Ordered {
  const cm: Ordered = { kind: "ConfigMap", apiVersion: "v1", metadata: meta(o.name, o.namespace) };
  if (Object.keys(o.data).length > 0) cm.data = sortedMap(o.data);
  if (o.binaryData && Object.keys(o.binaryData).length > 0) cm.binaryData = sortedMap(o.binaryData);
  return cm;
}

/** Base64 of a UTF-8 string (Go's StdEncoding). */
export function base64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** `kubectl create secret generic NAME --from-literal=k=v … [--type=T]`. */
export function generateSecretGeneric(o: {
  name: string;
  namespace?: string;
  type: string;
  data: Record<string, string>;
}): Ordered {
  const s: Ordered = { kind: "Secret", apiVersion: "v1", metadata: meta(o.name, o.namespace) };
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.data)) data[k] = base64(v);
  if (Object.keys(data).length > 0) s.data = sortedMap(data);
  if (o.type) s.type = o.type;
  return s;
}

/** create_service.go parsePorts: `port[:targetPort]`, the target a number or a name. */
function parsePort(spec: string): { port: number; targetPort: number | string } {
  const [p, t] = spec.split(":");
  const port = Number(p);
  if (!/^\d+$/.test(p ?? "") || port > 65535) throw new Error(`invalid port: ${spec}`);
  if (t === undefined) return { port, targetPort: port };
  return { port, targetPort: /^\d+$/.test(t) ? Number(t) : t };
}

/** `kubectl create service clusterip|nodeport NAME --tcp=port:target … [--clusterip=…] [--node-port=…]`. */
export function generateService(o: {
  name: string;
  namespace?: string;
  type: "ClusterIP" | "NodePort" | "LoadBalancer";
  tcp: string[];
  clusterIP: string;
  nodePort: number;
}): Ordered {
  const labels = { app: o.name };
  const ports = o.tcp.map((t) => {
    const { port, targetPort } = parsePort(t);
    const p: Ordered = { name: t.replaceAll(":", "-"), protocol: "TCP", port, targetPort };
    if (o.nodePort > 0) p.nodePort = o.nodePort;
    return p;
  });
  const spec: Ordered = {};
  if (ports.length > 0) spec.ports = ports;
  spec.selector = labels;
  if (o.clusterIP) spec.clusterIP = o.clusterIP;
  spec.type = o.type;
  return {
    kind: "Service",
    apiVersion: "v1",
    metadata: meta(o.name, o.namespace, labels),
    spec,
    status: { loadBalancer: {} },
  };
}

/** `kubectl create job NAME --image=… [-- COMMAND…]`. */
export function generateJob(o: {
  name: string;
  namespace?: string;
  image: string;
  command: string[];
}): Ordered {
  const c: Ordered = { name: o.name, image: o.image };
  if (o.command.length > 0) c.command = o.command;
  c.resources = {};
  return {
    kind: "Job",
    apiVersion: "batch/v1",
    metadata: meta(o.name, o.namespace),
    spec: {
      template: { metadata: { creationTimestamp: null }, spec: { containers: [c], restartPolicy: "Never" } },
    },
    status: {},
  };
}

/** `kubectl create cronjob NAME --image=… --schedule=… [-- COMMAND…]`. */
export function generateCronJob(o: {
  name: string;
  namespace?: string;
  image: string;
  schedule: string;
  command: string[];
  restart: string;
}): Ordered {
  const c: Ordered = { name: o.name, image: o.image };
  if (o.command.length > 0) c.command = o.command;
  c.resources = {};
  const jobMeta: Ordered = { name: o.name };
  if (o.namespace) jobMeta.namespace = o.namespace;
  jobMeta.creationTimestamp = null;
  return {
    kind: "CronJob",
    apiVersion: "batch/v1",
    metadata: meta(o.name, o.namespace),
    spec: {
      schedule: o.schedule,
      jobTemplate: {
        metadata: jobMeta,
        spec: {
          template: {
            metadata: { creationTimestamp: null },
            spec: { containers: [c], restartPolicy: o.restart || "OnFailure" },
          },
        },
      },
    },
    status: {},
  };
}
