package io.shoreloop.ingest;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broker that speaks only MQTT 3.1.1, built from a real one: a TCP front that reads each connection's CONNECT and,
 * when its protocol level is not 4 (3.1.1), answers as a 3.1.1 broker must ("The Server MUST respond to the CONNECT
 * Packet with a CONNACK return code 0x01 (unacceptable protocol level) and then disconnect the Client", MQTT 3.1.1
 * §3.1.2.2); a 3.1.1 connection is passed through to the real broker behind it, byte for byte.
 */
final class Mqtt311OnlyBroker implements Closeable {

    private final ServerSocket server;
    private final String backendHost;
    private final int backendPort;
    final AtomicInteger refusedVersion5 = new AtomicInteger();
    final AtomicInteger passed311 = new AtomicInteger();

    Mqtt311OnlyBroker(String backendHost, int backendPort) throws IOException {
        this.backendHost = backendHost;
        this.backendPort = backendPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "mqtt311-front");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "mqtt311-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            ByteArrayOutputStream connect = new ByteArrayOutputStream();
            int type = in.read();
            if (type != 0x10) {
                return; // not a CONNECT: a 3.1.1 broker closes the connection
            }
            connect.write(type);
            int remaining = 0;
            int multiplier = 1;
            int b;
            do {
                b = in.read();
                if (b < 0) {
                    return;
                }
                connect.write(b);
                remaining += (b & 0x7f) * multiplier;
                multiplier *= 128;
            } while ((b & 0x80) != 0);
            byte[] body = in.readNBytes(remaining);
            connect.write(body);
            int level = body.length > 6 ? body[6] & 0xff : -1; // after the protocol name "MQTT" (2 + 4 bytes)
            if (level != 4) {
                refusedVersion5.incrementAndGet();
                OutputStream out = client.getOutputStream();
                out.write(new byte[] {0x20, 0x02, 0x00, 0x01});
                out.flush();
                return;
            }
            passed311.incrementAndGet();
            try (Socket backend = new Socket(backendHost, backendPort)) {
                backend.getOutputStream().write(connect.toByteArray());
                Thread up = new Thread(() -> pipe(in, backend), "mqtt311-up");
                up.setDaemon(true);
                up.start();
                pipe(backend.getInputStream(), client);
            }
        } catch (IOException e) {
            // connection closed by either side
        }
    }

    private static void pipe(InputStream from, Socket to) {
        try {
            from.transferTo(to.getOutputStream());
        } catch (IOException e) {
            // closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
