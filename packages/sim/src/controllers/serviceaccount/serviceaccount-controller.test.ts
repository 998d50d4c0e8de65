import { describe, expect, it } from "vitest";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { DESCRIPTION, DESCRIPTION_ANNOTATION, ROOT_CA_CONFIG_MAP } from "./root-ca-cert-publisher";

describe("ServiceAccount controller and root CA publisher", () => {
  it("give every namespace its default ServiceAccount and kube-root-ca.crt, and restore them", () => {
    const c = new ControllerTestCluster({
      controllers: ["serviceaccount", "root-ca-cert-publisher"],
      kubelet: false,
    });
    // The bootstrap namespaces get them at start.
    expect(
      c.waitFor(() =>
        ["default", "kube-system", "kube-public", "kube-node-lease"].every(
          (ns) => c.get("serviceaccounts", ns, "default") && c.get("configmaps", ns, ROOT_CA_CONFIG_MAP),
        ),
      ),
    ).toBe(true);

    const t0 = c.sim.now;
    c.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } });
    expect(c.waitFor(() => c.get("serviceaccounts", "team-a", "default") !== undefined, 5_000, 1)).toBe(true);
    // Within a few round trips of the namespace's creation (watch → sync → POST).
    expect(c.sim.now - t0).toBeLessThan(100);
    expect(c.waitFor(() => c.get("configmaps", "team-a", ROOT_CA_CONFIG_MAP) !== undefined)).toBe(true);
    const cm = c.get("configmaps", "team-a", ROOT_CA_CONFIG_MAP)!;
    expect(cm.metadata.annotations).toEqual({ [DESCRIPTION_ANNOTATION]: DESCRIPTION });
    expect(cm.data["ca.crt"]).toMatch(/^-----BEGIN CERTIFICATE-----\n/);

    // A pod can now be created there (ServiceAccount admission finds `default`).
    const pod = c.request("POST", "/api/v1/namespaces/team-a/pods", {
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
    });
    expect(pod.code).toBe(201);

    // Deleting them brings them back; editing the ConfigMap is reverted.
    c.request("DELETE", "/api/v1/namespaces/team-a/serviceaccounts/default");
    c.patch("configmaps", "team-a", ROOT_CA_CONFIG_MAP, { data: { "ca.crt": "tampered" } });
    expect(
      c.waitFor(
        () =>
          c.get("serviceaccounts", "team-a", "default") !== undefined &&
          c.get("configmaps", "team-a", ROOT_CA_CONFIG_MAP)?.data["ca.crt"] !== "tampered",
      ),
    ).toBe(true);
  });

  it("kube-controller-manager creates its controllers' ServiceAccounts in kube-system", () => {
    const c = new ControllerTestCluster({ kubelet: false });
    expect(
      c.waitFor(() =>
        ["replicaset-controller", "service-account-controller", "root-ca-cert-publisher"].every((n) =>
          c.get("serviceaccounts", "kube-system", n),
        ),
      ),
    ).toBe(true);
  });
});
