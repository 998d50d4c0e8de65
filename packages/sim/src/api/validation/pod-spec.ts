/**
 * PodSpec and pod template validation, following kubernetes `pkg/apis/core/validation/validation.go`
 * (v1.32) ValidatePodSpec, validateContainers / validateContainerCommon, validateContainerPorts,
 * ValidateVolumes, ValidateVolumeMounts, probes, ValidateResourceRequirements, tolerations.
 * It expects defaulted objects (the apiserver validates after defaulting).
 */
import {
  duplicate,
  type FieldErrorList,
  type FieldPath,
  forbidden,
  invalid,
  notFound,
  notSupported,
  required,
} from "../field-errors";
import { compareQuantities, formatQuantity, type Quantity, tryParseQuantity } from "../quantity";
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isInRange,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
} from "./names";
import { validateAnnotations, validateLabels, validateNonnegative } from "./object-meta";

// biome-ignore lint/suspicious/noExplicitAny: validation walks unstructured JSON
type Obj = Record<string, any>;

const objects = (v: unknown): Obj[] =>
  Array.isArray(v) ? v.filter((x): x is Obj => x !== null && typeof x === "object") : [];

/** `ValidateDNS1123Label` as a field validator. */
function dns1123Label(value: string, path: FieldPath): FieldErrorList {
  return isDNS1123Label(value).map((msg) => invalid(path, value, msg));
}

/** `validatePortNumOrName` (probe ports, targetPorts). */
export function validatePortNumOrName(port: unknown, path: FieldPath): FieldErrorList {
  if (typeof port === "number") return isValidPortNum(port).map((msg) => invalid(path, port, msg));
  if (typeof port === "string") {
    if (port === "") return [required(path)];
    return isValidPortName(port).map((msg) => invalid(path, port, msg));
  }
  return [invalid(path, port, "must be an integer or string")];
}

const VOLUME_SOURCES = [
  "hostPath",
  "emptyDir",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "secret",
  "nfs",
  "iscsi",
  "glusterfs",
  "persistentVolumeClaim",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "downwardAPI",
  "fc",
  "azureFile",
  "configMap",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "projected",
  "portworxVolume",
  "scaleIO",
  "storageos",
  "csi",
  "ephemeral",
  "image",
];

/** `ValidateVolumes`: names are unique DNS labels, each volume has exactly one source. Returns the names. */
function validateVolumes(volumes: unknown, path: FieldPath): { names: Set<string>; errs: FieldErrorList } {
  const errs: FieldErrorList = [];
  const names = new Set<string>();
  objects(volumes).forEach((v, i) => {
    const idx = path.index(i);
    const namePath = idx.child("name");
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
    if (sources.length === 0) errs.push(required(idx, "must specify a volume type"));
    else if (sources.length > 1)
      errs.push(forbidden(idx.child(sources[1]!), "may not specify more than 1 volume type"));
    if (!v.name) errs.push(required(namePath));
    else errs.push(...dns1123Label(String(v.name), namePath));
    if (v.name && names.has(v.name)) errs.push(duplicate(namePath, v.name));
    else if (v.name) names.add(v.name);
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) {
      errs.push(required(idx.child("persistentVolumeClaim", "claimName")));
    }
    if (v.configMap && !v.configMap.name) errs.push(required(idx.child("configMap", "name")));
    if (v.secret && !v.secret.secretName) errs.push(required(idx.child("secret", "secretName")));
  });
  return { names, errs };
}

const SUPPORTED_PORT_PROTOCOLS = ["SCTP", "TCP", "UDP"];

/** `validateContainerPorts`. */
function validateContainerPorts(ports: unknown, path: FieldPath): FieldErrorList {
  const errs: FieldErrorList = [];
  const names = new Set<string>();
  objects(ports).forEach((p, i) => {
    const idx = path.index(i);
    if (p.name) {
      const msgs = isValidPortName(p.name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalid(idx.child("name"), p.name, m));
      else if (names.has(p.name)) errs.push(duplicate(idx.child("name"), p.name));
      else names.add(p.name);
    }
    if (!p.containerPort) errs.push(required(idx.child("containerPort")));
    else
      for (const m of isValidPortNum(p.containerPort))
        errs.push(invalid(idx.child("containerPort"), p.containerPort, m));
    if (p.hostPort)
      for (const m of isValidPortNum(p.hostPort)) errs.push(invalid(idx.child("hostPort"), p.hostPort, m));
    if (!p.protocol) errs.push(required(idx.child("protocol")));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(p.protocol)) {
      errs.push(notSupported(idx.child("protocol"), p.protocol, SUPPORTED_PORT_PROTOCOLS));
    }
  });
  return errs;
}

/** `ValidateEnv` with RelaxedEnvironmentVariableValidation (beta, on in 1.32): printable ASCII other than '='. */
function validateEnv(env: unknown, path: FieldPath): FieldErrorList {
  const errs: FieldErrorList = [];
  objects(env).forEach((e, i) => {
    const idx = path.index(i);
    if (!e.name) errs.push(required(idx.child("name")));
    else if (!/^[\x20-\x3c\x3e-\x7e]+$/.test(e.name)) {
      errs.push(
        invalid(
          idx.child("name"),
          e.name,
          "a valid environment variable name must consist only of printable ASCII characters other than '='",
        ),
      );
    }
    if (e.valueFrom) {
      const sources = ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"].filter(
        (s) => e.valueFrom[s],
      );
      if (e.value)
        errs.push(invalid(idx.child("valueFrom"), "", "may not be specified when `value` is not empty"));
      if (sources.length === 0)
        errs.push(
          invalid(
            idx.child("valueFrom"),
            "",
            "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
          ),
        );
      else if (sources.length > 1)
        errs.push(
          invalid(idx.child("valueFrom"), "", "may not have more than one field specified at a time"),
        );
    }
  });
  return errs;
}

/** `ValidateVolumeMounts`. */
function validateVolumeMounts(mounts: unknown, volumes: Set<string>, path: FieldPath): FieldErrorList {
  const errs: FieldErrorList = [];
  const paths = new Set<string>();
  objects(mounts).forEach((m, i) => {
    const idx = path.index(i);
    if (!m.name) errs.push(required(idx.child("name")));
    else if (!volumes.has(m.name)) errs.push(notFound(idx.child("name"), m.name));
    if (!m.mountPath) errs.push(required(idx.child("mountPath")));
    else if (paths.has(m.mountPath))
      errs.push(invalid(idx.child("mountPath"), m.mountPath, "must be unique"));
    if (m.mountPath) paths.add(m.mountPath);
  });
  return errs;
}

const quantityCache = new Map<string, Quantity | undefined>();
/** Quantities parsed once per distinct string (the same few requests repeat across pods). */
function cachedQuantity(s: string): Quantity | undefined {
  if (quantityCache.has(s)) return quantityCache.get(s);
  const q = tryParseQuantity(s);
  if (quantityCache.size > 10_000) quantityCache.clear();
  quantityCache.set(s, q);
  return q;
}

/** Standard container resource names plus qualified extended resources (`validateContainerResourceName`). */
const STANDARD_CONTAINER_RESOURCES = ["cpu", "memory", "ephemeral-storage"];

function isHugePages(name: string): boolean {
  return name.startsWith("hugepages-");
}

/** `ValidateResourceRequirements` for containers. */
function validateResources(res: Obj | undefined, path: FieldPath): FieldErrorList {
  const errs: FieldErrorList = [];
  if (!res) return errs;
  const limPath = path.child("limits");
  const reqPath = path.child("requests");
  const parse = (v: unknown): Quantity | undefined => cachedQuantity(String(v));
  const checkName = (name: string, p: FieldPath) => {
    for (const msg of isQualifiedName(name)) errs.push(invalid(p, name, msg));
    if (!STANDARD_CONTAINER_RESOURCES.includes(name) && !isHugePages(name) && !name.includes("/")) {
      errs.push(invalid(p, name, "must be a standard resource for containers"));
    }
  };
  const checkValue = (name: string, q: Quantity | undefined, p: FieldPath) => {
    if (q && q.nanos < 0n) errs.push(invalid(p, formatQuantity(q), "must be greater than or equal to 0"));
    // Extended and hugepages resources must be whole numbers (IsIntegerResourceName).
    if (q && name.includes("/") && q.nanos % 1_000_000_000n !== 0n) {
      errs.push(invalid(p, formatQuantity(q), "must be an integer"));
    }
  };
  const limits: Obj = res.limits ?? {};
  for (const [name, v] of Object.entries(limits)) {
    const p = limPath.key(name);
    checkName(name, p);
    checkValue(name, parse(v), p);
  }
  for (const [name, v] of Object.entries((res.requests ?? {}) as Obj)) {
    const p = reqPath.key(name);
    checkName(name, p);
    const q = parse(v);
    checkValue(name, q, p);
    const l = name in limits ? parse(limits[name]) : undefined;
    if (q && l) {
      // Extended resources cannot be overcommitted: request must equal limit.
      const overcommitAllowed =
        !name.includes("/") || name.startsWith("kubernetes.io/") || name.endsWith(".kubernetes.io");
      if (compareQuantities(q, l) !== 0 && !(overcommitAllowed && !isHugePages(name))) {
        errs.push(
          invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(l)}`),
        );
      } else if (compareQuantities(q, l) > 0) {
        errs.push(
          invalid(
            reqPath,
            formatQuantity(q),
            `must be less than or equal to ${name} limit of ${formatQuantity(l)}`,
          ),
        );
      }
    }
  }
  return errs;
}

/** `validateProbe` + handler checks; liveness and startup probes need successThreshold 1. */
function validateProbe(probe: Obj | undefined, path: FieldPath, mustBeOneSuccess: boolean): FieldErrorList {
  if (!probe) return [];
  const errs: FieldErrorList = [];
  const handlers = ["exec", "httpGet", "tcpSocket", "grpc"].filter((h) => probe[h]);
  if (handlers.length === 0) errs.push(required(path, "must specify a handler type"));
  else if (handlers.length > 1)
    errs.push(forbidden(path.child(handlers[1]!), "may not specify more than 1 handler type"));
  if (probe.httpGet) errs.push(...validatePortNumOrName(probe.httpGet.port, path.child("httpGet", "port")));
  if (probe.tcpSocket)
    errs.push(...validatePortNumOrName(probe.tcpSocket.port, path.child("tcpSocket", "port")));
  if (probe.httpGet && !["HTTP", "HTTPS"].includes(probe.httpGet.scheme)) {
    errs.push(notSupported(path.child("httpGet", "scheme"), probe.httpGet.scheme, ["HTTP", "HTTPS"]));
  }
  for (const f of [
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
  ]) {
    errs.push(...validateNonnegative(probe[f], path.child(f)));
  }
  if (typeof probe.terminationGracePeriodSeconds === "number" && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(
      invalid(
        path.child("terminationGracePeriodSeconds"),
        probe.terminationGracePeriodSeconds,
        "must be greater than 0",
      ),
    );
  }
  if (mustBeOneSuccess && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(invalid(path.child("successThreshold"), probe.successThreshold, "must be 1"));
  }
  return errs;
}

const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];
const TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"];

/** `validateContainerCommon`. */
function validateContainerCommon(c: Obj, volumes: Set<string>, path: FieldPath): FieldErrorList {
  const errs: FieldErrorList = [];
  const namePath = path.child("name");
  if (!c.name) errs.push(required(namePath));
  else errs.push(...dns1123Label(String(c.name), namePath));
  if (!c.image) errs.push(required(path.child("image")));
  if (!c.terminationMessagePolicy) errs.push(required(path.child("terminationMessagePolicy")));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(c.terminationMessagePolicy)) {
    errs.push(
      notSupported(
        path.child("terminationMessagePolicy"),
        c.terminationMessagePolicy,
        TERMINATION_MESSAGE_POLICIES,
      ),
    );
  }
  errs.push(...validateContainerPorts(c.ports, path.child("ports")));
  errs.push(...validateEnv(c.env, path.child("env")));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, path.child("volumeMounts")));
  if (!c.imagePullPolicy) errs.push(required(path.child("imagePullPolicy")));
  else if (!PULL_POLICIES.includes(c.imagePullPolicy)) {
    errs.push(notSupported(path.child("imagePullPolicy"), c.imagePullPolicy, PULL_POLICIES));
  }
  errs.push(...validateResources(c.resources, path.child("resources")));
  return errs;
}

/** `validateContainers`: at least one, names unique. */
function validateContainers(containers: unknown, volumes: Set<string>, path: FieldPath): FieldErrorList {
  const errs: FieldErrorList = [];
  const list = objects(containers);
  if (list.length === 0) errs.push(required(path));
  const names = new Set<string>();
  list.forEach((c, i) => {
    const idx = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, idx));
    if (names.has(c.name)) errs.push(duplicate(idx.child("name"), c.name));
    else names.add(c.name);
    errs.push(...validateProbe(c.livenessProbe, idx.child("livenessProbe"), true));
    errs.push(...validateProbe(c.readinessProbe, idx.child("readinessProbe"), false));
    errs.push(...validateProbe(c.startupProbe, idx.child("startupProbe"), true));
    if (c.restartPolicy !== undefined)
      errs.push(forbidden(idx.child("restartPolicy"), "may not be set for non-init containers"));
  });
  return errs;
}

/** `validateInitContainers`: names unique across init and regular containers; only "Always" restartPolicy (sidecars). */
function validateInitContainers(
  init: unknown,
  containers: unknown,
  volumes: Set<string>,
  path: FieldPath,
): FieldErrorList {
  const errs: FieldErrorList = [];
  const others = new Set(objects(containers).map((c) => c.name));
  const names = new Set<string>();
  objects(init).forEach((c, i) => {
    const idx = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, idx));
    if (names.has(c.name) || others.has(c.name)) errs.push(duplicate(idx.child("name"), c.name));
    else names.add(c.name);
    if (c.restartPolicy !== undefined && c.restartPolicy !== "Always") {
      errs.push(notSupported(idx.child("restartPolicy"), c.restartPolicy, ["Always"]));
    }
    const sidecar = c.restartPolicy === "Always";
    if (!sidecar) {
      for (const p of ["lifecycle", "livenessProbe", "readinessProbe", "startupProbe"]) {
        if (c[p])
          errs.push(
            forbidden(idx.child(p), "may not be set for init containers without restartPolicy=Always"),
          );
      }
    } else {
      errs.push(...validateProbe(c.livenessProbe, idx.child("livenessProbe"), true));
      errs.push(...validateProbe(c.readinessProbe, idx.child("readinessProbe"), false));
      errs.push(...validateProbe(c.startupProbe, idx.child("startupProbe"), true));
    }
  });
  return errs;
}

const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const TOLERATION_OPERATORS = ["Equal", "Exists"];
const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** `ValidateTolerations`. */
function validateTolerations(tolerations: unknown, path: FieldPath): FieldErrorList {
  const errs: FieldErrorList = [];
  objects(tolerations).forEach((t, i) => {
    const idx = path.index(i);
    if (t.key) for (const m of isQualifiedName(t.key)) errs.push(invalid(idx.child("key"), t.key, m));
    if (!t.key && t.operator !== "Exists") {
      errs.push(
        invalid(
          idx.child("operator"),
          t.operator ?? "",
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
      errs.push(
        invalid(
          idx.child("effect"),
          t.effect ?? "",
          "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
      );
    }
    const op = t.operator ?? "Equal";
    if (op === "Equal" && t.value)
      for (const m of isValidLabelValue(t.value)) errs.push(invalid(idx.child("value"), t.value, m));
    else if (op === "Exists" && t.value)
      errs.push(invalid(idx.child("operator"), t.value, "value must be empty when `operator` is 'Exists'"));
    else if (!TOLERATION_OPERATORS.includes(op))
      errs.push(notSupported(idx.child("operator"), op, TOLERATION_OPERATORS));
    if (t.effect && !TAINT_EFFECTS.includes(t.effect))
      errs.push(notSupported(idx.child("effect"), t.effect, TAINT_EFFECTS));
  });
  return errs;
}

/** `ValidatePodSpec` (the parts a learner meets). */
export function validatePodSpec(spec: Obj | undefined, path: FieldPath): FieldErrorList {
  const s = spec ?? {};
  const errs: FieldErrorList = [];
  const { names: volumes, errs: volErrs } = validateVolumes(s.volumes, path.child("volumes"));
  errs.push(...volErrs);
  errs.push(...validateContainers(s.containers, volumes, path.child("containers")));
  errs.push(...validateInitContainers(s.initContainers, s.containers, volumes, path.child("initContainers")));
  if (!s.restartPolicy) errs.push(required(path.child("restartPolicy")));
  else if (!RESTART_POLICIES.includes(s.restartPolicy))
    errs.push(notSupported(path.child("restartPolicy"), s.restartPolicy, RESTART_POLICIES));
  if (!s.dnsPolicy) errs.push(required(path.child("dnsPolicy")));
  else if (!DNS_POLICIES.includes(s.dnsPolicy))
    errs.push(notSupported(path.child("dnsPolicy"), s.dnsPolicy, DNS_POLICIES));
  errs.push(...validateLabels(s.nodeSelector, path.child("nodeSelector")));
  if (s.serviceAccountName) {
    for (const m of isDNS1123Subdomain(s.serviceAccountName))
      errs.push(invalid(path.child("serviceAccountName"), s.serviceAccountName, m));
  }
  if (s.nodeName)
    for (const m of isDNS1123Subdomain(s.nodeName)) errs.push(invalid(path.child("nodeName"), s.nodeName, m));
  if (s.activeDeadlineSeconds !== undefined) {
    for (const m of isInRange(s.activeDeadlineSeconds, 1, 2147483647)) {
      errs.push(invalid(path.child("activeDeadlineSeconds"), s.activeDeadlineSeconds, m));
    }
  }
  if (s.hostname) errs.push(...dns1123Label(s.hostname, path.child("hostname")));
  if (s.subdomain) errs.push(...dns1123Label(s.subdomain, path.child("subdomain")));
  errs.push(...validateTolerations(s.tolerations, path.child("tolerations")));
  if (s.priorityClassName) {
    for (const m of isDNS1123Subdomain(s.priorityClassName))
      errs.push(invalid(path.child("priorityClassName"), s.priorityClassName, m));
  }
  return errs;
}

/** `ValidatePodTemplateSpec`: template labels/annotations (at `<path>.labels`!) and the PodSpec. */
export function validatePodTemplateSpec(template: Obj | undefined, path: FieldPath): FieldErrorList {
  const t = template ?? {};
  const errs: FieldErrorList = [];
  errs.push(...validateLabels(t.metadata?.labels, path.child("labels")));
  errs.push(...validateAnnotations(t.metadata?.annotations, path.child("annotations")));
  errs.push(...validatePodSpec(t.spec, path.child("spec")));
  if (Array.isArray(t.spec?.ephemeralContainers) && t.spec.ephemeralContainers.length > 0) {
    errs.push(
      forbidden(
        path.child("spec", "ephemeralContainers"),
        "ephemeral containers not allowed in pod template",
      ),
    );
  }
  return errs;
}
