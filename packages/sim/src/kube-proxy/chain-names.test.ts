/**
 * Chain names against names published by Kubernetes itself: the iptables proxier's unit tests
 * (`pkg/proxy/iptables/proxier_test.go`: `ns1/svc1:p80` → KUBE-SVC-XPGD46QRK7WJZT7O, its
 * endpoint 10.180.0.1:80 → KUBE-SEP-SXIVWICOYRO3J4NJ) and the chains every kubeadm cluster has
 * (`default/kubernetes:https` → KUBE-SVC-NPX46M4PTMTKRN6Y, `kube-system/kube-dns:dns` (udp) →
 * KUBE-SVC-TCOU7JCQXEZGVUNU, visible in countless `iptables-save` dumps).
 */
import { describe, expect, it } from "vitest";
import { base32Encode, servicePortEndpointChain, servicePortPolicyClusterChain } from "./chain-names";

describe("kube-proxy chain names", () => {
  it("base32 encodes as Go's StdEncoding (RFC 4648 test vectors)", () => {
    const bytes = (s: string) => [...s].map((c) => c.charCodeAt(0));
    expect(base32Encode(bytes(""))).toBe("");
    expect(base32Encode(bytes("f"))).toBe("MY======");
    expect(base32Encode(bytes("fo"))).toBe("MZXQ====");
    expect(base32Encode(bytes("foob"))).toBe("MZXW6YQ=");
    expect(base32Encode(bytes("foobar"))).toBe("MZXW6YTBOI======");
  });

  it("hashes service ports as the proxier does", () => {
    expect(servicePortPolicyClusterChain("ns1/svc1:p80", "tcp")).toBe("KUBE-SVC-XPGD46QRK7WJZT7O");
    expect(servicePortPolicyClusterChain("default/kubernetes:https", "tcp")).toBe(
      "KUBE-SVC-NPX46M4PTMTKRN6Y",
    );
    expect(servicePortPolicyClusterChain("kube-system/kube-dns:dns", "udp")).toBe(
      "KUBE-SVC-TCOU7JCQXEZGVUNU",
    );
    expect(servicePortPolicyClusterChain("default/nginx", "tcp")).toBe("KUBE-SVC-2CMXP7HKUVJN7L6M");
  });

  it("hashes endpoints with their ip:port", () => {
    expect(servicePortEndpointChain("ns1/svc1:p80", "tcp", "10.180.0.1:80")).toBe(
      "KUBE-SEP-SXIVWICOYRO3J4NJ",
    );
  });
});
