/**
 * The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher): every
 * namespace has the ConfigMap `kube-root-ca.crt` holding the cluster CA (`ca.crt`), which the
 * projected `kube-api-access-*` volume of every pod mounts. It lives with the ServiceAccount
 * controller because users meet both in every namespace, together.
 */
import type { KubeObject } from "../../api/types";
import { deepEqual } from "../../core/clone";
import { defineController, statusReason, type WriteResult } from "../framework/controller";

/** `RootCACertConfigMapName`. */
export const ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
/** `DescriptionAnnotation` and `Description`. */
export const DESCRIPTION_ANNOTATION = "kubernetes.io/description";
export const DESCRIPTION =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. " +
  "No other usage is guaranteed across distributions of Kubernetes clusters.";

const NS = "namespaces";
const CM = "configmaps";

interface Data {
  rootCa: string;
}

function namespaceTerminating(r: WriteResult): boolean {
  const causes =
    (r.body as { details?: { causes?: { type?: string }[] } } | undefined)?.details?.causes ?? [];
  return causes.some((x) => x.type === "NamespaceTerminating");
}

/** The root-ca-cert-publisher controller. */
export const rootCaCertPublisher = defineController<Data>({
  name: "root-ca-certificate-publisher-controller",
  aliases: ["root-ca-cert-publisher"],
  component: "root-ca-cert-publisher",
  // startRootCACertPublisher runs one worker.
  workers: 1,
  informers: [{ resource: CM }, { resource: NS }],
  init: (settings) => ({ rootCa: settings.rootCaPem }),
  handlers: {
    [CM]: (c, d) => {
      if (d.type !== "ADDED" && d.object.metadata.name === ROOT_CA_CONFIG_MAP)
        c.enqueue(d.object.metadata.namespace ?? "");
    },
    [NS]: (c, d) => {
      if (d.type === "ADDED" || (d.type === "MODIFIED" && d.object.status?.phase === "Active"))
        c.enqueue(d.object.metadata.name ?? "");
    },
  },
  sync(c, key) {
    const data = { "ca.crt": c.data.rootCa };
    const cm = c.get(CM, key, ROOT_CA_CONFIG_MAP);
    if (!cm) {
      if (!c.get(NS, "", key)) return;
      const body: KubeObject = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: ROOT_CA_CONFIG_MAP, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
        data,
      };
      c.create(CM, key, body);
      c.continueWith("created");
      return;
    }
    if (deepEqual(cm.data ?? {}, data) && (cm.metadata.annotations?.[DESCRIPTION_ANNOTATION] ?? "") !== "")
      return;
    c.update(CM, {
      ...cm,
      metadata: {
        ...cm.metadata,
        annotations: { ...(cm.metadata.annotations ?? {}), [DESCRIPTION_ANNOTATION]: DESCRIPTION },
      },
      data,
    });
  },
  steps: {
    created(c, results) {
      const r = results[0];
      // Don't retry a create if the namespace doesn't exist or is terminating.
      if (!r || (r.code >= 200 && r.code < 300) || r.code === 404 || namespaceTerminating(r)) return;
      if (statusReason(r) === "AlreadyExists") return;
      c.fail(`creating ${ROOT_CA_CONFIG_MAP}: ${r.code}`);
    },
  },
});
