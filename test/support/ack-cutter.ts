// A TCP proxy between devices and the API that can lose an acknowledgement on purpose: once armed,
// it holds back the next "201 Created" the API sends (the batch is committed by then: the API
// answers only after COMMIT), lets the test kill the API at that moment, and cuts the device's
// connection without forwarding the answer. The device saw its batch fail; bronze has it.
import net from 'node:net';

export interface LostAcknowledgement {
  /** `deviceId/batchId` of the request whose 201 never reached the device. */
  batch: string;
}

export interface AckCutter {
  url: string;
  /** Cut the next 201; `atCut` runs before the device's connection is closed (e.g. SIGKILL the API). */
  arm(atCut: () => Promise<void>): Promise<LostAcknowledgement>;
  close(): Promise<void>;
}

const BATCH_IN_BODY = /"deviceId":"([^"]+)","batchId":"([^"]+)"/;

export async function startAckCutter(upstream: () => string): Promise<AckCutter> {
  let armed: { atCut: () => Promise<void>; resolve: (lost: LostAcknowledgement) => void; reject: (e: Error) => void } | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((device) => {
    const target = new URL(upstream());
    const api = net.connect(Number(target.port), target.hostname);
    sockets.add(device).add(api);
    // The batch of the request in flight on this connection (devices send one at a time).
    let lastBatch = '';
    device.on('data', (chunk: Buffer) => {
      const m = BATCH_IN_BODY.exec(chunk.toString('latin1'));
      if (m) lastBatch = `${m[1]}/${m[2]}`;
      api.write(chunk);
    });
    api.on('data', (chunk: Buffer) => {
      if (armed && lastBatch && chunk.subarray(0, 12).toString('latin1') === 'HTTP/1.1 201') {
        const cut = armed;
        armed = undefined;
        device.pause();
        cut
          .atCut()
          .then(() => cut.resolve({ batch: lastBatch }), cut.reject)
          .finally(() => {
            device.destroy();
            api.destroy();
          });
        return;
      }
      device.write(chunk);
    });
    const closeBoth = () => {
      device.destroy();
      api.destroy();
      sockets.delete(device);
      sockets.delete(api);
    };
    device.on('close', closeBoth).on('error', closeBoth);
    api.on('close', closeBoth).on('error', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arm(atCut) {
      if (armed) throw new Error('the cutter is already armed');
      return new Promise((resolve, reject) => (armed = { atCut, resolve, reject }));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
