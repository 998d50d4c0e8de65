/**
 * Static pods: pods the kubelet runs from manifest files in its `staticPodPath`
 * (/etc/kubernetes/manifests) without the API server — how kubeadm runs the control plane. For
 * each, the kubelet creates a *mirror pod* in the API so that `kubectl get pods -n kube-system`
 * shows it: named `<name>-<node>`, annotated `kubernetes.io/config.mirror` (the manifest hash),
 * `config.hash`, `config.seen`, `config.source: file`, and owned by the Node. A deleted mirror
 * pod is recreated; the static pod itself keeps running. `kubeadmControlPlaneManifests` writes
 * the four manifests `kubeadm init` writes (v1.32 flags and probes, trimmed of certificates).
 */
import type { KubeObject } from "../../api/types";
import { apiRequest } from "../../apiserver/client/api-client";
import type { Context } from "../../core/component";
import { sha256Hex } from "../images/sha256";
import { createWorker, markStatus } from "./pod-sync";
import { type KubeletState, type PodWorker, podOf } from "./state";

/** The annotations marking a mirror pod. */
export const CONFIG_MIRROR = "kubernetes.io/config.mirror";
export const CONFIG_HASH = "kubernetes.io/config.hash";

/** The hash the kubelet gives a static pod (its UID and the mirror annotation): 32 hex digits. */
export function staticPodHash(manifest: KubeObject, nodeName: string): string {
  return sha256Hex(`${nodeName}\n${JSON.stringify(manifest)}`).slice(0, 32);
}

/** The pod a manifest becomes on a node (name suffixed with the node name, defaults applied). */
export function staticPodObject(
  ctx: Context,
  manifest: KubeObject,
  nodeName: string,
): { pod: KubeObject; hash: string } {
  const hash = staticPodHash(manifest, nodeName);
  const name = `${manifest.metadata.name}-${nodeName}`;
  const spec = { ...(manifest.spec ?? {}) };
  spec.nodeName = nodeName;
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.schedulerName ??= "default-scheduler";
  spec.enableServiceLinks ??= true;
  spec.tolerations ??= [{ operator: "Exists", effect: "NoExecute" }];
  spec.containers = (spec.containers ?? []).map((c: Record<string, unknown>) => ({
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    imagePullPolicy: "IfNotPresent",
    ...c,
  }));
  return {
    hash,
    pod: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        ...manifest.metadata,
        name,
        namespace: manifest.metadata.namespace ?? "default",
        uid: hash,
        annotations: {
          ...(manifest.metadata.annotations ?? {}),
          [CONFIG_HASH]: hash,
          "kubernetes.io/config.seen": ctx.microTimestamp().replace(/(\.\d{6})Z$/, "$1000Z"),
          "kubernetes.io/config.source": "file",
        },
      },
      spec,
    },
  };
}

/** Start the static pods of the kubelet's manifest folder (they need no API server). */
export function startStaticPods(ctx: Context, s: KubeletState): void {
  for (const manifest of s.cfg.staticPods) {
    const { pod, hash } = staticPodObject(ctx, manifest, s.cfg.nodeName);
    if (s.workers[hash]) continue;
    const w = createWorker(ctx, s, pod, hash, true);
    s.workers[hash] = w;
    if (!s.staticUids.includes(hash)) s.staticUids.push(hash);
    s.byName[`${w.namespace}/${w.name}`] = hash;
  }
}

/** Create the mirror pods that are missing (once the Node exists: they are owned by it). */
export function syncMirrorPods(ctx: Context, s: KubeletState): void {
  if (!s.node.uid || !s.pods.synced) return;
  for (const uid of s.staticUids) {
    const w = s.workers[uid];
    if (!w || w.mirrorUid || w.mirrorPending || w.terminating) continue;
    w.mirrorPending = true;
    const annotations = { ...(podOf(s, w).metadata.annotations ?? {}), [CONFIG_MIRROR]: w.uid };
    const metadata = {
      ...podOf(s, w).metadata,
      annotations,
      ownerReferences: [
        { apiVersion: "v1", kind: "Node", name: s.cfg.nodeName, uid: s.node.uid, controller: true },
      ],
    };
    delete metadata.uid;
    delete metadata.resourceVersion;
    apiRequest(
      ctx,
      s.client,
      {
        method: "POST",
        path: `/api/v1/namespaces/${w.namespace}/pods`,
        body: { apiVersion: "v1", kind: "Pod", metadata, spec: podOf(s, w).spec },
      },
      "mirror-create",
      { uid: w.uid },
      { timeoutMs: 10_000 },
    );
  }
}

/** A mirror pod seen in the API (informer): adopt it, or remove a stale one. Returns true if handled. */
export function onMirrorPod(ctx: Context, s: KubeletState, obj: KubeObject, deleted: boolean): boolean {
  const hash = obj.metadata.annotations?.[CONFIG_MIRROR];
  if (hash === undefined) return false;
  const w = s.workers[hash];
  if (deleted) {
    if (w && w.mirrorUid === obj.metadata.uid) {
      // Someone deleted the mirror pod: the static pod runs on; the mirror is created again.
      w.mirrorUid = null;
      w.statusSent = 0;
      syncMirrorPods(ctx, s);
    }
    return true;
  }
  if (!w) {
    // A mirror pod without a static pod (its manifest was removed): delete it.
    apiRequest(
      ctx,
      s.client,
      {
        method: "DELETE",
        path: `/api/v1/namespaces/${obj.metadata.namespace}/pods/${obj.metadata.name}`,
        body: { gracePeriodSeconds: 0 },
      },
      "mirror-delete",
    );
    return true;
  }
  if (obj.metadata.deletionTimestamp) {
    // A mirror pod being deleted is removed at once (grace 0); it is created again afterwards
    // (kubelet syncPod: DeleteMirrorPod when the mirror has a deletionTimestamp).
    apiRequest(
      ctx,
      s.client,
      {
        method: "DELETE",
        path: `/api/v1/namespaces/${obj.metadata.namespace}/pods/${obj.metadata.name}`,
        body: {
          apiVersion: "v1",
          kind: "DeleteOptions",
          gracePeriodSeconds: 0,
          preconditions: { uid: obj.metadata.uid },
        },
      },
      "mirror-delete",
    );
    return true;
  }
  if (w.mirrorUid !== obj.metadata.uid) {
    w.mirrorUid = obj.metadata.uid ?? null;
    w.mirrorPending = false;
    w.statusSent = 0;
    markStatus(ctx, s, w);
  }
  // Keep the API's view (scheduler-set conditions do not apply; status comes from us).
  const own = podOf(s, w);
  w.ownPod = {
    ...own,
    metadata: { ...own.metadata, resourceVersion: obj.metadata.resourceVersion },
    status: obj.status,
  };
  return true;
}

/** The answer to a mirror pod creation. */
export function onMirrorCreated(
  ctx: Context,
  s: KubeletState,
  uid: string,
  code: number,
  body: unknown,
): void {
  const w: PodWorker | undefined = s.workers[uid];
  if (!w) return;
  w.mirrorPending = false;
  if (code === 201) {
    w.mirrorUid = (body as KubeObject).metadata.uid ?? null;
    w.statusSent = 0;
    markStatus(ctx, s, w);
  }
}

/** What the control-plane manifests need to know. */
export interface KubeadmManifestOptions {
  nodeName: string;
  nodeIP: string;
  kubernetesVersion: string;
  etcdVersion: string;
  podSubnet: string;
  serviceSubnet: string;
  /** External etcd endpoints; when absent, a stacked etcd static pod is written too. */
  externalEtcd?: string[];
  /** All control-plane nodes' etcd peers (`name=https://ip:2380`), for `--initial-cluster`. */
  etcdInitialCluster?: string[];
}

function probe(
  host: string,
  path: string,
  port: number,
  scheme: "HTTP" | "HTTPS",
  periodSeconds: number,
  failureThreshold: number,
  initialDelaySeconds?: number,
) {
  return {
    failureThreshold,
    httpGet: { host, path, port, scheme },
    ...(initialDelaySeconds !== undefined ? { initialDelaySeconds } : {}),
    periodSeconds,
    successThreshold: 1,
    timeoutSeconds: 15,
  };
}

const hostPath = (name: string, path: string, type: string) => ({ name, hostPath: { path, type } });

/** The static pod manifests of a kubeadm control-plane node (phases/controlplane + etcd, v1.32). */
export function kubeadmControlPlaneManifests(o: KubeadmManifestOptions): KubeObject[] {
  const common = {
    hostNetwork: true,
    priority: 2000001000,
    priorityClassName: "system-node-critical",
    securityContext: { seccompProfile: { type: "RuntimeDefault" } },
  };
  const meta = (name: string, annotations: Record<string, string> = {}) => ({
    name,
    namespace: "kube-system",
    labels: { component: name, tier: "control-plane" },
    ...(Object.keys(annotations).length ? { annotations } : {}),
  });
  const etcdServers = o.externalEtcd ? o.externalEtcd.join(",") : "https://127.0.0.1:2379";
  const pods: KubeObject[] = [];
  if (!o.externalEtcd) {
    pods.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: meta("etcd", {
        "kubeadm.kubernetes.io/etcd.advertise-client-urls": `https://${o.nodeIP}:2379`,
      }),
      spec: {
        ...common,
        containers: [
          {
            name: "etcd",
            image: `registry.k8s.io/etcd:${o.etcdVersion}`,
            imagePullPolicy: "IfNotPresent",
            command: [
              "etcd",
              `--advertise-client-urls=https://${o.nodeIP}:2379`,
              "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
              "--client-cert-auth=true",
              "--data-dir=/var/lib/etcd",
              "--experimental-initial-corrupt-check=true",
              "--experimental-watch-progress-notify-interval=5s",
              `--initial-advertise-peer-urls=https://${o.nodeIP}:2380`,
              `--initial-cluster=${(o.etcdInitialCluster ?? [`${o.nodeName}=https://${o.nodeIP}:2380`]).join(",")}`,
              "--key-file=/etc/kubernetes/pki/etcd/server.key",
              `--listen-client-urls=https://127.0.0.1:2379,https://${o.nodeIP}:2379`,
              "--listen-metrics-urls=http://127.0.0.1:2381",
              `--listen-peer-urls=https://${o.nodeIP}:2380`,
              `--name=${o.nodeName}`,
              "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
              "--peer-client-cert-auth=true",
              "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
              "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
              "--snapshot-count=10000",
              "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
            ],
            livenessProbe: probe("127.0.0.1", "/livez", 2381, "HTTP", 10, 8, 10),
            readinessProbe: probe("127.0.0.1", "/readyz", 2381, "HTTP", 1, 3),
            startupProbe: probe("127.0.0.1", "/readyz", 2381, "HTTP", 10, 24, 10),
            resources: { requests: { cpu: "100m", memory: "100Mi" } },
            volumeMounts: [
              { mountPath: "/var/lib/etcd", name: "etcd-data" },
              { mountPath: "/etc/kubernetes/pki/etcd", name: "etcd-certs" },
            ],
          },
        ],
        volumes: [
          hostPath("etcd-certs", "/etc/kubernetes/pki/etcd", "DirectoryOrCreate"),
          hostPath("etcd-data", "/var/lib/etcd", "DirectoryOrCreate"),
        ],
      },
    });
  }
  const pki = [
    { mountPath: "/etc/ssl/certs", name: "ca-certs", readOnly: true },
    { mountPath: "/etc/kubernetes/pki", name: "k8s-certs", readOnly: true },
  ];
  const pkiVolumes = [
    hostPath("ca-certs", "/etc/ssl/certs", "DirectoryOrCreate"),
    hostPath("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate"),
  ];
  pods.push({
    apiVersion: "v1",
    kind: "Pod",
    metadata: meta("kube-apiserver", {
      "kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": `${o.nodeIP}:6443`,
    }),
    spec: {
      ...common,
      containers: [
        {
          name: "kube-apiserver",
          image: `registry.k8s.io/kube-apiserver:${o.kubernetesVersion}`,
          imagePullPolicy: "IfNotPresent",
          command: [
            "kube-apiserver",
            `--advertise-address=${o.nodeIP}`,
            "--allow-privileged=true",
            "--authorization-mode=Node,RBAC",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            "--enable-admission-plugins=NodeRestriction",
            "--enable-bootstrap-token-auth=true",
            "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
            "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
            "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
            `--etcd-servers=${etcdServers}`,
            "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
            "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "--secure-port=6443",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
            "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
            `--service-cluster-ip-range=${o.serviceSubnet}`,
            "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
            "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
          ],
          livenessProbe: probe(o.nodeIP, "/livez", 6443, "HTTPS", 10, 8, 10),
          readinessProbe: probe(o.nodeIP, "/readyz", 6443, "HTTPS", 1, 3),
          startupProbe: probe(o.nodeIP, "/livez", 6443, "HTTPS", 10, 24, 10),
          resources: { requests: { cpu: "250m" } },
          volumeMounts: pki,
        },
      ],
      volumes: pkiVolumes,
    },
  });
  pods.push({
    apiVersion: "v1",
    kind: "Pod",
    metadata: meta("kube-controller-manager"),
    spec: {
      ...common,
      containers: [
        {
          name: "kube-controller-manager",
          image: `registry.k8s.io/kube-controller-manager:${o.kubernetesVersion}`,
          imagePullPolicy: "IfNotPresent",
          command: [
            "kube-controller-manager",
            "--allocate-node-cidrs=true",
            "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--bind-address=127.0.0.1",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            `--cluster-cidr=${o.podSubnet}`,
            "--cluster-name=kubernetes",
            "--controllers=*,bootstrapsigner,tokencleaner",
            "--kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--leader-elect=true",
            `--service-cluster-ip-range=${o.serviceSubnet}`,
            "--use-service-account-credentials=true",
          ],
          livenessProbe: probe("127.0.0.1", "/healthz", 10257, "HTTPS", 10, 8, 10),
          startupProbe: probe("127.0.0.1", "/healthz", 10257, "HTTPS", 10, 24, 10),
          resources: { requests: { cpu: "200m" } },
          volumeMounts: [
            ...pki,
            { mountPath: "/etc/kubernetes/controller-manager.conf", name: "kubeconfig", readOnly: true },
          ],
        },
      ],
      volumes: [
        ...pkiVolumes,
        hostPath("kubeconfig", "/etc/kubernetes/controller-manager.conf", "FileOrCreate"),
      ],
    },
  });
  pods.push({
    apiVersion: "v1",
    kind: "Pod",
    metadata: meta("kube-scheduler"),
    spec: {
      ...common,
      containers: [
        {
          name: "kube-scheduler",
          image: `registry.k8s.io/kube-scheduler:${o.kubernetesVersion}`,
          imagePullPolicy: "IfNotPresent",
          command: [
            "kube-scheduler",
            "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--bind-address=127.0.0.1",
            "--kubeconfig=/etc/kubernetes/scheduler.conf",
            "--leader-elect=true",
          ],
          livenessProbe: probe("127.0.0.1", "/livez", 10259, "HTTPS", 10, 8, 10),
          readinessProbe: probe("127.0.0.1", "/readyz", 10259, "HTTPS", 1, 3),
          startupProbe: probe("127.0.0.1", "/livez", 10259, "HTTPS", 10, 24, 10),
          resources: { requests: { cpu: "100m" } },
          volumeMounts: [{ mountPath: "/etc/kubernetes/scheduler.conf", name: "kubeconfig", readOnly: true }],
        },
      ],
      volumes: [hostPath("kubeconfig", "/etc/kubernetes/scheduler.conf", "FileOrCreate")],
    },
  });
  return pods;
}
