import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/server/auth";
import { ClusterList } from "./cluster-list";

export const metadata: Metadata = { title: "Clusters" };

export default async function ClustersPage() {
  const user = await currentUser();
  if (!user) redirect("/signin");
  return (
    <section>
      <h1>Your clusters</h1>
      <ClusterList />
    </section>
  );
}
