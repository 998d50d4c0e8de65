/** A transport with no server behind it: every request fails as a refused connection does. */
import { ConnectionError, type KubeTransport } from "../transport";

/** kubectl's view of `localhost:8080` with nothing listening. */
export const noServerTransport: KubeTransport = {
  server: "http://localhost:8080",
  async request() {
    throw new ConnectionError("dial tcp 127.0.0.1:8080: connect: connection refused", true);
  },
  async watch() {
    throw new ConnectionError("dial tcp 127.0.0.1:8080: connect: connection refused", true);
  },
};
