import { describe, expect, it } from "vitest";
import { PluginEnv } from "../../testing/plugin-env";
import { makeNode, makePod } from "../../testing/wrappers";
import {
  calculatePriority,
  MAX_CONTAINER_THRESHOLD,
  MIN_THRESHOLD,
  normalizedImageName,
} from "./image-locality";

const MB = 1024 * 1024;

describe("ImageLocality", () => {
  it("normalises untagged names to :latest", () => {
    expect(normalizedImageName("nginx")).toBe("nginx:latest");
    expect(normalizedImageName("nginx:1.27")).toBe("nginx:1.27");
    expect(normalizedImageName("localhost:5000/app")).toBe("localhost:5000/app:latest");
  });

  it("clamps the summed image sizes between 23 MB and 1000 MB per container", () => {
    expect(calculatePriority(10 * MB, 1)).toBe(0);
    expect(calculatePriority(MAX_CONTAINER_THRESHOLD, 1)).toBe(100);
    expect(calculatePriority(MIN_THRESHOLD + (MAX_CONTAINER_THRESHOLD - MIN_THRESHOLD) / 2, 1)).toBe(50);
  });

  it("favours nodes holding the image, scaled by how many nodes have it", () => {
    const big = { names: ["example.com/ml:1"], sizeBytes: 1000 * MB };
    const env = new PluginEnv([
      makeNode("has", { images: [big] }),
      makeNode("also", { images: [big] }),
      makeNode("lacks"),
    ]);
    const pod = makePod("p", { image: "example.com/ml:1" });
    const scores = env.score("ImageLocality", pod, ["has", "lacks"]);
    // 1000 MB × 2/3 of the nodes = 666.7 MB → (666.7 − 23) / (1000 − 23) × 100 = 65.
    expect(scores).toEqual([65, 0]);
  });
});
