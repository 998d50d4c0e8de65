/**
 * Defaulting of the other built-in groups (kubernetes `pkg/apis/<group>/<version>/defaults.go`, v1.32). Mutates in place.
 */
import { child, eachObject, type Obj, setDefault } from "./util";

/** `autoscaling/v2` `SetDefaults_HorizontalPodAutoscaler`: minReplicas 1, CPU 80% when no metrics, behaviour filled in only when given. */
export function defaultHorizontalPodAutoscalerV2(hpa: Obj): void {
  const spec = child(hpa, "spec");
  setDefault(spec, "minReplicas", 1);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    // autoscaling.DefaultCPUUtilization = 80
    spec.metrics = [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
      },
    ];
  }
  if (spec.behavior && typeof spec.behavior === "object") {
    const up = child(spec.behavior, "scaleUp");
    setDefault(up, "stabilizationWindowSeconds", 0);
    setDefault(up, "selectPolicy", "Max");
    if (!Array.isArray(up.policies) || up.policies.length === 0) {
      up.policies = [
        { type: "Pods", value: 4, periodSeconds: 15 },
        { type: "Percent", value: 100, periodSeconds: 15 },
      ];
    }
    const down = child(spec.behavior, "scaleDown");
    // stabilizationWindowSeconds stays unset: the controller's --horizontal-pod-autoscaler-downscale-stabilization (300 s) applies.
    setDefault(down, "selectPolicy", "Max");
    if (!Array.isArray(down.policies) || down.policies.length === 0) {
      down.policies = [{ type: "Percent", value: 100, periodSeconds: 15 }];
    }
  }
}

/** `autoscaling/v1`: minReplicas 1. */
export function defaultHorizontalPodAutoscalerV1(hpa: Obj): void {
  setDefault(child(hpa, "spec"), "minReplicas", 1);
}

/** `rbac/v1` `SetDefaults_Subject`: apiGroup for User/Group subjects. */
export function defaultRbacBinding(binding: Obj): void {
  eachObject(binding.subjects, (s) => {
    if (s.kind === "User" || s.kind === "Group") setDefault(s, "apiGroup", "rbac.authorization.k8s.io");
    if (s.kind === "ServiceAccount") setDefault(s, "apiGroup", "");
  });
}

/** `scheduling/v1` `SetDefaults_PriorityClass`. */
export function defaultPriorityClass(pc: Obj): void {
  setDefault(pc, "preemptionPolicy", "PreemptLowerPriority");
}

/** `storage/v1` `SetDefaults_StorageClass`. */
export function defaultStorageClass(sc: Obj): void {
  setDefault(sc, "reclaimPolicy", "Delete");
  setDefault(sc, "volumeBindingMode", "Immediate");
}

/** `storage/v1` `SetDefaults_CSIDriver`. */
export function defaultCSIDriver(d: Obj): void {
  const spec = child(d, "spec");
  setDefault(spec, "attachRequired", true);
  setDefault(spec, "podInfoOnMount", false);
  setDefault(spec, "storageCapacity", false);
  setDefault(spec, "fsGroupPolicy", "ReadWriteOnceWithFSType");
  if (!Array.isArray(spec.volumeLifecycleModes) || spec.volumeLifecycleModes.length === 0) {
    spec.volumeLifecycleModes = ["Persistent"];
  }
  setDefault(spec, "requiresRepublish", false);
  setDefault(spec, "seLinuxMount", false);
}

/** `discovery/v1` `SetDefaults_EndpointPort`. */
export function defaultEndpointSlice(es: Obj): void {
  eachObject(es.ports, (p) => {
    if (p.name === undefined) p.name = "";
    setDefault(p, "protocol", "TCP");
  });
}

/** `networking/v1` `SetDefaults_NetworkPolicy` and port protocols. */
export function defaultNetworkPolicy(np: Obj): void {
  const spec = child(np, "spec");
  for (const dir of ["ingress", "egress"]) {
    eachObject(spec[dir], (rule) => eachObject(rule.ports, (p) => setDefault(p, "protocol", "TCP")));
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes =
      Array.isArray(spec.egress) && spec.egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
  }
}

/** `apiextensions/v1` `SetDefaults_CustomResourceDefinition(Spec)`. */
export function defaultCustomResourceDefinition(crd: Obj): void {
  const spec = child(crd, "spec");
  const names = child(spec, "names");
  if (typeof names.kind === "string") {
    setDefault(names, "singular", names.kind.toLowerCase());
    setDefault(names, "listKind", `${names.kind}List`);
  }
  const conversion = child(spec, "conversion");
  setDefault(conversion, "strategy", "None");
  if (conversion.webhook?.clientConfig?.service)
    setDefault(conversion.webhook.clientConfig.service, "port", 443);
}
