/**
 * The faults a learner can inject (`kubelab fault NAME <fault> <target>`), what each breaks, how
 * its target is named (as kubectl shows it), and one sentence on what Kubernetes is expected to
 * do about it, in English and Korean (timings are v1.32's defaults: K8S-FACTS §1).
 */

/** Fault names, as the CLI and the UI spell them. */
export const FAULT_NAMES = [
  "node-down",
  "kubelet-stop",
  "node-partition",
  "container-crash",
  "etcd-stop",
  "apiserver-stop",
  "scheduler-stop",
  "controller-manager-stop",
  "cloud-controller-manager-stop",
  "coredns-down",
  "cni-fail",
  "registry-down",
  "cloud-lb-fail",
] as const;

/** A fault's name. */
export type FaultName = (typeof FAULT_NAMES)[number];

/**
 * What a fault's target is:
 * - `node`: a machine's name (`worker-1`, `control-plane-2`; external etcd hosts `etcd-host-1`);
 * - `control-plane`: the node the component runs on (`control-plane-1`);
 * - `etcd`: the node (or etcd host) the member runs on;
 * - `pod`: `namespace/name` (optionally `/container`);
 * - `cluster`: nothing to name (a default target is used).
 */
export type FaultTargetKind = "node" | "control-plane" | "etcd" | "pod" | "cluster";

/** What the UI and the CLI show about a fault. */
export interface FaultInfo {
  name: FaultName;
  target: FaultTargetKind;
  /** The target used when none is given (cluster-wide faults). */
  defaultTarget?: string;
  /** False for a one-shot fault that needs no repair (the cluster heals it itself). */
  repairable: boolean;
  /** What is broken. */
  summary: { en: string; ko: string };
  /** What Kubernetes is expected to do. */
  expected: { en: string; ko: string };
}

/** Every fault, in `FAULT_NAMES` order. */
export const FAULTS: Record<FaultName, FaultInfo> = {
  "node-down": {
    name: "node-down",
    target: "node",
    repairable: true,
    summary: {
      en: "The machine is powered off: its kubelet, container runtime, kube-proxy and every container stop at once.",
      ko: "머신의 전원이 꺼집니다. kubelet, 컨테이너 런타임, kube-proxy와 모든 컨테이너가 한꺼번에 멈춥니다.",
    },
    expected: {
      en: "About 50 s after the last heartbeat the node controller marks the node NotReady (Unknown) and taints it unreachable; its pods leave the Services' endpoints and, after their 300 s toleration, are evicted and recreated on other nodes.",
      ko: "마지막 하트비트 후 약 50초가 지나면 노드 컨트롤러가 노드를 NotReady(Unknown)로 표시하고 unreachable 테인트를 붙입니다. 그 노드의 파드는 서비스 엔드포인트에서 빠지고, 300초의 톨러레이션이 지나면 축출되어 다른 노드에 다시 만들어집니다.",
    },
  },
  "kubelet-stop": {
    name: "kubelet-stop",
    target: "node",
    repairable: true,
    summary: {
      en: "The kubelet is stopped (`systemctl stop kubelet`); the containers it started keep running.",
      ko: "kubelet이 멈춥니다(`systemctl stop kubelet`). kubelet이 시작한 컨테이너는 계속 실행됩니다.",
    },
    expected: {
      en: "The node turns NotReady about 50 s later and its pods are evicted after 300 s, although their containers were still running; when the kubelet returns it reports the node Ready again.",
      ko: "약 50초 후 노드가 NotReady가 되고 300초 후 파드가 축출됩니다(컨테이너는 여전히 실행 중이었는데도). kubelet이 돌아오면 노드를 다시 Ready로 보고합니다.",
    },
  },
  "node-partition": {
    name: "node-partition",
    target: "node",
    repairable: true,
    summary: {
      en: "The node's network links are cut: it runs on but can reach nothing and nothing can reach it.",
      ko: "노드의 네트워크 연결이 끊깁니다. 노드는 계속 돌지만 아무 곳에도 닿지 못하고 아무도 노드에 닿지 못합니다.",
    },
    expected: {
      en: "From outside this looks like a dead node: NotReady after about 50 s, eviction after 300 s; when the link heals the kubelet finds its pods deleted and stops their containers.",
      ko: "바깥에서는 죽은 노드처럼 보입니다. 약 50초 후 NotReady, 300초 후 축출됩니다. 연결이 복구되면 kubelet은 파드가 삭제된 것을 보고 그 컨테이너를 멈춥니다.",
    },
  },
  "container-crash": {
    name: "container-crash",
    target: "pod",
    repairable: false,
    summary: {
      en: "A container of the pod is killed (SIGKILL, exit code 137).",
      ko: "파드의 컨테이너 하나가 강제 종료됩니다(SIGKILL, 종료 코드 137).",
    },
    expected: {
      en: "The kubelet sees the container exit and, under the pod's restartPolicy, starts it again (RESTARTS goes up); crashing repeatedly leads to CrashLoopBackOff with a back-off doubling from 10 s to 5 min.",
      ko: "kubelet이 컨테이너의 종료를 보고 파드의 restartPolicy에 따라 다시 시작합니다(RESTARTS 증가). 계속 죽으면 10초에서 5분까지 두 배씩 늘어나는 CrashLoopBackOff가 됩니다.",
    },
  },
  "etcd-stop": {
    name: "etcd-stop",
    target: "etcd",
    repairable: true,
    summary: {
      en: "The etcd member on that node stops.",
      ko: "그 노드의 etcd 멤버가 멈춥니다.",
    },
    expected: {
      en: "While a majority of members is up etcd elects a leader and keeps serving; without a majority every write fails with `etcdserver: request timed out`, nothing already acknowledged is lost, and writes work again once quorum is back.",
      ko: "멤버의 과반이 살아 있는 동안 etcd는 리더를 뽑고 계속 동작합니다. 과반이 없으면 모든 쓰기가 `etcdserver: request timed out`으로 실패하지만 이미 확인된 데이터는 잃지 않고, 쿼럼이 돌아오면 다시 쓸 수 있습니다.",
    },
  },
  "apiserver-stop": {
    name: "apiserver-stop",
    target: "control-plane",
    repairable: true,
    summary: {
      en: "The kube-apiserver on that node stops.",
      ko: "그 노드의 kube-apiserver가 멈춥니다.",
    },
    expected: {
      en: "The load balancer sends clients to the other apiservers; with none left the API is unavailable, but pods already running keep running, and everything reconciles when an apiserver returns.",
      ko: "로드 밸런서가 클라이언트를 다른 apiserver로 보냅니다. 하나도 남지 않으면 API를 쓸 수 없지만 이미 실행 중인 파드는 계속 실행되고, apiserver가 돌아오면 모든 것이 다시 맞춰집니다.",
    },
  },
  "scheduler-stop": {
    name: "scheduler-stop",
    target: "control-plane",
    repairable: true,
    summary: {
      en: "The kube-scheduler on that node stops.",
      ko: "그 노드의 kube-scheduler가 멈춥니다.",
    },
    expected: {
      en: "If it was the leader, another replica takes the kube-scheduler Lease once it expires (15 s) and scheduling resumes; with no scheduler left new pods stay Pending.",
      ko: "리더였다면 kube-scheduler 리스가 만료된 뒤(15초) 다른 복제본이 리스를 가져가 스케줄링을 이어갑니다. 스케줄러가 하나도 없으면 새 파드는 Pending으로 남습니다.",
    },
  },
  "controller-manager-stop": {
    name: "controller-manager-stop",
    target: "control-plane",
    repairable: true,
    summary: {
      en: "The kube-controller-manager on that node stops.",
      ko: "그 노드의 kube-controller-manager가 멈춥니다.",
    },
    expected: {
      en: "If it was the leader, another replica takes the kube-controller-manager Lease after it expires (15 s); with none left nothing reconciles: a deleted pod of a Deployment is not replaced and dead nodes are not noticed.",
      ko: "리더였다면 리스가 만료된 뒤(15초) 다른 복제본이 kube-controller-manager 리스를 가져갑니다. 하나도 없으면 아무것도 조정되지 않아, 디플로이먼트의 파드를 지워도 다시 만들어지지 않고 죽은 노드도 알아채지 못합니다.",
    },
  },
  "cloud-controller-manager-stop": {
    name: "cloud-controller-manager-stop",
    target: "control-plane",
    repairable: true,
    summary: {
      en: "The cloud-controller-manager on that node stops.",
      ko: "그 노드의 cloud-controller-manager가 멈춥니다.",
    },
    expected: {
      en: "New LoadBalancer Services stay <pending> and new nodes keep the uninitialized taint until a cloud-controller-manager runs again; what already exists keeps working.",
      ko: "cloud-controller-manager가 다시 실행될 때까지 새 LoadBalancer 서비스는 <pending>으로 남고 새 노드는 uninitialized 테인트를 유지합니다. 이미 있는 것은 계속 동작합니다.",
    },
  },
  "coredns-down": {
    name: "coredns-down",
    target: "cluster",
    defaultTarget: "kube-system/coredns",
    repairable: true,
    summary: {
      en: "The CoreDNS Deployment is scaled to zero replicas.",
      ko: "CoreDNS 디플로이먼트의 복제본 수가 0이 됩니다.",
    },
    expected: {
      en: "The kube-dns Service has no endpoints, so name lookups from pods time out (`nslookup` fails) while connections by IP still work; scaling it back restores resolution.",
      ko: "kube-dns 서비스에 엔드포인트가 없어 파드의 이름 조회가 시간 초과로 실패(`nslookup` 실패)하지만 IP로 연결하는 것은 계속 됩니다. 복제본을 되돌리면 이름 풀이가 돌아옵니다.",
    },
  },
  "cni-fail": {
    name: "cni-fail",
    target: "node",
    repairable: true,
    summary: {
      en: "The CNI plugin's agent on the node stops, so new pod sandboxes cannot get a network.",
      ko: "노드의 CNI 플러그인 에이전트가 멈춰 새 파드 샌드박스가 네트워크를 얻지 못합니다.",
    },
    expected: {
      en: "Pods already running keep their network; new pods on that node stay ContainerCreating with FailedCreatePodSandBox events and the plugin's error, until the agent returns.",
      ko: "이미 실행 중인 파드는 네트워크를 유지합니다. 그 노드의 새 파드는 에이전트가 돌아올 때까지 FailedCreatePodSandBox 이벤트와 플러그인 오류를 남기며 ContainerCreating에 머뭅니다.",
    },
  },
  "registry-down": {
    name: "registry-down",
    target: "cluster",
    defaultTarget: "registry",
    repairable: true,
    summary: {
      en: "The image registry refuses connections.",
      ko: "이미지 레지스트리가 연결을 거부합니다.",
    },
    expected: {
      en: "Pods whose image is already on their node start as usual; the others fail with ErrImagePull, then ImagePullBackOff retried with a back-off up to 5 min, and start once the registry is back.",
      ko: "이미지가 이미 노드에 있는 파드는 평소처럼 시작합니다. 나머지는 ErrImagePull, 이어서 최대 5분까지 늘어나는 간격으로 재시도하는 ImagePullBackOff가 되고, 레지스트리가 돌아오면 시작합니다.",
    },
  },
  "cloud-lb-fail": {
    name: "cloud-lb-fail",
    target: "cluster",
    defaultTarget: "cloud-lb",
    repairable: true,
    summary: {
      en: "The cloud's load-balancer service fails.",
      ko: "클라우드의 로드 밸런서 서비스가 고장 납니다.",
    },
    expected: {
      en: "The cloud-controller-manager's service controller cannot create or update load balancers: new LoadBalancer Services stay <pending> with SyncLoadBalancerFailed events and are retried with back-off until the cloud recovers.",
      ko: "cloud-controller-manager의 서비스 컨트롤러가 로드 밸런서를 만들거나 고치지 못합니다. 새 LoadBalancer 서비스는 SyncLoadBalancerFailed 이벤트와 함께 <pending>으로 남고, 클라우드가 회복될 때까지 백오프로 재시도됩니다.",
    },
  },
};

/** Whether a string is a fault name. */
export function isFaultName(x: unknown): x is FaultName {
  return typeof x === "string" && (FAULT_NAMES as readonly string[]).includes(x);
}
