import { describe, expect, it } from "vitest";
import { normalizedImageName, parseImageReference } from "./image-reference";
import { lookupImage } from "./registry";
import { sha256Hex } from "./sha256";

const ref = (s: string) => {
  const r = parseImageReference(s);
  if ("error" in r) throw new Error(r.error);
  return r;
};

describe("image references and the registry", () => {
  it("normalises references as distribution/reference does", () => {
    expect(normalizedImageName(ref("nginx"))).toBe("docker.io/library/nginx:latest");
    expect(normalizedImageName(ref("bitnami/redis:7.2"))).toBe("docker.io/bitnami/redis:7.2");
    expect(normalizedImageName(ref("registry.k8s.io/pause:3.10"))).toBe("registry.k8s.io/pause:3.10");
    expect(normalizedImageName(ref("localhost:5000/app"))).toBe("localhost:5000/app:latest");
    expect(parseImageReference("NGINX")).toEqual({
      error: "invalid reference format: repository name (library/NGINX) must be lowercase",
    });
    expect(parseImageReference("nginx:")).toEqual({ error: "invalid reference format" });
  });

  it("serves catalogue images, refuses typos and unknown tags, accepts unknown application repos", () => {
    expect(lookupImage(ref("nginx:1.27.3")).status).toBe(200);
    expect(lookupImage(ref("nginx:alpine")).status).toBe(200);
    expect(lookupImage(ref("ngnix")).status).toBe(401);
    expect(lookupImage(ref("nginx:1.99")).status).toBe(404);
    expect(lookupImage(ref("registry.k8s.io/pause:latest")).status).toBe(404);
    expect(lookupImage(ref("registry.k8s.io/no-such-thing:1.0")).status).toBe(404);
    expect(lookupImage(ref("k8s.gcr.io/pause:3.9")).status).toBe(200);
    expect(lookupImage(ref("rabbitmq:3.13")).status).toBe(200);
    const app = lookupImage(ref("ghcr.io/acme/shop:2.1.0"));
    expect(app.status).toBe(200);
    const nginx = lookupImage(ref("nginx:1.27.3"));
    if (nginx.status !== 200) throw new Error("nginx");
    expect(nginx.image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(nginx.image.sizeBytes).toBeGreaterThan(70_000_000);
    // Same reference, same digest (deterministic).
    expect(lookupImage(ref("nginx:1.27.3"))).toEqual(nginx);
  });

  it("computes SHA-256", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
