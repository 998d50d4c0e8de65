/**
 * How lists, maps and structs of the built-in types merge, per client model type and JSON field:
 * the `patchStrategy`/`patchMergeKey` struct tags (strategic merge patch) and the
 * `+listType`, `+listMapKey`, `+mapType`, `+structType` markers (server-side apply), as
 * written in k8s.io/api and k8s.io/apimachinery `types.go` at tag kubernetes-1.32.0.
 * The installed packages do not carry these OpenAPI extensions, so they were extracted
 * from those sources into this table (facts only; "*" marks a whole struct).
 */

/** Merge semantics of one field. */
export interface FieldMergeInfo {
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: "atomic" | "set" | "map";
  listMapKeys?: readonly string[];
  mapType?: "atomic" | "granular";
  structType?: "atomic" | "granular";
}

/** Field merge semantics by client model type name ("V1PodSpec") and JSON field name. */
export const FIELD_MERGE_INFO: Readonly<Record<string, Readonly<Record<string, FieldMergeInfo>>>> = {
  CoreV1EndpointPort: {
    "*": {
      structType: "atomic",
    },
  },
  DiscoveryV1EndpointPort: {
    "*": {
      structType: "atomic",
    },
  },
  RbacV1Subject: {
    "*": {
      structType: "atomic",
    },
  },
  V1APIGroup: {
    serverAddressByClientCIDRs: {
      listType: "atomic",
    },
    versions: {
      listType: "atomic",
    },
  },
  V1APIGroupList: {
    groups: {
      listType: "atomic",
    },
  },
  V1APIResource: {
    categories: {
      listType: "atomic",
    },
    shortNames: {
      listType: "atomic",
    },
  },
  V1APIResourceList: {
    resources: {
      listType: "atomic",
    },
  },
  V1APIVersions: {
    serverAddressByClientCIDRs: {
      listType: "atomic",
    },
    versions: {
      listType: "atomic",
    },
  },
  V1AggregationRule: {
    clusterRoleSelectors: {
      listType: "atomic",
    },
  },
  V1CSIDriverSpec: {
    tokenRequests: {
      listType: "atomic",
    },
    volumeLifecycleModes: {
      listType: "set",
    },
  },
  V1CSINodeDriver: {
    topologyKeys: {
      listType: "atomic",
    },
  },
  V1CSINodeSpec: {
    drivers: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
  },
  V1Capabilities: {
    add: {
      listType: "atomic",
    },
    drop: {
      listType: "atomic",
    },
  },
  V1CephFSPersistentVolumeSource: {
    monitors: {
      listType: "atomic",
    },
  },
  V1CephFSVolumeSource: {
    monitors: {
      listType: "atomic",
    },
  },
  V1CertificateSigningRequestSpec: {
    groups: {
      listType: "atomic",
    },
    request: {
      listType: "atomic",
    },
    usages: {
      listType: "atomic",
    },
  },
  V1CertificateSigningRequestStatus: {
    certificate: {
      listType: "atomic",
    },
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
    },
  },
  V1ClusterRole: {
    rules: {
      listType: "atomic",
    },
  },
  V1ClusterRoleBinding: {
    subjects: {
      listType: "atomic",
    },
  },
  V1ComponentStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1ConfigMapKeySelector: {
    "*": {
      structType: "atomic",
    },
  },
  V1ConfigMapProjection: {
    items: {
      listType: "atomic",
    },
  },
  V1ConfigMapVolumeSource: {
    items: {
      listType: "atomic",
    },
  },
  V1Container: {
    args: {
      listType: "atomic",
    },
    command: {
      listType: "atomic",
    },
    env: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
    envFrom: {
      listType: "atomic",
    },
    ports: {
      listMapKeys: ["containerPort", "protocol"],
      listType: "map",
      patchMergeKey: "containerPort",
      patchStrategy: "merge",
    },
    resizePolicy: {
      listType: "atomic",
    },
    volumeDevices: {
      listMapKeys: ["devicePath"],
      listType: "map",
      patchMergeKey: "devicePath",
      patchStrategy: "merge",
    },
    volumeMounts: {
      listMapKeys: ["mountPath"],
      listType: "map",
      patchMergeKey: "mountPath",
      patchStrategy: "merge",
    },
  },
  V1ContainerImage: {
    names: {
      listType: "atomic",
    },
  },
  V1ContainerStatus: {
    allocatedResourcesStatus: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
    volumeMounts: {
      listMapKeys: ["mountPath"],
      listType: "map",
      patchMergeKey: "mountPath",
      patchStrategy: "merge",
    },
  },
  V1CronJobStatus: {
    active: {
      listType: "atomic",
    },
  },
  V1CrossVersionObjectReference: {
    "*": {
      structType: "atomic",
    },
  },
  V1DaemonSetStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1DeleteOptions: {
    dryRun: {
      listType: "atomic",
    },
  },
  V1DeploymentSpec: {
    strategy: {
      patchStrategy: "retainKeys",
    },
  },
  V1DeploymentStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1DownwardAPIProjection: {
    items: {
      listType: "atomic",
    },
  },
  V1DownwardAPIVolumeSource: {
    items: {
      listType: "atomic",
    },
  },
  V1Endpoint: {
    addresses: {
      listType: "set",
    },
  },
  V1EndpointAddress: {
    "*": {
      structType: "atomic",
    },
  },
  V1EndpointHints: {
    forZones: {
      listType: "atomic",
    },
  },
  V1EndpointSlice: {
    endpoints: {
      listType: "atomic",
    },
    ports: {
      listType: "atomic",
    },
  },
  V1EndpointSubset: {
    addresses: {
      listType: "atomic",
    },
    notReadyAddresses: {
      listType: "atomic",
    },
    ports: {
      listType: "atomic",
    },
  },
  V1Endpoints: {
    subsets: {
      listType: "atomic",
    },
  },
  V1EphemeralContainer: {
    args: {
      listType: "atomic",
    },
    command: {
      listType: "atomic",
    },
    env: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
    envFrom: {
      listType: "atomic",
    },
    ports: {
      listMapKeys: ["containerPort", "protocol"],
      listType: "map",
      patchMergeKey: "containerPort",
      patchStrategy: "merge",
    },
    resizePolicy: {
      listType: "atomic",
    },
    volumeDevices: {
      listMapKeys: ["devicePath"],
      listType: "map",
      patchMergeKey: "devicePath",
      patchStrategy: "merge",
    },
    volumeMounts: {
      listMapKeys: ["mountPath"],
      listType: "map",
      patchMergeKey: "mountPath",
      patchStrategy: "merge",
    },
  },
  V1ExecAction: {
    command: {
      listType: "atomic",
    },
  },
  V1FCVolumeSource: {
    targetWWNs: {
      listType: "atomic",
    },
    wwids: {
      listType: "atomic",
    },
  },
  V1FieldSelectorRequirement: {
    values: {
      listType: "atomic",
    },
  },
  V1FlowSchemaSpec: {
    rules: {
      listType: "atomic",
    },
  },
  V1FlowSchemaStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1HTTPGetAction: {
    httpHeaders: {
      listType: "atomic",
    },
  },
  V1HTTPIngressRuleValue: {
    paths: {
      listType: "atomic",
    },
  },
  V1HostAlias: {
    hostnames: {
      listType: "atomic",
    },
  },
  V1IPBlock: {
    except: {
      listType: "atomic",
    },
  },
  V1ISCSIPersistentVolumeSource: {
    portals: {
      listType: "atomic",
    },
  },
  V1ISCSIVolumeSource: {
    portals: {
      listType: "atomic",
    },
  },
  V1IngressLoadBalancerIngress: {
    ports: {
      listType: "atomic",
    },
  },
  V1IngressLoadBalancerStatus: {
    ingress: {
      listType: "atomic",
    },
  },
  V1IngressSpec: {
    rules: {
      listType: "atomic",
    },
    tls: {
      listType: "atomic",
    },
  },
  V1IngressTLS: {
    hosts: {
      listType: "atomic",
    },
  },
  V1JobStatus: {
    conditions: {
      listType: "atomic",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1LabelSelector: {
    "*": {
      structType: "atomic",
    },
    matchExpressions: {
      listType: "atomic",
    },
  },
  V1LabelSelectorRequirement: {
    values: {
      listType: "atomic",
    },
  },
  V1LimitRangeSpec: {
    limits: {
      listType: "atomic",
    },
  },
  V1LinuxContainerUser: {
    supplementalGroups: {
      listType: "atomic",
    },
  },
  V1LoadBalancerIngress: {
    ports: {
      listType: "atomic",
    },
  },
  V1LoadBalancerStatus: {
    ingress: {
      listType: "atomic",
    },
  },
  V1LocalObjectReference: {
    "*": {
      structType: "atomic",
    },
  },
  V1MatchResources: {
    "*": {
      structType: "atomic",
    },
    excludeResourceRules: {
      listType: "atomic",
    },
    resourceRules: {
      listType: "atomic",
    },
  },
  V1MutatingWebhook: {
    admissionReviewVersions: {
      listType: "atomic",
    },
    matchConditions: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
    rules: {
      listType: "atomic",
    },
  },
  V1MutatingWebhookConfiguration: {
    webhooks: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
  },
  V1NamedRuleWithOperations: {
    "*": {
      structType: "atomic",
    },
    resourceNames: {
      listType: "atomic",
    },
  },
  V1NamespaceSpec: {
    finalizers: {
      listType: "atomic",
    },
  },
  V1NamespaceStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1NetworkPolicyEgressRule: {
    ports: {
      listType: "atomic",
    },
    to: {
      listType: "atomic",
    },
  },
  V1NetworkPolicyIngressRule: {
    from: {
      listType: "atomic",
    },
    ports: {
      listType: "atomic",
    },
  },
  V1NetworkPolicySpec: {
    egress: {
      listType: "atomic",
    },
    ingress: {
      listType: "atomic",
    },
    policyTypes: {
      listType: "atomic",
    },
  },
  V1NodeAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: {
      listType: "atomic",
    },
  },
  V1NodeSelector: {
    "*": {
      structType: "atomic",
    },
    nodeSelectorTerms: {
      listType: "atomic",
    },
  },
  V1NodeSelectorRequirement: {
    values: {
      listType: "atomic",
    },
  },
  V1NodeSelectorTerm: {
    "*": {
      structType: "atomic",
    },
    matchExpressions: {
      listType: "atomic",
    },
    matchFields: {
      listType: "atomic",
    },
  },
  V1NodeSpec: {
    podCIDRs: {
      listType: "set",
      patchStrategy: "merge",
    },
    taints: {
      listType: "atomic",
    },
  },
  V1NodeStatus: {
    addresses: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
    images: {
      listType: "atomic",
    },
    runtimeHandlers: {
      listType: "atomic",
    },
    volumesAttached: {
      listType: "atomic",
    },
    volumesInUse: {
      listType: "atomic",
    },
  },
  V1NonResourcePolicyRule: {
    nonResourceURLs: {
      listType: "set",
    },
    verbs: {
      listType: "set",
    },
  },
  V1ObjectFieldSelector: {
    "*": {
      structType: "atomic",
    },
  },
  V1ObjectMeta: {
    finalizers: {
      listType: "set",
      patchStrategy: "merge",
    },
    managedFields: {
      listType: "atomic",
    },
    ownerReferences: {
      listMapKeys: ["uid"],
      listType: "map",
      patchMergeKey: "uid",
      patchStrategy: "merge",
    },
  },
  V1ObjectReference: {
    "*": {
      structType: "atomic",
    },
  },
  V1OwnerReference: {
    "*": {
      structType: "atomic",
    },
  },
  V1ParamKind: {
    "*": {
      structType: "atomic",
    },
  },
  V1ParamRef: {
    "*": {
      structType: "atomic",
    },
  },
  V1PersistentVolumeClaimSpec: {
    accessModes: {
      listType: "atomic",
    },
  },
  V1PersistentVolumeClaimStatus: {
    accessModes: {
      listType: "atomic",
    },
    allocatedResourceStatuses: {
      mapType: "granular",
    },
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1PersistentVolumeSpec: {
    accessModes: {
      listType: "atomic",
    },
    claimRef: {
      structType: "granular",
    },
    mountOptions: {
      listType: "atomic",
    },
  },
  V1PodAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: {
      listType: "atomic",
    },
    requiredDuringSchedulingIgnoredDuringExecution: {
      listType: "atomic",
    },
  },
  V1PodAffinityTerm: {
    matchLabelKeys: {
      listType: "atomic",
    },
    mismatchLabelKeys: {
      listType: "atomic",
    },
    namespaces: {
      listType: "atomic",
    },
  },
  V1PodAntiAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: {
      listType: "atomic",
    },
    requiredDuringSchedulingIgnoredDuringExecution: {
      listType: "atomic",
    },
  },
  V1PodDNSConfig: {
    nameservers: {
      listType: "atomic",
    },
    options: {
      listType: "atomic",
    },
    searches: {
      listType: "atomic",
    },
  },
  V1PodDisruptionBudgetSpec: {
    selector: {
      patchStrategy: "replace",
    },
  },
  V1PodDisruptionBudgetStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1PodFailurePolicy: {
    rules: {
      listType: "atomic",
    },
  },
  V1PodFailurePolicyOnExitCodesRequirement: {
    values: {
      listType: "set",
    },
  },
  V1PodFailurePolicyRule: {
    onPodConditions: {
      listType: "atomic",
    },
  },
  V1PodSecurityContext: {
    supplementalGroups: {
      listType: "atomic",
    },
    sysctls: {
      listType: "atomic",
    },
  },
  V1PodSpec: {
    containers: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
    ephemeralContainers: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
    hostAliases: {
      listMapKeys: ["ip"],
      listType: "map",
      patchMergeKey: "ip",
      patchStrategy: "merge",
    },
    imagePullSecrets: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
    initContainers: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
    nodeSelector: {
      mapType: "atomic",
    },
    readinessGates: {
      listType: "atomic",
    },
    resourceClaims: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge,retainKeys",
    },
    schedulingGates: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
    tolerations: {
      listType: "atomic",
    },
    topologySpreadConstraints: {
      listMapKeys: ["topologyKey", "whenUnsatisfiable"],
      listType: "map",
      patchMergeKey: "topologyKey",
      patchStrategy: "merge",
    },
    volumes: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge,retainKeys",
    },
  },
  V1PodStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
    containerStatuses: {
      listType: "atomic",
    },
    ephemeralContainerStatuses: {
      listType: "atomic",
    },
    hostIPs: {
      listType: "atomic",
      patchMergeKey: "ip",
      patchStrategy: "merge",
    },
    initContainerStatuses: {
      listType: "atomic",
    },
    podIPs: {
      listMapKeys: ["ip"],
      listType: "map",
      patchMergeKey: "ip",
      patchStrategy: "merge",
    },
    resourceClaimStatuses: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge,retainKeys",
    },
  },
  V1PolicyRule: {
    apiGroups: {
      listType: "atomic",
    },
    nonResourceURLs: {
      listType: "atomic",
    },
    resourceNames: {
      listType: "atomic",
    },
    resources: {
      listType: "atomic",
    },
    verbs: {
      listType: "atomic",
    },
  },
  V1PolicyRulesWithSubjects: {
    nonResourceRules: {
      listType: "atomic",
    },
    resourceRules: {
      listType: "atomic",
    },
    subjects: {
      listType: "atomic",
    },
  },
  V1PriorityLevelConfigurationStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1ProjectedVolumeSource: {
    sources: {
      listType: "atomic",
    },
  },
  V1RBDPersistentVolumeSource: {
    monitors: {
      listType: "atomic",
    },
  },
  V1RBDVolumeSource: {
    monitors: {
      listType: "atomic",
    },
  },
  V1ReplicaSetStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1ReplicationControllerSpec: {
    selector: {
      mapType: "atomic",
    },
  },
  V1ReplicationControllerStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1ResourceFieldSelector: {
    "*": {
      structType: "atomic",
    },
  },
  V1ResourcePolicyRule: {
    apiGroups: {
      listType: "set",
    },
    namespaces: {
      listType: "set",
    },
    resources: {
      listType: "set",
    },
    verbs: {
      listType: "set",
    },
  },
  V1ResourceQuotaSpec: {
    scopes: {
      listType: "atomic",
    },
  },
  V1ResourceRequirements: {
    claims: {
      listMapKeys: ["name"],
      listType: "map",
    },
  },
  V1ResourceStatus: {
    resources: {
      listMapKeys: ["resourceID"],
      listType: "map",
    },
  },
  V1Role: {
    rules: {
      listType: "atomic",
    },
  },
  V1RoleBinding: {
    subjects: {
      listType: "atomic",
    },
  },
  V1RoleRef: {
    "*": {
      structType: "atomic",
    },
  },
  V1RuleWithOperations: {
    apiGroups: {
      listType: "atomic",
    },
    apiVersions: {
      listType: "atomic",
    },
    operations: {
      listType: "atomic",
    },
    resources: {
      listType: "atomic",
    },
  },
  V1Scheduling: {
    nodeSelector: {
      mapType: "atomic",
    },
    tolerations: {
      listType: "atomic",
    },
  },
  V1ScopeSelector: {
    "*": {
      structType: "atomic",
    },
    matchExpressions: {
      listType: "atomic",
    },
  },
  V1ScopedResourceSelectorRequirement: {
    values: {
      listType: "atomic",
    },
  },
  V1SecretKeySelector: {
    "*": {
      structType: "atomic",
    },
  },
  V1SecretProjection: {
    items: {
      listType: "atomic",
    },
  },
  V1SecretReference: {
    "*": {
      structType: "atomic",
    },
  },
  V1SecretVolumeSource: {
    items: {
      listType: "atomic",
    },
  },
  V1ServiceAccount: {
    imagePullSecrets: {
      listType: "atomic",
    },
    secrets: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
  },
  V1ServiceBackendPort: {
    "*": {
      structType: "atomic",
    },
  },
  V1ServiceSpec: {
    clusterIPs: {
      listType: "atomic",
    },
    externalIPs: {
      listType: "atomic",
    },
    ipFamilies: {
      listType: "atomic",
    },
    loadBalancerSourceRanges: {
      listType: "atomic",
    },
    ports: {
      listMapKeys: ["port", "protocol"],
      listType: "map",
      patchMergeKey: "port",
      patchStrategy: "merge",
    },
    selector: {
      mapType: "atomic",
    },
  },
  V1ServiceStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1StatefulSetSpec: {
    volumeClaimTemplates: {
      listType: "atomic",
    },
  },
  V1StatefulSetStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
  },
  V1Status: {
    details: {
      listType: "atomic",
    },
  },
  V1StatusDetails: {
    causes: {
      listType: "atomic",
    },
  },
  V1StorageClass: {
    allowedTopologies: {
      listType: "atomic",
    },
    mountOptions: {
      listType: "atomic",
    },
  },
  V1SuccessPolicy: {
    rules: {
      listType: "atomic",
    },
  },
  V1TopologySelectorLabelRequirement: {
    values: {
      listType: "atomic",
    },
  },
  V1TopologySelectorTerm: {
    "*": {
      structType: "atomic",
    },
    matchLabelExpressions: {
      listType: "atomic",
    },
  },
  V1TopologySpreadConstraint: {
    matchLabelKeys: {
      listType: "atomic",
    },
  },
  V1TypeChecking: {
    expressionWarnings: {
      listType: "atomic",
    },
  },
  V1TypedLocalObjectReference: {
    "*": {
      structType: "atomic",
    },
  },
  V1UncountedTerminatedPods: {
    failed: {
      listType: "set",
    },
    succeeded: {
      listType: "set",
    },
  },
  V1ValidatingAdmissionPolicyBindingSpec: {
    validationActions: {
      listType: "set",
    },
  },
  V1ValidatingAdmissionPolicySpec: {
    auditAnnotations: {
      listType: "atomic",
    },
    matchConditions: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
    validations: {
      listType: "atomic",
    },
    variables: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
  },
  V1ValidatingAdmissionPolicyStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
    },
  },
  V1ValidatingWebhook: {
    admissionReviewVersions: {
      listType: "atomic",
    },
    matchConditions: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
    rules: {
      listType: "atomic",
    },
  },
  V1ValidatingWebhookConfiguration: {
    webhooks: {
      listMapKeys: ["name"],
      listType: "map",
      patchMergeKey: "name",
      patchStrategy: "merge",
    },
  },
  V1Variable: {
    "*": {
      structType: "atomic",
    },
  },
  V2HPAScalingRules: {
    policies: {
      listType: "atomic",
    },
  },
  V2HorizontalPodAutoscalerSpec: {
    metrics: {
      listType: "atomic",
    },
  },
  V2HorizontalPodAutoscalerStatus: {
    conditions: {
      listMapKeys: ["type"],
      listType: "map",
      patchMergeKey: "type",
      patchStrategy: "merge",
    },
    currentMetrics: {
      listType: "atomic",
    },
  },
};
