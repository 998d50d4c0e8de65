"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/provider";

/** The signed-in user's clusters, with loading, error and empty states. */
export function ClusterList() {
  const trpc = useTRPC();
  const clusters = useQuery(trpc.cluster.list.queryOptions());
  if (clusters.isPending) {
    return (
      <p role="status" aria-live="polite">
        Loading clusters…
      </p>
    );
  }
  if (clusters.isError) {
    return (
      <p role="alert" className="error">
        Could not load your clusters: {clusters.error.message} Reload the page to try again.
      </p>
    );
  }
  if (clusters.data.length === 0) {
    return (
      <div className="empty" data-testid="clusters-empty">
        <p>No clusters yet.</p>
        <p className="hint">Creating clusters arrives with the cluster runtime.</p>
      </div>
    );
  }
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Status</th>
          <th scope="col">Last activity</th>
        </tr>
      </thead>
      <tbody>
        {clusters.data.map((c) => (
          <tr key={c.id}>
            <td>{c.name}</td>
            <td>{c.status}</td>
            <td>{c.lastActivityAt.toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
