/**
 * The simulated cloud a cluster may run in: its instances (one per node, with a provider ID, an
 * instance type, a zone, addresses) and its load balancers. The cloud-controller-manager reaches
 * it with `CLOUD-REQUEST` messages and gets `CLOUD-RESPONSE`s after the API's latency; creating
 * a load balancer takes tens of seconds, as on real clouds. Faults are inputs: the load-balancer
 * API failing (`CLOUD-FAULT`), an instance terminated in the cloud console (`CLOUD-TERMINATE`).
 */
import { type Context, defineBehavior, type Message } from "../core/component";

/** The component kind (one per cluster, id `cloud`). */
export const CLOUD_KIND = "cloud-provider";

/** Which cloud (decides IDs, zones, how load balancers are addressed). */
export type CloudProvider = "aws" | "gce" | "azure";

/** An instance. */
export interface CloudInstance {
  name: string;
  providerID: string;
  instanceType: string;
  zone: string;
  internalIP: string;
  externalIP: string;
  running: boolean;
}

/** A load balancer. */
export interface CloudLoadBalancer {
  name: string;
  service: string;
  ingress: { ip?: string; hostname?: string };
  ports: number[];
  nodes: string[];
}

/** The cloud's state. */
export interface CloudState {
  provider: CloudProvider;
  region: string;
  instances: Record<string, CloudInstance>;
  loadBalancers: Record<string, CloudLoadBalancer>;
  /** Set by the load-balancer failure fault: every LB call fails with this message. */
  loadBalancerError: string | null;
  /** How long creating a load balancer takes (ms), before jitter. */
  lbProvisionMs: number;
  nextAddress: number;
}

/** The cloud API's operations. */
export type CloudOp =
  | { op: "InstanceMetadata"; node: string }
  | { op: "InstanceExists"; node: string }
  | { op: "EnsureLoadBalancer"; service: string; lbName: string; ports: number[]; nodes: string[] }
  | { op: "EnsureLoadBalancerDeleted"; lbName: string }
  | { op: "CreateRoute"; node: string; cidr: string };

/** A request to the cloud API. */
export type CloudRequest = Message & { verb: "CLOUD-REQUEST"; requestId: number } & CloudOp;

/** The answer. */
export interface CloudResponse extends Message {
  verb: "CLOUD-RESPONSE";
  requestId: number;
  error?: string;
  instance?: CloudInstance | null;
  exists?: boolean;
  ingress?: { ip?: string; hostname?: string };
}

/** Inputs of the host (faults and their repair). */
export type CloudFault =
  | (Message & { verb: "CLOUD-FAULT"; loadBalancerError: string | null })
  | (Message & { verb: "CLOUD-TERMINATE"; node: string });

const REGIONS: Record<CloudProvider, string> = { aws: "eu-west-1", gce: "europe-west1", azure: "westeurope" };
const ZONES: Record<CloudProvider, (i: number) => string> = {
  aws: (i) => `eu-west-1${"abc"[i % 3]}`,
  gce: (i) => `europe-west1-${"bcd"[i % 3]}`,
  azure: (i) => `westeurope-${(i % 3) + 1}`,
};

/** A cloud with one instance per node (`nodes`: name and internal IP, in creation order). */
export function createCloud(
  provider: CloudProvider,
  nodes: { name: string; ip: string }[],
  lbProvisionMs = 30_000,
): CloudState {
  const instances: Record<string, CloudInstance> = {};
  nodes.forEach((n, i) => {
    const zone = ZONES[provider](i);
    const id = (1_000_000 + i * 7919).toString(16);
    instances[n.name] = {
      name: n.name,
      providerID:
        provider === "aws"
          ? `aws:///${zone}/i-0${id}a1b2c3d4`
          : provider === "gce"
            ? `gce://kubelab-project/${zone}/${n.name}`
            : `azure:///subscriptions/0000/resourceGroups/kubelab/providers/Microsoft.Compute/virtualMachines/${n.name}`,
      instanceType:
        provider === "aws" ? "m5.large" : provider === "gce" ? "e2-standard-2" : "Standard_D2s_v3",
      zone,
      internalIP: n.ip,
      externalIP: `34.${140 + (i >> 8)}.${i & 255}.${10 + i}`,
      running: true,
    };
  });
  return {
    provider,
    region: REGIONS[provider],
    instances,
    loadBalancers: {},
    loadBalancerError: null,
    lbProvisionMs,
    nextAddress: 1,
  };
}

function respond(ctx: Context, to: string, res: CloudResponse, latencyMs: number): void {
  ctx.send(to, res, { latencyMs });
}

/** The cloud's API. */
export const cloudBehavior = defineBehavior<CloudState>({
  kind: CLOUD_KIND,
  onMessage(ctx, s, msg, from) {
    if (msg.verb === "CLOUD-FAULT") {
      s.loadBalancerError = (msg as CloudFault & { verb: "CLOUD-FAULT" }).loadBalancerError;
      return;
    }
    if (msg.verb === "CLOUD-TERMINATE") {
      const inst = s.instances[(msg as CloudFault & { verb: "CLOUD-TERMINATE" }).node];
      if (inst) inst.running = false;
      return;
    }
    if (msg.verb !== "CLOUD-REQUEST") return;
    const req = msg as CloudRequest;
    const base = { verb: "CLOUD-RESPONSE" as const, requestId: req.requestId };
    // Cloud APIs answer in tens to hundreds of milliseconds.
    const api = 80 + ctx.randomInt(120);
    switch (req.op) {
      case "InstanceMetadata": {
        const inst = s.instances[req.node];
        respond(ctx, from, { ...base, instance: inst?.running ? inst : null }, api);
        return;
      }
      case "InstanceExists":
        respond(ctx, from, { ...base, exists: s.instances[req.node]?.running === true }, api);
        return;
      case "EnsureLoadBalancer": {
        if (s.loadBalancerError) return respond(ctx, from, { ...base, error: s.loadBalancerError }, api);
        let lb = s.loadBalancers[req.lbName];
        const existed = lb !== undefined;
        if (!lb) {
          const n = s.nextAddress++;
          lb = {
            name: req.lbName,
            service: req.service,
            ingress:
              s.provider === "aws"
                ? {
                    hostname: `${req.lbName}-${(1_000_000_000 + n * 104_729).toString()}.${s.region}.elb.amazonaws.com`,
                  }
                : { ip: `35.${187 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}` },
            ports: req.ports,
            nodes: req.nodes,
          };
          s.loadBalancers[req.lbName] = lb;
        }
        lb.ports = req.ports;
        lb.nodes = req.nodes;
        // A new load balancer takes its time (health checks, forwarding rules); an update is quick.
        const delay = existed
          ? api
          : s.lbProvisionMs + ctx.randomInt(Math.max(1, Math.floor(s.lbProvisionMs / 2)));
        respond(ctx, from, { ...base, ingress: lb.ingress }, delay);
        return;
      }
      case "EnsureLoadBalancerDeleted":
        if (s.loadBalancerError) return respond(ctx, from, { ...base, error: s.loadBalancerError }, api);
        delete s.loadBalancers[req.lbName];
        respond(ctx, from, base, 5_000 + ctx.randomInt(5_000));
        return;
      case "CreateRoute":
        respond(ctx, from, base, api);
        return;
    }
  },
  onTimer() {},
});
