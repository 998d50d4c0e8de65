import Link from "next/link";
import { StartSandboxButton } from "@/components/sign-in-buttons";
import { currentUser } from "@/server/auth";

const COMPONENTS = [
  ["kube-apiserver", "Every request goes through it; replicas sit behind a load balancer."],
  ["etcd", "Members elect a leader and commit by majority; lose quorum and writes stop."],
  ["kube-scheduler", "Filters and scores nodes, plugin by plugin, and says why a pod is Pending."],
  ["kube-controller-manager", "Deployment, ReplicaSet, Job, Node and more, each a reconcile loop."],
  ["kubelet · kube-proxy · runtime", "Per node: pods start, probes run, rules route Service traffic."],
  ["CoreDNS · CNI · metrics", "Names resolve, pods get addresses, kubectl top has numbers."],
] as const;

export default async function HomePage() {
  const user = await currentUser();
  return (
    <>
      <section className="hero">
        <h1>Learn how Kubernetes is built by running one.</h1>
        <p className="lead">
          Kubelab gives you a simulated cluster in under a second: every component of the architecture, every
          message between them, driven with kubectl. Break a node, stop an etcd member, speed up time, and
          watch the cluster heal.
        </p>
        <div className="actions">
          {user ? (
            <Link className="button primary" href="/clusters">
              Go to your clusters
            </Link>
          ) : (
            <StartSandboxButton />
          )}
          <span className="hint">No sign-up needed: a sandbox account is created for you.</span>
        </div>
      </section>
      <section aria-labelledby="components-heading">
        <h2 id="components-heading">What you can look inside</h2>
        <ul className="cards">
          {COMPONENTS.map(([name, text]) => (
            <li key={name} className="card">
              <h3>{name}</h3>
              <p>{text}</p>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
