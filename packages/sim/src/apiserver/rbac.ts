/**
 * Authorization as kubeadm configures kube-apiserver (`--authorization-mode=Node,RBAC`, plus the
 * always-on privileged-group authorizer for `system:masters`): RBAC rule evaluation over the
 * Roles, ClusterRoles, RoleBindings and ClusterRoleBindings in the watch cache
 * (plugin/pkg/auth/authorizer/rbac/rbac.go, staging rbac/v1 helpers RuleAllows).
 * Not modelled yet: the Node authorizer's graph (nodes are authorized by their RBAC role only)
 * and ClusterRole aggregation.
 */
import type { KubeObject } from "../api/types";
import type { UserInfo } from "./http";
import type { RequestInfo } from "./request-info";
import type { ApiServerState } from "./state";
import { listCached } from "./watch-cache";

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

/** The group every authenticated user is in. */
export const ALL_AUTHENTICATED = "system:authenticated";
/** The superuser group (user.SystemPrivilegedGroup): always allowed. */
export const SYSTEM_MASTERS = "system:masters";

function has(list: string[] | undefined, v: string): boolean {
  return !!list && (list.includes("*") || list.includes(v));
}

function ruleAllows(rule: PolicyRule, info: RequestInfo): boolean {
  if (!info.isResourceRequest) {
    if (!has(rule.verbs, info.verb) || !rule.nonResourceURLs) return false;
    return rule.nonResourceURLs.some(
      (u) => u === "*" || u === info.path || (u.endsWith("*") && info.path.startsWith(u.slice(0, -1))),
    );
  }
  if (!has(rule.verbs, info.verb) || !has(rule.apiGroups, info.group)) return false;
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const resources = rule.resources ?? [];
  const resourceOk =
    resources.includes("*") ||
    resources.includes(resource) ||
    (info.subresource !== "" && resources.includes(`*/${info.subresource}`));
  if (!resourceOk) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) return rule.resourceNames.includes(info.name);
  return true;
}

function subjectMatches(sub: Subject, user: UserInfo, groups: string[], bindingNamespace: string): boolean {
  switch (sub.kind) {
    case "User":
      return sub.name === user.username;
    case "Group":
      return groups.includes(sub.name);
    case "ServiceAccount":
      return user.username === `system:serviceaccount:${sub.namespace || bindingNamespace}:${sub.name}`;
    default:
      return false;
  }
}

function roleRules(s: ApiServerState, ref: { kind: string; name: string }, namespace: string): PolicyRule[] {
  const obj =
    ref.kind === "ClusterRole"
      ? s.cache.resources["/registry/clusterroles"]?.items[`/registry/clusterroles/${ref.name}`]
      : s.cache.resources["/registry/roles"]?.items[`/registry/roles/${namespace}/${ref.name}`];
  return (obj?.rules as PolicyRule[] | undefined) ?? [];
}

function bindingAllows(
  s: ApiServerState,
  b: KubeObject,
  user: UserInfo,
  groups: string[],
  info: RequestInfo,
): boolean {
  const ns = b.metadata.namespace ?? "";
  const subjects = (b.subjects as Subject[] | undefined) ?? [];
  if (!subjects.some((sub) => subjectMatches(sub, user, groups, ns))) return false;
  return roleRules(s, b.roleRef, ns).some((r) => ruleAllows(r, info));
}

/** The groups a request's user has, as authentication reports them. */
export function userGroups(user: UserInfo): string[] {
  const groups = [...(user.groups ?? [])];
  if (user.username !== "system:anonymous" && !groups.includes(ALL_AUTHENTICATED))
    groups.push(ALL_AUTHENTICATED);
  if (user.username === "system:anonymous" && !groups.includes("system:unauthenticated"))
    groups.push("system:unauthenticated");
  return groups;
}

/** Whether the request is allowed: privileged group, then cluster-wide bindings, then the namespace's. */
export function authorize(s: ApiServerState, user: UserInfo, info: RequestInfo): boolean {
  if (s.cfg.authorizationMode === "AlwaysAllow") return true;
  const groups = userGroups(user);
  if (groups.includes(SYSTEM_MASTERS)) return true;
  for (const b of listCached(s.cache, "/registry/clusterrolebindings", "")) {
    if (bindingAllows(s, b, user, groups, info)) return true;
  }
  if (info.isResourceRequest && info.namespace) {
    for (const b of listCached(s.cache, "/registry/rolebindings", info.namespace)) {
      if (bindingAllows(s, b, user, groups, info)) return true;
    }
  }
  return false;
}

const RBAC_LABELS = { "kubernetes.io/bootstrapping": "rbac-defaults" };
const AUTOUPDATE = { "rbac.authorization.kubernetes.io/autoupdate": "true" };

/**
 * The RBAC objects a fresh cluster has that the rest of the simulation relies on: the
 * apiserver's bootstrap policy (rbac/bootstrap-roles post-start hook; pkg/apis/rbac bootstrappolicy)
 * for cluster-admin, discovery, basic-user and public-info-viewer, and kubeadm's binding of the
 * `kubeadm:cluster-admins` group (the admin.conf identity since v1.29).
 */
export function bootstrapRbacObjects(): { key: string; obj: KubeObject }[] {
  const role = (name: string, rules: PolicyRule[], labels: Record<string, string> = RBAC_LABELS) => ({
    key: `/registry/clusterroles/${name}`,
    obj: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name, labels, annotations: AUTOUPDATE },
      rules,
    } as KubeObject,
  });
  const binding = (
    name: string,
    roleName: string,
    groups: string[],
    labels: Record<string, string> = RBAC_LABELS,
    annotate = true,
  ) => ({
    key: `/registry/clusterrolebindings/${name}`,
    obj: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: annotate ? { name, labels, annotations: AUTOUPDATE } : { name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
      subjects: groups.map((g) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: g })),
    } as KubeObject,
  });
  return [
    role("cluster-admin", [
      { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
      { nonResourceURLs: ["*"], verbs: ["*"] },
    ]),
    role("system:discovery", [
      {
        nonResourceURLs: [
          "/api",
          "/api/*",
          "/apis",
          "/apis/*",
          "/healthz",
          "/livez",
          "/openapi",
          "/openapi/*",
          "/readyz",
          "/version",
          "/version/",
        ],
        verbs: ["get"],
      },
    ]),
    role("system:basic-user", [
      {
        apiGroups: ["authorization.k8s.io"],
        resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
        verbs: ["create"],
      },
      { apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"], verbs: ["create"] },
    ]),
    role("system:public-info-viewer", [
      { nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"], verbs: ["get"] },
    ]),
    binding("cluster-admin", "cluster-admin", [SYSTEM_MASTERS]),
    binding("system:discovery", "system:discovery", [ALL_AUTHENTICATED]),
    binding("system:basic-user", "system:basic-user", [ALL_AUTHENTICATED]),
    binding("system:public-info-viewer", "system:public-info-viewer", [
      ALL_AUTHENTICATED,
      "system:unauthenticated",
    ]),
    // kubeadm init phase bootstrap-token / kubeconfig: ClusterRoleBinding kubeadm:cluster-admins.
    binding("kubeadm:cluster-admins", "cluster-admin", ["kubeadm:cluster-admins"], {}, false),
  ];
}
