import { describe, expect, test } from "vitest";
import { ApiError, formatError, statusFromResponse } from "./errors";

describe("kubectl error texts", () => {
  test("Status with a reason, and without", () => {
    expect(formatError(new ApiError({ reason: "NotFound", message: 'pods "x" not found' }))).toBe(
      'Error from server (NotFound): pods "x" not found\n',
    );
    expect(formatError(new ApiError({ message: "boom" }))).toBe("Error from server: boom\n");
  });
  test("Invalid: one cause inline, several as a list under a prefix with a trailing space", () => {
    const one = {
      reason: "Invalid",
      details: {
        kind: "Deployment",
        name: "web",
        causes: [
          { field: "spec.replicas", message: "Invalid value: -1: must be greater than or equal to 0" },
        ],
      },
    };
    expect(formatError(new ApiError(one))).toBe(
      'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n',
    );
    const two = {
      reason: "Invalid",
      details: {
        kind: "Pod",
        name: "p",
        causes: [
          { field: "a", message: "Required value" },
          { field: "b", message: "Required value" },
        ],
      },
    };
    expect(formatError(new ApiError(two))).toBe(
      'The Pod "p" is invalid: \n* a: Required value\n* b: Required value\n',
    );
  });
  test("client errors get the error: prefix; non-Status bodies get the generic reason", () => {
    expect(formatError(new Error('the server doesn\'t have a resource type "foo"'))).toBe(
      'error: the server doesn\'t have a resource type "foo"\n',
    );
    expect(statusFromResponse(503, "upstream down").reason).toBe("ServiceUnavailable");
  });
});
