package io.shoreloop.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.testing.DemoUsers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A body read ahead on the I/O thread that never arrives in full is answered 408, not waited for forever (an
 * unauthenticated request is refused before its body is read).
 */
@QuarkusTest
class BodyReadAheadTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void aBodyThatStopsHalfwayIsAnsweredRequestTimeout() throws Exception {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout((int) BodyReadAhead.TIMEOUT.toMillis() + 20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/manifests HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Authorization: Bearer " + DemoUsers.token(DemoUsers.CREW_YU_CONTAINER) + "\r\n"
                            + "Content-Length: 40\r\n\r\n{\"callId\":")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            String status = new String(head, StandardCharsets.US_ASCII);
            assertTrue(status.startsWith("HTTP/1.1 408"), () -> "answered: " + status);
        }
    }
}
