import { describe, expect, it } from "vitest";
import { FieldPath, invalid, notSupported, required, tooLong } from "./field-errors";
import {
  newAlreadyExists,
  newConflict,
  newContinueExpired,
  newForbiddenByRbac,
  newInternalError,
  newInvalid,
  newMethodNotSupported,
  newNotFound,
  newRequestEntityTooLarge,
  newTimeout,
  newTooOldResourceVersion,
  newUnsupportedMediaType,
  newWatchExpired,
  StatusError,
} from "./status";

const deployments = { group: "apps", resource: "deployments" };

describe("status constructors", () => {
  it("NotFound names the group-qualified resource", () => {
    const s = newNotFound(deployments, "web");
    expect(s).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'deployments.apps "web" not found',
      reason: "NotFound",
      details: { name: "web", group: "apps", kind: "deployments" },
      code: 404,
    });
    expect(newNotFound({ group: "", resource: "pods" }, "x").message).toBe('pods "x" not found');
  });

  it("AlreadyExists is a 409", () => {
    const s = newAlreadyExists({ group: "", resource: "pods" }, "x");
    expect([s.code, s.reason, s.message]).toEqual([409, "AlreadyExists", 'pods "x" already exists']);
  });

  it("Conflict carries the optimistic-lock text", () => {
    expect(newConflict(deployments, "web").message).toBe(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it("Invalid aggregates one error inline and several in brackets", () => {
    const one = newInvalid({ group: "apps", kind: "Deployment" }, "web", [
      invalid(FieldPath.root("spec", "replicas"), -1, "must be greater than or equal to 0"),
    ]);
    expect(one.code).toBe(422);
    expect(one.message).toBe(
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    expect(one.details?.causes).toEqual([
      {
        reason: "FieldValueInvalid",
        message: "Invalid value: -1: must be greater than or equal to 0",
        field: "spec.replicas",
      },
    ]);
    const containers = FieldPath.root("spec").child("template", "spec", "containers").index(0);
    const two = newInvalid({ group: "", kind: "Pod" }, "p", [
      required(containers.child("image")),
      notSupported(containers.child("imagePullPolicy"), "Sometimes", ["Always", "IfNotPresent", "Never"]),
      required(containers.child("image")),
    ]);
    expect(two.message).toBe(
      'Pod "p" is invalid: [spec.template.spec.containers[0].image: Required value, spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"]',
    );
    // The duplicate stays a cause even though the message drops it, as in apimachinery.
    expect(two.details?.causes).toHaveLength(3);
  });

  it("Too long omits the value", () => {
    const s = newInvalid({ group: "", kind: "ConfigMap" }, "c", [tooLong("metadata.annotations", 262144)]);
    expect(s.message).toBe(
      'ConfigMap "c" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes',
    );
  });

  it("Forbidden by RBAC in a namespace and at the cluster scope", () => {
    expect(
      newForbiddenByRbac({ user: "jane", verb: "list", resource: "pods", apiGroup: "", namespace: "default" })
        .message,
    ).toBe(
      'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    const s = newForbiddenByRbac({ user: "jane", verb: "get", resource: "nodes", apiGroup: "", name: "n1" });
    expect(s.message).toBe(
      'nodes "n1" is forbidden: User "jane" cannot get resource "nodes" in API group "" at the cluster scope',
    );
    expect(s.code).toBe(403);
    expect(
      newForbiddenByRbac({
        user: "system:serviceaccount:default:x",
        verb: "update",
        resource: "deployments",
        subresource: "scale",
        apiGroup: "apps",
        namespace: "prod",
        name: "web",
      }).message,
    ).toBe(
      'deployments.apps "web" is forbidden: User "system:serviceaccount:default:x" cannot update resource "deployments/scale" in API group "apps" in the namespace "prod"',
    );
    expect(newForbiddenByRbac({ user: "jane", verb: "get", path: "/metrics" }).message).toBe(
      'forbidden: User "jane" cannot get path "/metrics"',
    );
  });

  it("the other reasons have their codes and texts", () => {
    expect(newMethodNotSupported({ group: "", resource: "bindings" }, "list").message).toBe(
      'list is not supported on resources of kind "bindings"',
    );
    expect(newUnsupportedMediaType(["application/json-patch+json"]).code).toBe(415);
    expect(newRequestEntityTooLarge().message).toBe("Request entity too large: limit is 3145728");
    expect(newTimeout().message).toBe(
      "Timeout: request did not complete within requested timeout - context deadline exceeded",
    );
    expect(newTimeout().code).toBe(504);
    expect(newInternalError("boom").message).toBe("Internal error occurred: boom");
    expect(newWatchExpired()).toMatchObject({ code: 410, reason: "Expired" });
    expect(newTooOldResourceVersion(5, 10).message).toBe("too old resource version: 5 (9)");
    expect(newContinueExpired("tok").metadata.continue).toBe("tok");
    expect(new StatusError(newNotFound(deployments, "x")).message).toBe('deployments.apps "x" not found');
  });
});
