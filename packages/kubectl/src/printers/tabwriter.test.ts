import { describe, expect, test } from "vitest";
import { KUBECTL_DESCRIBE, KUBECTL_TABLE, TabWriter, tabwrite } from "./tabwriter";

describe("tabwriter (Go text/tabwriter with kubectl's settings)", () => {
  test("columns are the widest cell plus 3, at least 6; the last cell is not padded", () => {
    expect(tabwrite("NAME\tREADY\tSTATUS\nweb-abc\t1/1\tRunning\n")).toBe(
      "NAME      READY   STATUS\nweb-abc   1/1     Running\n",
    );
    // minwidth 6: a one-letter column still takes 6.
    expect(tabwrite("A\tB\nx\ty\n")).toBe("A     B\nx     y\n");
  });

  test("a line with fewer cells ends the column block (describe layout)", () => {
    const text = "Name:\tweb\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicaSet/x\n";
    expect(tabwrite(text, KUBECTL_DESCRIBE)).toBe(
      "Name:  web\nIPs:\n  IP:           10.0.0.1\nControlled By:  ReplicaSet/x\n",
    );
  });

  test("RememberWidths keeps columns from earlier flushes (get -w)", () => {
    const w = new TabWriter(KUBECTL_TABLE);
    w.write("NAME\tSTATUS\nvery-long-name\tRunning\n");
    expect(w.flush()).toBe("NAME             STATUS\nvery-long-name   Running\n");
    w.write("a\tPending\n");
    expect(w.flush()).toBe("a                Pending\n");
  });

  test("widths count runes, not UTF-16 units", () => {
    expect(tabwrite("日本\tx\nab\ty\n")).toBe("日本    x\nab    y\n");
  });
});
