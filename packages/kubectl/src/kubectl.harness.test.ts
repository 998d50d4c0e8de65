/**
 * kubectl against the simulated control plane, in-process: every command goes as an HTTP-shaped
 * request through the load balancer to a kube-apiserver replica (HarnessTransport), so these
 * exercise real API semantics — defaulting, validation, conflicts, NotFound, watches.
 * (No nodes or controllers run here, so pods stay Pending and deployments report 0 ready.)
 */
import { describe, expect, test } from "vitest";
import { ControlPlaneHarness } from "../../sim/src/apiserver/testing";
import { HarnessTransport } from "./testing/harness-transport";
import { kubectl } from "./testing/run";

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
`;

function cluster(files: Record<string, string> = {}) {
  const t = new HarnessTransport(new ControlPlaneHarness().boot());
  const readFile = async (p: string) => {
    const f = files[p];
    if (f === undefined) throw new Error("ENOENT");
    return f;
  };
  return (line: string | string[]) => kubectl(t, line, { readFile });
}

describe("kubectl against the simulated apiserver", () => {
  test("apply creates, then is unchanged, then configures a changed field", async () => {
    const files: Record<string, string> = { "web.yaml": DEPLOYMENT };
    const k = cluster(files);
    expect(await k("apply -f web.yaml")).toEqual({
      code: 0,
      stdout: "deployment.apps/web created\n",
      stderr: "",
    });
    expect((await k("apply -f web.yaml")).stdout).toBe("deployment.apps/web unchanged\n");
    files["web.yaml"] = DEPLOYMENT.replace("replicas: 2", "replicas: 4").replace("nginx:1.27", "nginx:1.28");
    expect((await k("apply -f web.yaml")).stdout).toBe("deployment.apps/web configured\n");
    const r = await k([
      "get",
      "deploy",
      "web",
      "-o",
      "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}",
    ]);
    expect(r.stdout).toBe("4 nginx:1.28");
    // The annotation holds the applied configuration, sorted and compact, with a final newline.
    const ann = await k([
      "get",
      "deploy",
      "web",
      "-o",
      "jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}",
    ]);
    expect(ann.stdout).toContain('"replicas":4');
    expect(ann.stdout.endsWith("\n")).toBe(true);
  });

  test("get prints server objects as tables; empty lists go to stderr", async () => {
    const k = cluster({ "web.yaml": DEPLOYMENT });
    expect(await k("get pods")).toEqual({
      code: 0,
      stdout: "",
      stderr: "No resources found in default namespace.\n",
    });
    await k("apply -f web.yaml");
    const r = await k("get deploy -o wide");
    expect(r.stdout.split("\n")[0]).toBe(
      "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR",
    );
    expect(r.stdout.split("\n")[1]).toMatch(
      /^web {4}0\/2 {5}0 {12}0 {11}\d+s +nginx {8}nginx:1\.27 {3}app=web$/,
    );
    const ns = await k("get ns");
    expect(ns.stdout).toContain("kube-system       Active");
    expect((await k("get ns default -o name")).stdout).toBe("namespace/default\n");
  });

  test("real error texts and exit codes", async () => {
    const k = cluster({
      "bad.yaml": DEPLOYMENT.replace("replicas: 2", "replicas: -1"),
    });
    expect(await k("get foo")).toEqual({
      code: 1,
      stdout: "",
      stderr: 'error: the server doesn\'t have a resource type "foo"\n',
    });
    expect(await k("get pod nope")).toEqual({
      code: 1,
      stdout: "",
      stderr: 'Error from server (NotFound): pods "nope" not found\n',
    });
    expect(await k("get deploy nope")).toEqual({
      code: 1,
      stdout: "",
      stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n',
    });
    const invalid = await k("apply -f bad.yaml");
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toBe(
      'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n',
    );
    // Nothing was created.
    expect((await k("get deploy")).stderr).toBe("No resources found in default namespace.\n");
    await k("create namespace dev");
    expect(await k("create namespace dev")).toEqual({
      code: 1,
      stdout: "",
      stderr: 'Error from server (AlreadyExists): namespaces "dev" already exists\n',
    });
  });

  test("create generators, scale, label, annotate, set image, delete", async () => {
    const k = cluster();
    expect((await k("create deployment web --image=nginx --replicas=2")).stdout).toBe(
      "deployment.apps/web created\n",
    );
    expect(await k("create deployment web --image=nginx")).toEqual({
      code: 1,
      stdout: "",
      stderr: 'error: failed to create deployment: deployments.apps "web" already exists\n',
    });
    expect((await k("scale deploy/web --replicas=5")).stdout).toBe("deployment.apps/web scaled\n");
    expect((await k(["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"])).stdout).toBe("5");
    expect((await k("label deploy web tier=frontend")).stdout).toBe("deployment.apps/web labeled\n");
    expect((await k("label deploy web tier=backend")).stderr).toBe(
      "error: 'tier' already has a value (frontend), and --overwrite is false\n",
    );
    expect((await k("label deploy web tier=backend --overwrite")).stdout).toBe(
      "deployment.apps/web labeled\n",
    );
    expect((await k("label deploy web tier-")).stdout).toBe("deployment.apps/web unlabeled\n");
    expect((await k("annotate deploy web team=blue")).stdout).toBe("deployment.apps/web annotated\n");
    expect((await k("set image deployment/web nginx=nginx:1.28")).stdout).toBe(
      "deployment.apps/web image updated\n",
    );
    expect((await k("set image deployment/web nope=x")).stderr).toBe(
      'error: unable to find container named "nope"\n',
    );
    expect(
      (await k(["get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])).stdout,
    ).toBe("nginx:1.28");
    expect((await k("create configmap cfg --from-literal=a=1")).stdout).toBe("configmap/cfg created\n");
    expect((await k("delete configmap cfg")).stdout).toBe('configmap "cfg" deleted\n');
    expect((await k("delete deployment web")).stdout).toBe('deployment.apps "web" deleted\n');
    expect((await k("get deploy")).stderr).toBe("No resources found in default namespace.\n");
    expect((await k("delete pod nope")).stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });

  test("get -w prints the list and then one line per change", async () => {
    const t = new HarnessTransport(new ControlPlaneHarness().boot(), { watchBudgetMs: 5_000 });
    await kubectl(t, "create configmap one --from-literal=a=1");
    // Another client creates a second ConfigMap while the watch is open.
    const h = t.harness;
    h.send("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "two" }, data: { b: "2" } },
    });
    const r = await kubectl(t, "get cm -w");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME +DATA +AGE$/);
    expect(lines.some((l) => l.startsWith("one "))).toBe(true);
    expect(lines.some((l) => l.startsWith("two "))).toBe(true);
  });

  test("describe namespace and service through the API", async () => {
    const k = cluster();
    await k("create service clusterip web --tcp=80:8080");
    const d = await k("describe svc web");
    expect(d.stdout).toContain(
      "Port:                     80-8080  80/TCP\nTargetPort:               8080/TCP\n",
    );
    expect(d.stdout).toContain("Endpoints:                <none>\n");
    expect((await k("describe ns default")).stdout).toBe(
      "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n",
    );
  });

  test("help and usage errors", async () => {
    const k = cluster();
    const help = await k("get --help");
    expect(help.code).toBe(0);
    expect(help.stdout.startsWith("Display one or many resources.")).toBe(true);
    expect(await k("get --bogus")).toEqual({
      code: 1,
      stdout: "",
      stderr: "Error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n",
    });
  });
});
