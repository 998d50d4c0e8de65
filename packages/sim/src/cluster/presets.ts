/**
 * Ready-made cluster specs a learner picks from, each with the one sentence the UI shows (English
 * and Korean). A preset is a raw spec: `parseClusterSpec({ preset: "ha", workerNodes: 5 })` starts
 * from it and applies the other fields over it.
 */

/** The names of the presets, in the order the UI lists them. */
export const PRESET_NAMES = [
  "single-node",
  "kubeadm",
  "ha",
  "external-etcd",
  "managed",
  "on-premises",
  "cloud",
] as const;

/** A preset's name. */
export type PresetName = (typeof PRESET_NAMES)[number];

/** The preset a cluster is created from when none is chosen (`kubeadm init` + three `kubeadm join`). */
export const DEFAULT_PRESET: PresetName = "kubeadm";

/** What the UI shows for a preset. */
export interface PresetInfo {
  name: PresetName;
  title: { en: string; ko: string };
  /** One sentence: what this cluster is and what it teaches. */
  description: { en: string; ko: string };
}

/** The raw specs (the same JSON a client could send), parsed by `parseClusterSpec`. */
export const PRESET_SPECS: Record<PresetName, Record<string, unknown>> = {
  "single-node": {
    controlPlane: { replicas: 1, etcdMembers: 1 },
    workerNodes: 0,
    // minikube's default machine: 2 CPUs, about 2-4 GiB.
    variant: { controlPlane: { schedulable: true, size: { cpu: 2, memoryGiB: 4, pods: 110 } } },
  },
  kubeadm: {
    controlPlane: { replicas: 1, etcdMembers: 1 },
    workerNodes: 3,
    variant: { workerPools: [{ name: "worker", count: 3, size: "medium" }] },
  },
  ha: {
    controlPlane: { replicas: 3, etcdMembers: 3 },
    workerNodes: 3,
    variant: { workerPools: [{ name: "worker", count: 3, size: "medium" }] },
  },
  "external-etcd": {
    controlPlane: { replicas: 3, etcdMembers: 3 },
    workerNodes: 3,
    variant: {
      controlPlane: { etcd: "external" },
      workerPools: [{ name: "worker", count: 3, size: "medium" }],
    },
  },
  managed: {
    // The provider's control plane is replicated (GKE regional, EKS: 2+ apiservers, 3 etcd).
    controlPlane: { replicas: 3, etcdMembers: 3 },
    workerNodes: 3,
    variant: {
      controlPlane: { deployment: "managed", etcd: "external" },
      workerPools: [{ name: "worker", count: 3, size: "medium" }],
      // GKE Dataplane V2 is Cilium without kube-proxy.
      network: { cni: "cilium", kubeProxyMode: "none" },
      cloud: "gcp",
    },
  },
  "on-premises": {
    controlPlane: { replicas: 3, etcdMembers: 3 },
    workerNodes: 3,
    variant: {
      workerPools: [{ name: "worker", count: 3, size: "large", runtime: "cri-o" }],
      controlPlane: { runtime: "cri-o" },
      network: { cni: "calico", kubeProxyMode: "ipvs" },
      cloud: "none",
    },
  },
  cloud: {
    controlPlane: { replicas: 1, etcdMembers: 1 },
    workerNodes: 3,
    variant: {
      workerPools: [{ name: "worker", count: 3, size: "medium" }],
      network: { cni: "calico" },
      cloud: "aws",
    },
  },
};

/** The UI's text for each preset. */
export const PRESETS: readonly PresetInfo[] = [
  {
    name: "single-node",
    title: { en: "Single node (like minikube)", ko: "단일 노드 (minikube와 같은)" },
    description: {
      en: "One machine is the whole cluster: its control plane runs beside your pods, because the control-plane taint is removed.",
      ko: "한 대의 머신이 클러스터 전체입니다. 컨트롤 플레인 테인트를 제거했기 때문에 컨트롤 플레인이 여러분의 파드와 같은 곳에서 실행됩니다.",
    },
  },
  {
    name: "kubeadm",
    title: { en: "kubeadm: 1 control plane + 3 workers", ko: "kubeadm: 컨트롤 플레인 1대 + 워커 3대" },
    description: {
      en: "What `kubeadm init` and three `kubeadm join` build: the control plane runs as static pods on a tainted node, and your pods go to the workers.",
      ko: "`kubeadm init`과 세 번의 `kubeadm join`으로 만든 클러스터입니다. 컨트롤 플레인은 테인트된 노드에서 스태틱 파드로 실행되고, 여러분의 파드는 워커로 갑니다.",
    },
  },
  {
    name: "ha",
    title: { en: "Highly available (3 control planes)", ko: "고가용성 (컨트롤 플레인 3대)" },
    description: {
      en: "Three control-plane nodes with etcd stacked on them behind a load balancer, so the cluster survives losing any one of them.",
      ko: "etcd를 함께 올린 컨트롤 플레인 노드 세 대가 로드 밸런서 뒤에 있어, 그중 어느 한 대를 잃어도 클러스터가 살아남습니다.",
    },
  },
  {
    name: "external-etcd",
    title: { en: "External etcd (3 members)", ko: "외부 etcd (멤버 3개)" },
    description: {
      en: "etcd runs on three hosts of its own, so losing a control-plane node does not cost an etcd member.",
      ko: "etcd가 전용 호스트 세 대에서 실행되므로, 컨트롤 플레인 노드를 잃어도 etcd 멤버는 줄지 않습니다.",
    },
  },
  {
    name: "managed",
    title: { en: "Managed (like EKS, GKE, AKS)", ko: "관리형 (EKS, GKE, AKS와 같은)" },
    description: {
      en: "The cloud provider runs the control plane out of sight: you see only the API endpoint and your worker nodes, not a single control-plane pod.",
      ko: "클라우드 제공자가 컨트롤 플레인을 보이지 않는 곳에서 운영합니다. API 엔드포인트와 워커 노드만 보이고 컨트롤 플레인 파드는 하나도 보이지 않습니다.",
    },
  },
  {
    name: "on-premises",
    title: { en: "On premises", ko: "온프레미스" },
    description: {
      en: "Your own machines with no cloud underneath: there is no cloud-controller-manager, so a LoadBalancer Service stays <pending>.",
      ko: "아래에 클라우드가 없는 자체 머신입니다. cloud-controller-manager가 없어서 LoadBalancer 서비스는 <pending> 상태로 남습니다.",
    },
  },
  {
    name: "cloud",
    title: { en: "On a cloud", ko: "클라우드 위" },
    description: {
      en: "A kubeadm cluster on cloud machines: the cloud-controller-manager gives LoadBalancer Services an external address and removes nodes deleted in the cloud.",
      ko: "클라우드 머신 위의 kubeadm 클러스터입니다. cloud-controller-manager가 LoadBalancer 서비스에 외부 주소를 주고, 클라우드에서 삭제된 노드를 클러스터에서 지웁니다.",
    },
  },
];
