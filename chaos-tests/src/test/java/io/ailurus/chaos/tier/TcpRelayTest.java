package io.ailurus.chaos.tier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ailurus.tier.s3.testing.ProxyFault;
import io.ailurus.tier.s3.testing.S3FaultProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay passes bytes, half-closes and resets through; tier-s3's proxy faults reach the client unchanged. */
@Timeout(30)
class TcpRelayTest {

    @Test
    void relaysARequestAndTheAnswerBothWays() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                TcpRelay relay = TcpRelay.start("127.0.0.1", upstream.getLocalPort())) {
            final CompletableFuture<byte[]> seen = CompletableFuture.supplyAsync(() -> {
                try (Socket s = upstream.accept()) {
                    final byte[] request = s.getInputStream().readAllBytes();   // until the client's half-close
                    s.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
                    return request;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket client = new Socket("127.0.0.1", relay.port())) {
                client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                assertArrayEquals("pong".getBytes(StandardCharsets.US_ASCII), client.getInputStream().readAllBytes());
            }
            assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), seen.get());
        }
    }

    @Test
    void theProxysAnswersAndResetsComeThrough() throws Exception {
        try (ServerSocket nothing = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                S3FaultProxy proxy = S3FaultProxy.start(nothing.getLocalPort());
                TcpRelay relay = TcpRelay.start("127.0.0.1", URI.create(proxy.endpoint()).getPort())) {
            proxy.setFault(ProxyFault.FAIL_503);
            assertEquals("HTTP/1.1 503 Slow Down", firstLine(exchange(relay.port())));
            proxy.setFault(ProxyFault.RESET);
            assertThrows(SocketException.class, () -> exchange(relay.port()));
            assertEquals(2, proxy.faultsInjected());
        }
    }

    private static byte[] exchange(final int port) throws IOException {
        try (Socket client = new Socket("127.0.0.1", port)) {
            final OutputStream out = client.getOutputStream();
            out.write("GET /chaos/key HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = client.getInputStream();
            return in.readAllBytes();
        }
    }

    private static String firstLine(final byte[] answer) {
        final String s = new String(answer, StandardCharsets.ISO_8859_1);
        return s.substring(0, s.indexOf("\r\n"));
    }
}
