/**
 * A test cluster for the networking pieces: a control plane with kube-controller-manager
 * (Deployment, ReplicaSet, EndpointSlice controllers), a kube-proxy per node, CoreDNS (its
 * manifests and its API caches), and test scaffolding that stands in for what is not assembled
 * here yet: the scheduler (pods bound round-robin), the kubelets (`TestKubelets`: pods reported
 * Running/Ready with IPs; pods being deleted confirmed) and the container runtime (what listens
 * in a pod follows from its image, as the node side's behaviour model says: nginx on 80,
 * CoreDNS on 53/UDP+TCP, php-apache on 80). Commands run against a view built from these.
 */
import {
  COREDNS_KIND,
  type CoreDnsState,
  coreDnsCacheBehavior,
  createCoreDnsCache,
  dnsSourceOf,
} from "../../addons/coredns/coredns-cache";
import { coreDnsManifests } from "../../addons/coredns/manifests";
import type { KubeObject } from "../../api/types";
import { registerController } from "../../controller-manager/registry";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import {
  ENDPOINTSLICE_CONTROLLER,
  endpointSliceController,
} from "../../controllers/endpointslice/endpointslice-controller";
import {
  clusterTime,
  ensureDefaultServiceAccount,
  TestKubelets,
} from "../../controllers/node-lifecycle/testing/test-kubelet";
import type { ComponentBehavior } from "../../core/component";
import type { ProxyMode } from "../../kube-proxy/config";
import {
  CILIUM_AGENT_USER,
  CILIUM_SERVICES_KIND,
  ciliumServicesBehavior,
  createKubeProxy,
  KUBE_PROXY_KIND,
  type KubeProxyState,
  kubeProxyBehavior,
} from "../../kube-proxy/kube-proxy";
import { runNetworkCommand } from "../commands";
import type { NetworkCommandResult, NetworkEffect, Userland } from "../commands/common";
import type { NetRandom } from "../connect";
import type { Listener, NetworkView } from "../view";
import { buildNetworkView } from "../view-builder";

registerController(endpointSliceController);

/** Sockets a container of this image listens on (the node side's programs.ts model). */
export function imageListeners(image: string, container: string, since: number): Listener[] {
  const l = (port: number, protocol: "TCP" | "UDP", http?: string): Listener =>
    http ? { port, protocol, container, http, since } : { port, protocol, container, since };
  if (image.includes("coredns"))
    return [
      l(53, "UDP", "coredns"),
      l(53, "TCP", "coredns"),
      l(8080, "TCP", "coredns"),
      l(8181, "TCP", "coredns"),
      l(9153, "TCP"),
    ];
  if (image.includes("hpa-example")) return [l(80, "TCP", "php-apache")];
  if (image.includes("httpd")) return [l(80, "TCP", "httpd")];
  if (image.includes("nginx")) return [l(80, "TCP", "nginx")];
  return [];
}

/** Options. */
export interface NetworkTestClusterOptions {
  mode?: ProxyMode;
  nodes?: string[];
  /** More controllers to run (the HPA). */
  controllers?: string[];
  behaviors?: readonly ComponentBehavior[];
  /** Install CoreDNS (default true). */
  coredns?: boolean;
}

/** The cluster. */
export class NetworkTestCluster {
  readonly c: ControllerTestCluster;
  readonly k: TestKubelets;
  readonly nodes: string[];
  readonly nodeIPs: Record<string, string> = {};
  /** Nodes the test has taken off the network (power-off, partition). */
  readonly down = new Set<string>();
  /** Log lines the data path appended, per `ns/pod/container`. */
  readonly logs: Record<string, string[]> = {};
  private next = 0;

  constructor(opts: NetworkTestClusterOptions = {}) {
    this.c = new ControllerTestCluster({
      controllers: [
        "deployment-controller",
        "replicaset-controller",
        ENDPOINTSLICE_CONTROLLER,
        ...(opts.controllers ?? []),
      ],
      kubelet: false,
      behaviors: [kubeProxyBehavior, ciliumServicesBehavior, coreDnsCacheBehavior, ...(opts.behaviors ?? [])],
    });
    ensureDefaultServiceAccount(this.c);
    ensureDefaultServiceAccount(this.c, "kube-system");
    this.k = new TestKubelets(this.c);
    this.nodes = opts.nodes ?? ["worker-1", "worker-2"];
    this.nodes.forEach((n, i) => {
      this.k.register(n, { "kubernetes.io/os": "linux" });
      this.nodeIPs[n] = `192.168.0.${11 + i}`;
      // With Cilium's kube-proxy replacement the agent handles Services; there is no kube-proxy.
      const mode = opts.mode ?? "iptables";
      this.c.sim.addComponent(
        `kube-proxy-${n}`,
        mode === "cilium" ? CILIUM_SERVICES_KIND : KUBE_PROXY_KIND,
        createKubeProxy(
          this.c.h.cp.loadBalancer,
          n,
          this.nodeIPs[n]!,
          { mode },
          mode === "cilium" ? CILIUM_AGENT_USER : undefined,
        ),
      );
    });
    if (opts.mode === "cilium") {
      // The cilium ClusterRole's read access to Services and EndpointSlices (its Helm chart's).
      this.c.request("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", {
        body: {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRole",
          metadata: { name: "cilium" },
          rules: [
            {
              apiGroups: [""],
              resources: ["services", "endpoints", "pods", "nodes", "namespaces"],
              verbs: ["get", "list", "watch"],
            },
            {
              apiGroups: ["discovery.k8s.io"],
              resources: ["endpointslices"],
              verbs: ["get", "list", "watch"],
            },
          ],
        },
      });
      this.c.request("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
        body: {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRoleBinding",
          metadata: { name: "cilium" },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cilium" },
          subjects: [{ kind: "ServiceAccount", name: "cilium", namespace: "kube-system" }],
        },
      });
    }
    if (opts.coredns ?? true) {
      for (const o of coreDnsManifests()) this.create(o);
      this.c.sim.addComponent("coredns", COREDNS_KIND, createCoreDnsCache(this.c.h.cp.loadBalancer));
    }
    this.run(5_000);
  }

  /** POST any object (path from its kind). */
  create(o: KubeObject): KubeObject {
    const plural: Record<string, string> = {
      ServiceAccount: "serviceaccounts",
      ClusterRole: "clusterroles.rbac.authorization.k8s.io",
      ClusterRoleBinding: "clusterrolebindings.rbac.authorization.k8s.io",
      ConfigMap: "configmaps",
      Deployment: "deployments.apps",
      Service: "services",
      Pod: "pods",
      HorizontalPodAutoscaler: "horizontalpodautoscalers.autoscaling",
    };
    const r = plural[o.kind];
    if (!r) throw new Error(`no resource for ${o.kind}`);
    if (o.kind === "ServiceAccount" && this.c.get(r, o.metadata.namespace ?? "", o.metadata.name ?? ""))
      return o;
    return this.c.create(r, o);
  }

  /** Stand in for the scheduler and kubelets for one step: bind, start, confirm deletions. */
  private actAsNodes(): void {
    for (const p of this.c.list("pods")) {
      const ns = p.metadata.namespace ?? "";
      const name = p.metadata.name ?? "";
      if (p.metadata.deletionTimestamp) {
        this.c.request("DELETE", `/api/v1/namespaces/${ns}/pods/${name}`, {
          body: { gracePeriodSeconds: 0 },
        });
        continue;
      }
      if (!p.spec.nodeName) {
        const node = this.nodes[this.next++ % this.nodes.length]!;
        this.c.request("POST", `/api/v1/namespaces/${ns}/pods/${name}/binding`, {
          body: {
            apiVersion: "v1",
            kind: "Binding",
            metadata: { name },
            target: { kind: "Node", name: node },
          },
        });
        continue;
      }
      if (p.status?.phase === "Pending" && !this.down.has(p.spec.nodeName)) this.k.startPod(ns, name);
    }
  }

  /** Advance `ms`, acting as scheduler and kubelets every half second. */
  run(ms: number): void {
    const end = this.c.sim.now + ms;
    while (this.c.sim.now < end) {
      this.actAsNodes();
      this.k.run(Math.min(500, end - this.c.sim.now));
    }
  }

  /** A kube-proxy's state. */
  proxy(node: string): KubeProxyState {
    return this.c.sim.componentState<KubeProxyState>(`kube-proxy-${node}`);
  }

  /** The view of the network now. */
  view(): NetworkView {
    const dns = this.c.sim.componentState<CoreDnsState>("coredns");
    return buildNetworkView({
      now: this.c.sim.now,
      epochMs: this.c.sim.state.epochMs,
      nodes: this.nodes.map((n) => ({
        name: n,
        internalIP: this.nodeIPs[n]!,
        up: !this.down.has(n),
        proxy: this.proxy(n).rules,
      })),
      pods: this.c.list("pods"),
      listeners: (p) =>
        p.status?.phase === "Running"
          ? (p.spec.containers ?? []).flatMap((ct: { name: string; image: string }) =>
              imageListeners(ct.image, ct.name, 0),
            )
          : [],
      dns: dns ? dnsSourceOf(dns) : null,
    });
  }

  /** The simulation's generator, for the data path. */
  rnd(): NetRandom {
    const sim = this.c.sim;
    return {
      random: () => sim.random(),
      randomInt: (n) => Math.floor(sim.random() * n),
    };
  }

  /** Create a client pod (busybox or another image) and wait until it runs. */
  clientPod(name: string, image = "busybox:1.36", node = this.nodes[0]!): void {
    this.create({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "default" },
      spec: { nodeName: node, containers: [{ name: "main", image, command: ["sleep", "3600"] }] },
    });
    this.run(2_000);
  }

  /** Run a network command in a pod, as `kubectl exec <pod> -- argv…` would; applies log effects. */
  exec(pod: string, argv: string[], userland: Userland = "busybox", imageTag = "1.36"): NetworkCommandResult {
    const view = this.view();
    const p = Object.values(view.podsByIP).find((x) => x.name === pod);
    if (!p) throw new Error(`no running pod ${pod}`);
    const r = runNetworkCommand({ view, pod: p, userland, imageTag, rnd: this.rnd() }, argv);
    if (!r) throw new Error(`not a network command: ${argv[0]}`);
    for (const e of r.effects) this.apply(e);
    return r;
  }

  private apply(e: NetworkEffect): void {
    if (e.kind !== "log") return;
    const k = `${e.namespace}/${e.pod}/${e.container}`;
    this.logs[k] = [...(this.logs[k] ?? []), e.text];
  }

  /** Mark a pod not ready (its readiness probe fails), as the kubelet would. */
  setReady(pod: string, ready: boolean, namespace = "default"): void {
    const now = clusterTime(this.c);
    const status = ready ? "True" : "False";
    this.c.patch(
      "pods",
      namespace,
      pod,
      {
        status: {
          conditions: [
            { type: "Ready", status, lastTransitionTime: now },
            { type: "ContainersReady", status, lastTransitionTime: now },
          ],
        },
      },
      "strategic",
      "status",
    );
  }

  /** Scale a Deployment (the `scale` subresource, as `kubectl scale`). */
  scale(namespace: string, name: string, replicas: number): void {
    const r = this.c.patch("deployments.apps", namespace, name, { spec: { replicas } }, "merge");
    if (r.code !== 200) throw new Error(`scale: ${r.code}`);
  }
}
