// Built-in labs, from the learners' notes the product grew from: each one is
// something a learner can see and try in a simulated cluster. Text is given
// in English and Korean, with Kubernetes terms kept as Kubernetes writes them.
//
// A check asserts on what the learner's cluster shows through its API:
//   { id, title: {en, ko}, resource: { apiVersion, kind, namespace?, name? | labelSelector? },
//     expect: { path, op, value } | { count: { op, value } } }
// `path` is a dotted field path into the object (e.g. "status.availableReplicas").

/** @type {Array<object>} */
export const builtInLabs = [
  {
    slug: "first-deployment",
    title: { en: "Your first Deployment", ko: "첫 번째 Deployment" },
    instructions: {
      en: "Create a Deployment named `web` running three replicas of `nginx`:\n\n```sh\nkubectl create deployment web --image=nginx --replicas=3\n```\n\nWatch the map: kubectl → kube-apiserver → etcd, then the controller-manager creates a ReplicaSet and pods, the scheduler binds them to nodes, and each kubelet asks its runtime to start the containers.",
      ko: "`nginx` 레플리카 3개를 실행하는 `web` Deployment를 만드세요:\n\n```sh\nkubectl create deployment web --image=nginx --replicas=3\n```\n\n지도에서 kubectl → kube-apiserver → etcd 흐름을 보고, controller-manager가 ReplicaSet과 파드를 만들고, scheduler가 노드에 바인딩하고, 각 kubelet이 컨테이너 런타임에 컨테이너 시작을 요청하는 과정을 확인하세요.",
    },
    clusterSpec: { preset: "kubeadm" },
    setup: [],
    checks: [
      {
        id: "web-available",
        title: {
          en: "Deployment web has 3 available replicas",
          ko: "Deployment web의 사용 가능한 레플리카가 3개",
        },
        resource: { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" },
        expect: { path: "status.availableReplicas", op: ">=", value: 3 },
      },
    ],
  },
  {
    slug: "node-failure",
    title: { en: "When a worker node dies", ko: "워커 노드가 죽으면" },
    instructions: {
      en: "With `web` running on three workers, power off one worker from the Faults panel. The kubelet stops renewing its Lease; after the node monitor grace period the node controller marks the node `NotReady` and taints it `node.kubernetes.io/unreachable:NoExecute`. Pods tolerate that taint for 300 s, then are evicted and recreated on the remaining workers. Advance time by six minutes and check.",
      ko: "`web`이 워커 3대에서 실행 중일 때 Faults 패널에서 워커 하나의 전원을 끄세요. kubelet이 Lease 갱신을 멈추고, node monitor grace period가 지나면 노드 컨트롤러가 노드를 `NotReady`로 표시하고 `node.kubernetes.io/unreachable:NoExecute` taint를 붙입니다. 파드는 이 taint를 300초 동안 허용한 뒤 축출되어 남은 워커에 다시 만들어집니다. 시간을 6분 앞당긴 뒤 확인하세요.",
    },
    clusterSpec: { preset: "kubeadm" },
    setup: [
      {
        kind: "api",
        method: "POST",
        path: "/apis/apps/v1/namespaces/default/deployments",
        body: {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "web", labels: { app: "web" } },
          spec: {
            replicas: 3,
            selector: { matchLabels: { app: "web" } },
            template: {
              metadata: { labels: { app: "web" } },
              spec: { containers: [{ name: "nginx", image: "nginx" }] },
            },
          },
        },
      },
    ],
    checks: [
      {
        id: "web-available",
        title: { en: "web is back to 3 available replicas", ko: "web의 사용 가능한 레플리카가 다시 3개" },
        resource: { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" },
        expect: { path: "status.availableReplicas", op: ">=", value: 3 },
      },
      {
        id: "node-not-ready",
        title: { en: "One node is NotReady", ko: "노드 하나가 NotReady" },
        resource: { apiVersion: "v1", kind: "Node", labelSelector: "!node-role.kubernetes.io/control-plane" },
        expect: {
          count: { op: ">=", value: 1 },
          where: { path: "status.conditions[type=Ready].status", op: "!=", value: "True" },
        },
      },
    ],
  },
  {
    slug: "taints-and-tolerations",
    title: { en: "Taints and tolerations", ko: "Taint와 Toleration" },
    instructions: {
      en: "The control-plane node carries the taint `node-role.kubernetes.io/control-plane:NoSchedule`, so ordinary pods never land there. Run a pod named `admin-tools` (image `busybox`, command `sleep 3600`) that tolerates this taint and is pinned to the control-plane node with a nodeSelector.",
      ko: "컨트롤 플레인 노드에는 `node-role.kubernetes.io/control-plane:NoSchedule` taint가 있어 일반 파드는 배치되지 않습니다. 이 taint를 허용(toleration)하고 nodeSelector로 컨트롤 플레인 노드에 고정된 `admin-tools` 파드(이미지 `busybox`, 명령 `sleep 3600`)를 실행하세요.",
    },
    clusterSpec: { preset: "kubeadm" },
    setup: [],
    checks: [
      {
        id: "admin-tools-running",
        title: { en: "Pod admin-tools is Running", ko: "admin-tools 파드가 Running" },
        resource: { apiVersion: "v1", kind: "Pod", namespace: "default", name: "admin-tools" },
        expect: { path: "status.phase", op: "==", value: "Running" },
      },
    ],
  },
  {
    slug: "etcd-quorum",
    title: { en: "etcd quorum", ko: "etcd 쿼럼" },
    instructions: {
      en: "In a highly available cluster etcd has three members and commits a write when a majority (two) has it. Stop one member: writes still succeed. Stop a second: `kubectl create` fails with `etcdserver: request timed out`, while running pods keep running. Start the members again and create a ConfigMap named `quorum-back`.",
      ko: "고가용성 클러스터의 etcd는 멤버 3개로 구성되고, 과반수(2개)가 기록하면 쓰기를 커밋합니다. 멤버 하나를 멈춰도 쓰기는 성공합니다. 두 번째 멤버를 멈추면 `kubectl create`가 `etcdserver: request timed out`으로 실패하지만 실행 중인 파드는 계속 실행됩니다. 멤버들을 다시 시작하고 `quorum-back` ConfigMap을 만드세요.",
    },
    clusterSpec: { preset: "ha" },
    setup: [],
    checks: [
      {
        id: "configmap-created",
        title: { en: "ConfigMap quorum-back exists", ko: "ConfigMap quorum-back이 존재" },
        resource: { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "quorum-back" },
        expect: { count: { op: "==", value: 1 } },
      },
    ],
  },
];
