/**
 * Validation of core/v1 kinds other than workloads: Service, ConfigMap, Secret, Namespace,
 * Pod updates (kubernetes `pkg/apis/core/validation/validation.go`, v1.32), and
 * autoscaling/v2 HorizontalPodAutoscaler (`pkg/apis/autoscaling/validation`).
 */
import {
  duplicate,
  type FieldErrorList,
  FieldPath,
  forbidden,
  goQuote,
  invalid,
  notSupported,
  RenderedValue,
  required,
  tooLong,
} from "../field-errors";
import { isConfigMapKey, isDNS1123Label, isIP, isValidPortNum } from "./names";
import { validateLabels } from "./object-meta";
import { validatePortNumOrName } from "./pod-spec";

// biome-ignore lint/suspicious/noExplicitAny: validation walks unstructured JSON
type Obj = Record<string, any>;

const spec = FieldPath.root("spec");
const SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const PROTOCOLS = ["SCTP", "TCP", "UDP"];

/** `ValidateService` (the common rules). */
export function validateServiceSpec(s: Obj = {}): FieldErrorList {
  const errs: FieldErrorList = [];
  const headless = s.clusterIP === "None";
  const ports: Obj[] = Array.isArray(s.ports) ? s.ports : [];
  if (s.type && !SERVICE_TYPES.includes(s.type))
    errs.push(notSupported(spec.child("type"), s.type, SERVICE_TYPES));
  if (s.type === "ExternalName") {
    if (s.clusterIP && s.clusterIP !== "")
      errs.push(forbidden(spec.child("clusterIP"), "may not be set for ExternalName services"));
    if (!s.externalName) errs.push(required(spec.child("externalName")));
    else
      for (const m of isDNS1123Label(s.externalName.split(".")[0] ?? ""))
        errs.push(invalid(spec.child("externalName"), s.externalName, m));
  } else if (ports.length === 0 && !headless) {
    errs.push(required(spec.child("ports")));
  }
  if (s.clusterIP && !headless && s.clusterIP !== "" && !isIP(s.clusterIP)) {
    errs.push(
      invalid(
        spec.child("clusterIPs").index(0),
        s.clusterIP,
        "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
      ),
    );
  }
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const pp = spec.child("ports").index(i);
    if (ports.length > 1 && !p.name) errs.push(required(pp.child("name")));
    else if (p.name) {
      for (const m of isDNS1123Label(p.name)) errs.push(invalid(pp.child("name"), p.name, m));
      if (names.has(p.name)) errs.push(duplicate(pp.child("name"), p.name));
      names.add(p.name);
    }
    for (const m of isValidPortNum(p.port ?? 0)) errs.push(invalid(pp.child("port"), p.port ?? 0, m));
    if (!p.protocol) errs.push(required(pp.child("protocol")));
    else if (!PROTOCOLS.includes(p.protocol))
      errs.push(notSupported(pp.child("protocol"), p.protocol, PROTOCOLS));
    errs.push(...validatePortNumOrName(p.targetPort, pp.child("targetPort")));
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (s.type === "ClusterIP" || s.type === undefined) {
        errs.push(forbidden(pp.child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
      } else {
        for (const m of isValidPortNum(p.nodePort)) errs.push(invalid(pp.child("nodePort"), p.nodePort, m));
      }
    }
    const key = `${p.port}/${p.protocol}`;
    if (keys.has(key)) {
      errs.push(
        duplicate(
          pp,
          new RenderedValue(
            `core.ServicePort{Name:"", Protocol:${goQuote(String(p.protocol))}, AppProtocol:(*string)(nil), Port:${Number(p.port)}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
          ),
        ),
      );
    }
    keys.add(key);
  });
  errs.push(...validateLabels(s.selector, spec.child("selector")));
  if (s.sessionAffinity && !["ClientIP", "None"].includes(s.sessionAffinity)) {
    errs.push(notSupported(spec.child("sessionAffinity"), s.sessionAffinity, ["ClientIP", "None"]));
  }
  if (s.externalTrafficPolicy && s.type !== "NodePort" && s.type !== "LoadBalancer") {
    errs.push(
      invalid(
        spec.child("externalTrafficPolicy"),
        s.externalTrafficPolicy,
        "may only be set when `type` is 'NodePort' or 'LoadBalancer'",
      ),
    );
  }
  return errs;
}

/** `MaxSecretSize` = 1 MiB, also the ConfigMap limit. */
const MAX_DATA_SIZE = 1024 * 1024;

/** `ValidateConfigMap`: keys, no key in both data and binaryData, total size. */
export function validateConfigMap(cm: Obj): FieldErrorList {
  const errs: FieldErrorList = [];
  let total = 0;
  const data: Obj = cm.data ?? {};
  const binary: Obj = cm.binaryData ?? {};
  for (const [k, v] of Object.entries(data)) {
    const p = FieldPath.root("data").key(k);
    for (const m of isConfigMapKey(k)) errs.push(invalid(p, k, m));
    if (k in binary) errs.push(invalid(p, k, "duplicate of key present in binaryData"));
    total += String(v).length;
  }
  for (const [k, v] of Object.entries(binary)) {
    const p = FieldPath.root("binaryData").key(k);
    for (const m of isConfigMapKey(k)) errs.push(invalid(p, k, m));
    total += Math.floor((String(v).length * 3) / 4);
  }
  if (total > MAX_DATA_SIZE) errs.push(tooLong(FieldPath.root(""), MAX_DATA_SIZE));
  return errs;
}

/** `ValidateSecret`: keys, size, and the type-specific required keys. */
export function validateSecret(secret: Obj): FieldErrorList {
  const errs: FieldErrorList = [];
  const data: Obj = { ...(secret.data ?? {}) };
  for (const k of Object.keys(secret.stringData ?? {})) data[k] = "";
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(FieldPath.root("data").key(k), k, m));
    total += Math.floor((String(v).length * 3) / 4);
  }
  if (total > MAX_DATA_SIZE) errs.push(tooLong(FieldPath.root("data"), MAX_DATA_SIZE));
  const requireKey = (key: string) => {
    if (!(key in data)) errs.push(required(FieldPath.root("data").key(key)));
  };
  switch (secret.type) {
    case "kubernetes.io/service-account-token":
      if (!secret.metadata?.annotations?.["kubernetes.io/service-account.name"]) {
        errs.push(
          required(FieldPath.root("metadata", "annotations").key("kubernetes.io/service-account.name")),
        );
      }
      break;
    case "kubernetes.io/dockercfg":
      requireKey(".dockercfg");
      break;
    case "kubernetes.io/dockerconfigjson":
      requireKey(".dockerconfigjson");
      break;
    case "kubernetes.io/basic-auth":
      if (!("username" in data) && !("password" in data)) {
        errs.push(
          required(FieldPath.root("data").key("username"), "either username or password is required"),
        );
      }
      break;
    case "kubernetes.io/ssh-auth":
      requireKey("ssh-privatekey");
      break;
    case "kubernetes.io/tls":
      requireKey("tls.crt");
      requireKey("tls.key");
      break;
  }
  return errs;
}

/** `ValidateNamespace`: finalizers in spec must be qualified names; `ValidateNamespaceUpdate`'s name label rule lives in defaulting. */
export function validateNamespace(ns: Obj): FieldErrorList {
  const errs: FieldErrorList = [];
  (ns.spec?.finalizers ?? []).forEach((f: string) => {
    if (!/^[a-z0-9.-]+(\/[A-Za-z0-9._-]+)?$/.test(f)) {
      errs.push(
        invalid(
          FieldPath.root("spec", "finalizers"),
          f,
          "name is neither a standard finalizer name nor is it fully qualified",
        ),
      );
    }
  });
  return errs;
}

/** The pod spec fields an update may change (`ValidatePodUpdate`, 1.32 wording). */
const POD_UPDATABLE =
  "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/**
 * `ValidatePodUpdate`: only images, activeDeadlineSeconds, added tolerations (and a few
 * others) may change. Upstream appends a cmp.Diff of the specs to the message; it is left out.
 */
export function validatePodSpecUpdate(newSpec: Obj = {}, oldSpec: Obj = {}): FieldErrorList {
  const munge = (s: Obj, withImagesFrom: Obj) => {
    const c = structuredClone(s);
    for (const list of ["containers", "initContainers"]) {
      (c[list] ?? []).forEach((ctr: Obj, i: number) => {
        const other = withImagesFrom[list]?.[i];
        if (other) ctr.image = other.image;
      });
    }
    c.activeDeadlineSeconds = withImagesFrom.activeDeadlineSeconds;
    c.tolerations = withImagesFrom.tolerations;
    c.terminationGracePeriodSeconds = withImagesFrom.terminationGracePeriodSeconds;
    // Fields set by the scheduler and admission may be filled in once.
    if (!withImagesFrom.nodeName) c.nodeName = withImagesFrom.nodeName;
    c.schedulingGates = withImagesFrom.schedulingGates;
    return c;
  };
  const errs: FieldErrorList = [];
  if (JSON.stringify(munge(newSpec, oldSpec)) !== JSON.stringify(oldSpec)) {
    errs.push(forbidden(spec, `pod updates may not change fields other than ${POD_UPDATABLE}`));
  }
  // Tolerations may only be added.
  const oldT: Obj[] = oldSpec.tolerations ?? [];
  const newT: Obj[] = newSpec.tolerations ?? [];
  for (const t of oldT) {
    if (!newT.some((n) => JSON.stringify(n) === JSON.stringify(t))) {
      errs.push(
        forbidden(
          spec.child("tolerations"),
          "existing toleration can not be modified except its tolerationSeconds",
        ),
      );
      break;
    }
  }
  if (
    typeof newSpec.activeDeadlineSeconds === "number" &&
    typeof oldSpec.activeDeadlineSeconds === "number"
  ) {
    if (newSpec.activeDeadlineSeconds > oldSpec.activeDeadlineSeconds) {
      errs.push(
        invalid(
          spec.child("activeDeadlineSeconds"),
          newSpec.activeDeadlineSeconds,
          "must be less than or equal to previous value",
        ),
      );
    }
  }
  return errs;
}

/** `ValidateHorizontalPodAutoscaler` (autoscaling/v2, the common rules). */
export function validateHorizontalPodAutoscalerSpec(s: Obj = {}): FieldErrorList {
  const errs: FieldErrorList = [];
  const ref = s.scaleTargetRef ?? {};
  const refPath = spec.child("scaleTargetRef");
  if (!ref.kind) errs.push(required(refPath.child("kind")));
  if (!ref.name) errs.push(required(refPath.child("name")));
  if (typeof s.minReplicas === "number" && s.minReplicas < 1) {
    errs.push(invalid(spec.child("minReplicas"), s.minReplicas, "must be greater than or equal to 1"));
  }
  if (typeof s.maxReplicas !== "number" || s.maxReplicas < 1) {
    errs.push(invalid(spec.child("maxReplicas"), s.maxReplicas ?? 0, "must be greater than 0"));
  } else if (typeof s.minReplicas === "number" && s.maxReplicas < s.minReplicas) {
    errs.push(
      invalid(spec.child("maxReplicas"), s.maxReplicas, "must be greater than or equal to `minReplicas`"),
    );
  }
  return errs;
}
