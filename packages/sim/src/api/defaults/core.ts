/**
 * Defaulting of core/v1 types, as kubernetes `pkg/apis/core/v1/defaults.go` (v1.32) does it
 * before validation, on create and update. Each function mutates the object in place.
 */
import { child, eachObject, type Obj, setDefault } from "./util";

/** `v1.DefaultTerminationGracePeriodSeconds`. */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
/** `v1.DefaultSchedulerName`. */
export const DEFAULT_SCHEDULER_NAME = "default-scheduler";
/** `v1.DefaultClientIPServiceAffinitySeconds` (3 hours). */
export const DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 10800;
/** Mode 0644 for secret/configMap/downwardAPI/projected volumes (`v1.SecretVolumeSourceDefaultMode` etc.). */
export const DEFAULT_VOLUME_MODE = 0o644;

/**
 * The tag an image reference resolves to, as `parsers.ParseImageName` does: "latest" when
 * there is neither tag nor digest, "" when there is a digest only.
 */
export function imageTag(image: string): string {
  const at = image.indexOf("@");
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  // A colon before the last slash belongs to a registry host:port.
  if (colon > lastSlash) return withoutDigest.slice(colon + 1);
  return at >= 0 ? "" : "latest";
}

/** `SetDefaults_Container` (+ ContainerPort, probes, env field refs). */
export function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) {
    // Always for ":latest" or no tag; IfNotPresent for any other tag or a digest.
    c.imagePullPolicy = imageTag(String(c.image ?? "")) === "latest" ? "Always" : "IfNotPresent";
  }
  setDefault(c, "terminationMessagePath", "/dev/termination-log");
  setDefault(c, "terminationMessagePolicy", "File");
  // Container.Resources is a non-pointer struct: it always serialises, as `resources: {}`.
  child(c, "resources");
  eachObject(c.ports, (p) => setDefault(p, "protocol", "TCP"));
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
    if (c[probe] && typeof c[probe] === "object") defaultProbe(c[probe]);
  }
  for (const hook of ["postStart", "preStop"]) {
    const h = c.lifecycle?.[hook];
    if (h?.httpGet) defaultHttpGet(h.httpGet);
  }
  eachObject(c.env, (e) => {
    if (e.valueFrom?.fieldRef) setDefault(e.valueFrom.fieldRef, "apiVersion", "v1");
  });
}

/** `SetDefaults_Probe` and `SetDefaults_HTTPGetAction`. */
export function defaultProbe(p: Obj): void {
  setDefault(p, "timeoutSeconds", 1);
  setDefault(p, "periodSeconds", 10);
  setDefault(p, "successThreshold", 1);
  setDefault(p, "failureThreshold", 3);
  if (p.httpGet) defaultHttpGet(p.httpGet);
  if (p.grpc && p.grpc.service === undefined) p.grpc.service = "";
}

function defaultHttpGet(h: Obj): void {
  setDefault(h, "path", "/");
  setDefault(h, "scheme", "HTTP");
}

/** `SetDefaults_Volume` and the volume sources' defaults. */
export function defaultVolume(v: Obj): void {
  const sources = Object.keys(v).filter((k) => k !== "name");
  // A volume with no source is an emptyDir.
  if (sources.length === 0) v.emptyDir = {};
  if (v.secret) setDefault(v.secret, "defaultMode", DEFAULT_VOLUME_MODE);
  if (v.configMap) setDefault(v.configMap, "defaultMode", DEFAULT_VOLUME_MODE);
  if (v.downwardAPI) {
    setDefault(v.downwardAPI, "defaultMode", DEFAULT_VOLUME_MODE);
    eachObject(v.downwardAPI.items, (i) => {
      if (i.fieldRef) setDefault(i.fieldRef, "apiVersion", "v1");
    });
  }
  if (v.projected) {
    setDefault(v.projected, "defaultMode", DEFAULT_VOLUME_MODE);
    eachObject(v.projected.sources, (s) => {
      if (s.serviceAccountToken) setDefault(s.serviceAccountToken, "expirationSeconds", 3600);
      eachObject(s.downwardAPI?.items, (i) => {
        if (i.fieldRef) setDefault(i.fieldRef, "apiVersion", "v1");
      });
    });
  }
  if (v.hostPath && v.hostPath.type === undefined) v.hostPath.type = "";
  if (v.iscsi) setDefault(v.iscsi, "iscsiInterface", "default");
  if (v.rbd) {
    setDefault(v.rbd, "pool", "rbd");
    setDefault(v.rbd, "user", "admin");
    setDefault(v.rbd, "keyring", "/etc/ceph/keyring");
  }
  if (v.azureDisk) {
    setDefault(v.azureDisk, "cachingMode", "ReadWrite");
    setDefault(v.azureDisk, "fsType", "ext4");
    setDefault(v.azureDisk, "readOnly", false);
    setDefault(v.azureDisk, "kind", "Shared");
  }
}

/** With hostNetwork, a container port's hostPort defaults to its containerPort (`defaultHostNetworkPorts`). */
function defaultHostNetworkPorts(containers: unknown): void {
  eachObject(containers, (c) =>
    eachObject(c.ports, (p) => {
      if (!p.hostPort) p.hostPort = p.containerPort;
    }),
  );
}

/** `SetDefaults_PodSpec` and its containers and volumes (for pods and pod templates). */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "restartPolicy", "Always");
  // DefaultHostNetworkHostPortsInPodTemplates is off in 1.32: only pods (not templates) get hostPort from containerPort.
  if (spec.securityContext === undefined || spec.securityContext === null) spec.securityContext = {};
  setDefault(spec, "terminationGracePeriodSeconds", DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
  setDefault(spec, "schedulerName", DEFAULT_SCHEDULER_NAME);
  eachObject(spec.containers, defaultContainer);
  eachObject(spec.initContainers, defaultContainer);
  eachObject(spec.ephemeralContainers, (c) => {
    setDefault(c, "terminationMessagePath", "/dev/termination-log");
    setDefault(c, "terminationMessagePolicy", "File");
    if (!c.imagePullPolicy)
      c.imagePullPolicy = imageTag(String(c.image ?? "")) === "latest" ? "Always" : "IfNotPresent";
    child(c, "resources");
  });
  eachObject(spec.volumes, defaultVolume);
}

/**
 * Defaults of a pod template (`spec.template` of workloads): the PodSpec defaults, and the
 * template metadata, which Go serialises with `creationTimestamp: null` (zero metav1.Time).
 */
export function defaultPodTemplateSpec(template: Obj): void {
  const meta = child(template, "metadata");
  if (!("creationTimestamp" in meta)) meta.creationTimestamp = null;
  defaultPodSpec(child(template, "spec"));
}

/** `SetDefaults_Pod`: the PodSpec defaults plus the pod-only ones. */
export function defaultPod(pod: Obj): void {
  const spec = child(pod, "spec");
  defaultPodSpec(spec);
  // Requests default to limits for resources that have a limit but no request.
  for (const list of [spec.containers, spec.initContainers]) {
    eachObject(list, (c) => {
      const limits = c.resources?.limits;
      if (limits && typeof limits === "object") {
        const requests = child(c.resources, "requests");
        for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
      }
    });
  }
  setDefault(spec, "enableServiceLinks", true);
  if (spec.hostNetwork === true) {
    defaultHostNetworkPorts(spec.containers);
    defaultHostNetworkPorts(spec.initContainers);
  }
}

/** `SetDefaults_Service` (the registry allocates clusterIP(s) and sets the IP families; see `defaultServiceIPFamilies`). */
export function defaultService(svc: Obj): void {
  const spec = child(svc, "spec");
  setDefault(spec, "sessionAffinity", "None");
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (
    spec.sessionAffinity === "ClientIP" &&
    spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined
  ) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS } };
  }
  setDefault(spec, "type", "ClusterIP");
  eachObject(spec.ports, (p) => {
    setDefault(p, "protocol", "TCP");
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === "") {
      p.targetPort = p.port;
    }
  });
  if ((spec.type === "NodePort" || spec.type === "LoadBalancer") && !spec.externalTrafficPolicy) {
    spec.externalTrafficPolicy = "Cluster";
  }
  if (
    spec.internalTrafficPolicy === undefined &&
    ["NodePort", "LoadBalancer", "ClusterIP"].includes(spec.type)
  ) {
    spec.internalTrafficPolicy = "Cluster";
  }
  if (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts === undefined) {
    spec.allocateLoadBalancerNodePorts = true;
  }
}

/**
 * What the Service registry sets on create in a single-stack IPv4 cluster
 * (`pkg/registry/core/service/storage/alloc.go`): `ipFamilyPolicy: SingleStack` and
 * `ipFamilies: [IPv4]` for every type but ExternalName; the caller allocates `clusterIP(s)`.
 */
export function defaultServiceIPFamilies(svc: Obj): void {
  const spec = child(svc, "spec");
  if (spec.type === "ExternalName") return;
  setDefault(spec, "ipFamilyPolicy", "SingleStack");
  if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ["IPv4"];
}

/** `SetDefaults_Namespace`: the immutable `kubernetes.io/metadata.name` label. */
export function defaultNamespace(ns: Obj): void {
  const meta = child(ns, "metadata");
  if (typeof meta.name === "string" && meta.name !== "") {
    child(meta, "labels")["kubernetes.io/metadata.name"] = meta.name;
  }
}

/** `SetDefaults_Secret`: type Opaque. */
export function defaultSecret(secret: Obj): void {
  setDefault(secret, "type", "Opaque");
}

/** `SetDefaults_PersistentVolume`. */
export function defaultPersistentVolume(pv: Obj): void {
  const spec = child(pv, "spec");
  setDefault(child(pv, "status"), "phase", "Pending");
  setDefault(spec, "persistentVolumeReclaimPolicy", "Retain");
  setDefault(spec, "volumeMode", "Filesystem");
}

/** `SetDefaults_PersistentVolumeClaim` (also for StatefulSet volumeClaimTemplates). */
export function defaultPersistentVolumeClaim(pvc: Obj): void {
  setDefault(child(pvc, "spec"), "volumeMode", "Filesystem");
  setDefault(child(pvc, "status"), "phase", "Pending");
}

/** `SetDefaults_ReplicationController`: selector and labels from the template, replicas 1. */
export function defaultReplicationController(rc: Obj): void {
  const spec = child(rc, "spec");
  const labels = spec.template?.metadata?.labels;
  if (labels && typeof labels === "object") {
    if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    const meta = child(rc, "metadata");
    if (!meta.labels || Object.keys(meta.labels).length === 0) meta.labels = { ...labels };
  }
  setDefault(spec, "replicas", 1);
  if (spec.template) defaultPodTemplateSpec(spec.template);
}

/** `SetDefaults_NodeStatus`: allocatable defaults to capacity. */
export function defaultNode(node: Obj): void {
  const status = node.status;
  if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
}

/** `SetDefaults_LimitRangeItem`: for Container limits, default <- max, defaultRequest <- default. */
export function defaultLimitRange(lr: Obj): void {
  eachObject(lr.spec?.limits, (item) => {
    if (item.type !== "Container") return;
    if (item.max) {
      const d = child(item, "default");
      for (const [k, v] of Object.entries(item.max)) if (!(k in d)) d[k] = v;
    }
    if (item.default) {
      const dr = child(item, "defaultRequest");
      for (const [k, v] of Object.entries(item.default)) if (!(k in dr)) dr[k] = v;
    }
    if (item.min) {
      const dr = child(item, "defaultRequest");
      for (const [k, v] of Object.entries(item.min)) if (!(k in dr)) dr[k] = v;
    }
  });
}

/** `SetDefaults_EndpointPort` for core Endpoints. */
export function defaultEndpoints(ep: Obj): void {
  eachObject(ep.subsets, (s) => eachObject(s.ports, (p) => setDefault(p, "protocol", "TCP")));
}
