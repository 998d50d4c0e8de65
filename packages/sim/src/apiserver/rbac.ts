/**
 * Authorization as kubeadm configures kube-apiserver (`--authorization-mode=Node,RBAC`, plus the
 * always-on privileged-group authorizer for `system:masters`): RBAC rule evaluation over the
 * Roles, ClusterRoles, RoleBindings and ClusterRoleBindings in the watch cache
 * (plugin/pkg/auth/authorizer/rbac/rbac.go, staging rbac/v1 helpers RuleAllows).
 * Not modelled yet: the Node authorizer's graph (nodes get the system:node role's rules) and
 * ClusterRole aggregation.
 */
import type { KubeObject } from "../api/types";
import type { UserInfo } from "./http";
import type { RequestInfo } from "./request-info";
import type { ApiServerState } from "./state";

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

/**
 * Whether the request is allowed: the privileged group, then the Node authorizer, then RBAC's
 * cluster-wide bindings and the namespace's bindings.
 */
export function authorize(s: ApiServerState, user: UserInfo, info: RequestInfo): boolean {
  if (s.cfg.authorizationMode === "AlwaysAllow") return true;
  const groups = userGroups(user);
  if (groups.includes(SYSTEM_MASTERS)) return true;
  // The Node authorizer (approximated): a kubelet (`system:node:<name>` in `system:nodes`) may do
  // what the system:node ClusterRole lists. The real one further limits it to objects related to
  // its own node through the authorization graph.
  if (groups.includes("system:nodes") && user.username.startsWith("system:node:")) {
    if (roleRules(s, { kind: "ClusterRole", name: "system:node" }, "").some((r) => ruleAllows(r, info)))
      return true;
  }
  // Any allowing binding decides, so order does not matter: iterate the cache without sorting.
  const crbs = s.cache.resources["/registry/clusterrolebindings"]?.items;
  for (const k in crbs) if (bindingAllows(s, crbs[k]!, user, groups, info)) return true;
  if (info.isResourceRequest && info.namespace) {
    const rbs = s.cache.resources["/registry/rolebindings"];
    for (const k in rbs?.byNamespace[info.namespace])
      if (bindingAllows(s, rbs!.items[k]!, user, groups, info)) return true;
  }
  return false;
}
